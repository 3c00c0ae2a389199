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

import asyncio
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
        self._latest = _LatestPositions(port)
        self._positions: dict[UUID, int] = {}
        """Aggregates kept fresh one by one (results): the position their entry was read at."""

    async def refresh(self, election: UUID) -> None:
        """Called before a command reads definitions of ``election``."""
        seen = self._elections.get(election)
        if seen is not None and await self._latest.position(election) <= seen:
            return
        history = await self._port.history(election)
        self._entries.clear()
        self._positions.clear()
        self._elections[election] = history[-1].position if history else 0
        self._entries[election] = rebuild(self._mapper, history)

    async def refresh_one(self, aggregate_id: UUID) -> None:
        """Keep one aggregate that changes apart from any definition load (a contest's result)
        current: one small request for its last position, its history only when that moved."""
        position = await self._latest.position(aggregate_id)
        if aggregate_id in self._entries and self._positions.get(aggregate_id) == position:
            return
        history = await self._port.history(aggregate_id)
        self._entries[aggregate_id] = rebuild(self._mapper, history)
        self._positions[aggregate_id] = history[-1].position if history else 0

    def peek(self, aggregate_id: UUID) -> tuple[bool, Any]:
        """Whether the aggregate is cached, and the aggregate (None if it has no events)."""
        if aggregate_id in self._entries:
            return True, self._entries[aggregate_id]
        return False, None

    async def load(self, aggregate_id: UUID) -> None:
        """Read one definition into the cache."""
        self._entries[aggregate_id] = rebuild(self._mapper, await self._port.history(aggregate_id))


class _LatestPositions:
    """An aggregate's last position, asked for by many commands at once with few requests: one
    request per aggregate is in flight at a time, and a caller that arrives meanwhile waits for
    the next one, which is sent after it arrived. So no caller gets an answer older than its own
    call (a load completed before a command began is seen by it), and under load one request
    answers every command that arrived while the previous one was out."""

    def __init__(self, port: EventStorePort) -> None:
        self._port = port
        self._next: dict[UUID, asyncio.Future[int]] = {}
        """The request not sent yet for each aggregate, joined by every caller until it is."""
        self._pumps: dict[UUID, asyncio.Task[None]] = {}

    async def position(self, aggregate_id: UUID) -> int:
        loop = asyncio.get_running_loop()
        answer = self._next.get(aggregate_id)
        if answer is None or answer.get_loop() is not loop:  # a loop gone (synchronous callers)
            answer = loop.create_future()
            self._next[aggregate_id] = answer
            pump = self._pumps.get(aggregate_id)
            if pump is None or pump.done() or pump.get_loop() is not loop:
                self._pumps[aggregate_id] = loop.create_task(self._pump(aggregate_id))
        return await asyncio.shield(answer)

    async def _pump(self, aggregate_id: UUID) -> None:
        while (answer := self._next.pop(aggregate_id, None)) is not None:
            try:
                answer.set_result(await self._port.last_position(aggregate_id))
            except Exception as error:  # every waiter gets the failure, as its own request would
                answer.set_exception(error)
