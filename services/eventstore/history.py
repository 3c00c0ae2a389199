"""What the applications read from the store besides whole aggregates: an aggregate's recorded
events with their positions and the idempotency key each save was made under, and the position
of its last event. Both event stores offer it (``NatsApplicationRecorder`` and the in-memory
``services.eventstore.memory``), so the applications run on either."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent


class Recorded(NamedTuple):
    position: int
    """The event's notification id (its stream sequence)."""
    event: StoredEvent
    idempotency_key: str = ""
    request_hash: str = ""
    """The hash of the request saved under ``idempotency_key`` (``services.apps.replays``)."""


@runtime_checkable
class AggregateHistory(Protocol):
    def history(self, aggregate_id: UUID) -> list[Recorded]:
        """Every event of one aggregate, in order (batched reads: one round trip per thousand)."""
        ...

    def last_position(self, aggregate_id: UUID) -> int:
        """The position of the aggregate's last event; 0 when it has none."""
        ...


def history_of(recorder: object) -> AggregateHistory:
    """The application recorder as the port the applications read through."""
    if not isinstance(recorder, AggregateHistory):
        offered = "PERSISTENCE_MODULE=services.eventstore or services.eventstore.memory"
        raise TypeError(f"{type(recorder).__name__} offers no aggregate histories; use {offered}")
    return recorder
