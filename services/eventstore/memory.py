"""An in-memory event store: an eventsourcing persistence module for unit tests of the
applications, with the same behaviour the applications rely on from JetStream.

Select it the standard way::

    PERSISTENCE_MODULE=services.eventstore.memory
    MEMORY_STORE=<name>    # applications naming the same store share it (default "default")

Like the JetStream store it numbers events in one sequence across aggregates, refuses a version
that is taken (``IntegrityError``), records each save's idempotency key and request hash
(``context``) and refuses a key on a second save (``KeyReusedError``: JetStream does that within
its duplicate window, memory forever), and offers aggregate histories
(the port of ``services.eventstore.history``). Nothing survives the process.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from eventsourcing import popo

from services.eventstore.eventlog import KeyReusedError
from services.eventstore.history import Recorded

if TYPE_CHECKING:
    from collections.abc import Coroutine, Mapping, Sequence
    from uuid import UUID

    from eventsourcing.persistence import ApplicationRecorder, StoredEvent

    from schemas.envelope import CommandContext, RoutingKeys
    from services.eventstore.history import EventStorePort

STORE_NAME: Final = "MEMORY_STORE"
T = TypeVar("T")


class MemoryRecorder(popo.POPOApplicationRecorder):
    def __init__(self) -> None:
        super().__init__()
        self._recorded: dict[str, list[Recorded]] = {}
        self._keys: dict[str, str] = {}
        """Idempotency key -> the aggregate its save changed."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        context: CommandContext | None = kwargs.get("context")
        key = context.idempotency_key if context else ""
        with self._database_lock:
            self._assert_uniqueness(stored_events)  # a taken version first, as on JetStream
            if key and stored_events and key in self._keys:
                raise KeyReusedError(f"the idempotency key {key!r} is on another save")
            ids = list(super().insert_events(stored_events, **kwargs) or [])
            if key and stored_events:
                self._keys[key] = str(stored_events[0].originator_id)
            for position, event in zip(ids, stored_events, strict=True):
                self._recorded.setdefault(str(event.originator_id), []).append(
                    Recorded(position, event, key, context.request_hash if context else "")
                )
        return ids

    def history(self, aggregate_id: UUID) -> list[Recorded]:
        with self._database_lock:
            return list(self._recorded.get(str(aggregate_id), []))

    def port(self) -> EventStorePort:
        return MemoryPort(self)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Nothing here waits on a connection: a fresh loop per call does."""
        return asyncio.run(coroutine)


class MemoryPort:
    """The applications' port on the in-memory recorder."""

    def __init__(self, recorder: MemoryRecorder) -> None:
        self._recorder = recorder

    async def history(self, aggregate_id: UUID) -> list[Recorded]:
        return self._recorder.history(aggregate_id)

    async def last_position(self, aggregate_id: UUID) -> int:
        history = await self.history(aggregate_id)
        return history[-1].position if history else 0

    async def last_sequence(self) -> int:
        return self._recorder.max_notification_id() or 0

    async def append(
        self,
        events: Sequence[StoredEvent],
        *,
        context: CommandContext | None = None,
        routing: Mapping[str, RoutingKeys] | None = None,
    ) -> list[int]:
        del routing  # routing keys are headers on JetStream; nothing here reads them
        return list(self._recorder.insert_events(events, context=context) or [])


class Factory(popo.POPOFactory):  # the module holds one factory class, as the library asks
    """Applications naming the same store (``MEMORY_STORE``) share its recorder, as
    applications on one JetStream stream do."""

    _stores: ClassVar[dict[str, MemoryRecorder]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def application_recorder(self) -> ApplicationRecorder:
        name = self.env.get(STORE_NAME) or "default"
        with self._lock:
            return self._stores.setdefault(name, MemoryRecorder())
