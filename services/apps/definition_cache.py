"""Definitions read once and kept: elections, units and contests change only when a definition
file is loaded, yet every protocol command reads several of them.

Every load that changes anything ends with an event on its election
(``election.definition_loaded.v1``), saved after all the load's other events. So a command first
asks, with one small read, whether its election has anything after the position the cache saw; if
so, the whole cache is dropped and definitions are read again as they are needed. A completed load
is seen by the very next command, and a command costs one small request instead of one per
definition it reads.

The cache lives on one event loop (the command service's, or the store's for synchronous
callers); commands interleave only at their reads, and any interleaving leaves it right: a
command that finds an entry dropped under it reads that entry again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.apps.repository import rebuild

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.persistence import Mapper

    from services.eventstore.history import EventStorePort


class DefinitionCache:
    def __init__(self, port: EventStorePort, mapper: Mapper[UUID]) -> None:
        self._port = port
        self._mapper = mapper
        self._entries: dict[UUID, Any] = {}
        self._elections: dict[UUID, int] = {}
        """Election id -> the position of its last event when the cache was (re)filled."""

    async def refresh(self, election: UUID) -> None:
        """Called before a command reads definitions of ``election``."""
        seen = self._elections.get(election)
        if seen is not None and await self._port.last_position(election) <= seen:
            return
        history = await self._port.history(election)
        self._entries.clear()
        self._elections[election] = history[-1].position if history else 0
        self._entries[election] = rebuild(self._mapper, history)

    def peek(self, aggregate_id: UUID) -> tuple[bool, Any]:
        """Whether the aggregate is cached, and the aggregate (None if it has no events)."""
        if aggregate_id in self._entries:
            return True, self._entries[aggregate_id]
        return False, None

    async def load(self, aggregate_id: UUID) -> None:
        """Read one definition into the cache."""
        self._entries[aggregate_id] = rebuild(
            self._mapper, await self._port.history(aggregate_id)
        )
