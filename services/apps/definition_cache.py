"""Definitions read once and kept: elections, units and contests change only when a definition
file is loaded, yet every protocol command reads several of them.

Every load that changes anything ends with an event on its election
(``election.definition_loaded.v1``), saved after all the load's other events. So a command first
asks, with one Direct Get, whether its election has anything after the sequence the cache saw; if
so, the whole cache is dropped and definitions are read again as they are needed. A completed load
is seen by the very next command, and a command costs one small request instead of one per
definition it reads.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from services.eventstore.history import history_of

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.application import Application


class DefinitionCache:
    def __init__(self, app: Application[Any]) -> None:
        self._app = app
        self._store = history_of(app.recorder)
        self._entries: dict[UUID, Any] = {}
        self._elections: dict[UUID, int] = {}
        """Election id -> the position of its last event when the cache was (re)filled."""
        self._lock = threading.Lock()

    def refresh(self, election: UUID) -> None:
        """Called before a command reads definitions of ``election``."""
        with self._lock:
            seen = self._elections.get(election)
        if seen is not None and self._store.last_position(election) <= seen:
            return
        aggregate, last = self._read(election)
        with self._lock:
            self._entries.clear()
            self._elections[election] = last
            self._entries[election] = aggregate

    def get(self, aggregate_id: UUID) -> Any:
        """The aggregate as of the last refresh, or None if it has no events."""
        with self._lock:
            if aggregate_id in self._entries:
                return self._entries[aggregate_id]
        aggregate, _ = self._read(aggregate_id)
        with self._lock:
            self._entries[aggregate_id] = aggregate
        return aggregate

    def _read(self, aggregate_id: UUID) -> tuple[Any, int]:
        history = self._store.history(aggregate_id)
        aggregate: Any = None
        for recorded in history:
            event: Any = self._app.mapper.to_domain_event(recorded.event)
            aggregate = event.mutate(aggregate)
        return aggregate, history[-1].position if history else 0
