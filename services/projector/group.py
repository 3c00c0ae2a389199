"""Several views fed from one reading of the log.

Each runner alone would read and decode every event itself; the group reads a batch once, from
the lowest committed position among its views, decodes it once and hands it to every runner,
which folds only what lies after its own position and commits it with that position (so each
view stays exactly-once on its own, whatever the others do). A view whose fold fails is logged
and retried from its own position: the reading stops there and starts again from the lowest
position; the others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import structlog

from services.projector.reading import BATCH, batches

if TYPE_CHECKING:
    from collections.abc import Callable

    from nats.aio.client import Client

    from projections.core import Event
    from services.eventstore.eventlog import EventLog
    from services.projector.runner import Runner

log = structlog.get_logger("projector")


class RunnerGroup:
    def __init__(
        self, runners: list[Runner], events: EventLog, nc: Client, *, batch: int = BATCH
    ) -> None:
        self.runners = runners
        self.events = events
        self._nc = nc
        self._batch = batch
        self._positions = {runner.view: runner.store.position() for runner in runners}

    async def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Fold everything after each view's committed position; returns the lowest position."""
        while True:
            start = min(self._positions.values()) + 1
            reading = batches(self.events, self._nc, start, self._batch)
            async with contextlib.aclosing(reading):
                async for events, pending in reading:
                    folded = await self._fold(events)
                    if progress is not None:
                        progress(events[-1].seq, events[-1].seq + pending)
                    if not folded and pending:
                        break  # a view failed: read again from its position
                else:
                    return min(self._positions.values())

    async def _fold(self, events: list[Event]) -> bool:
        """Hand a batch to every runner behind its end; whether every view is now past it."""
        for runner in self.runners:
            if self._positions[runner.view] >= events[-1].seq:
                continue
            try:
                self._positions[runner.view] = await runner.apply(events)
            except Exception:
                log.exception("projector.failed", view=runner.view)
        return min(self._positions.values()) >= events[-1].seq

    async def follow(self, stop: asyncio.Event) -> None:
        """Catch up, then keep every view current until ``stop`` is set."""
        wake = asyncio.Event()

        async def on_event(_: Any) -> None:
            wake.set()

        subscription = await self._nc.subscribe(self.events.subject_prefix + ">", cb=on_event)
        try:
            while not stop.is_set():
                wake.clear()
                try:
                    await self.catch_up()
                except Exception:
                    log.exception("projector.read_failed")
                    await asyncio.sleep(1.0)  # every position is committed: resume from it
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
                await asyncio.wait(waiters, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
