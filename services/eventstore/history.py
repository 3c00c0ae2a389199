"""The port the protocols application reads and writes through, below the eventsourcing library:
an aggregate's recorded events with their positions and the idempotency key each save was made
under, the position of its last event, and an append with the command's envelope.

It is asynchronous, so a service already on an event loop (the command service) runs a command
on that loop from request to acknowledgement, with no hop to a worker thread and back. Both event
stores offer it: JetStream (``services.eventstore.jetstream_port``, on whatever connection and
loop it is given) and the in-memory store (``services.eventstore.memory``). A synchronous caller
reaches it through the recorder's ``run``, which runs a coroutine where the store's connection
lives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Coroutine, Mapping, Sequence
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent

    from schemas.envelope import CommandContext, RoutingKeys

T = TypeVar("T")


class Recorded(NamedTuple):
    position: int
    """The event's notification id (its stream sequence)."""
    event: StoredEvent
    idempotency_key: str = ""
    request_hash: str = ""
    """The hash of the request saved under ``idempotency_key`` (``services.apps.replays``)."""


class EventStorePort(Protocol):
    async def history(self, aggregate_id: UUID) -> list[Recorded]:
        """Every event of one aggregate, in order (batched reads: one round trip per thousand)."""
        ...

    async def last_position(self, aggregate_id: UUID) -> int:
        """The position of the aggregate's last event; 0 when it has none."""
        ...

    async def last_sequence(self) -> int:
        """The position of the store's last event (0 when empty)."""
        ...

    async def append(
        self,
        events: Sequence[StoredEvent],
        *,
        context: CommandContext | None = None,
        routing: Mapping[str, RoutingKeys] | None = None,
    ) -> list[int]:
        """Store one save's events atomically; their positions. ``IntegrityError`` when a
        version is taken, ``KeyReusedError`` when the context's idempotency key is on another
        save."""
        ...


@runtime_checkable
class PortRecorder(Protocol):
    """An application recorder that offers the port."""

    def port(self) -> EventStorePort: ...

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of the port from synchronous code, where the store's connection
        lives."""
        ...


def port_of(recorder: object) -> PortRecorder:
    """The application recorder as the port the applications read through."""
    if not isinstance(recorder, PortRecorder):
        offered = "PERSISTENCE_MODULE=services.eventstore or services.eventstore.memory"
        raise TypeError(f"{type(recorder).__name__} offers no aggregate histories; use {offered}")
    return recorder
