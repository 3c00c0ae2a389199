"""Several views fed from one reading of the log.

Each runner alone would read and decode every event itself; the group reads a batch once, from
the lowest committed position among its views, decodes it once and hands it to every runner,
which folds only what lies after its own position and commits it with that position (so each
view stays exactly-once on its own, whatever the others do). A view whose fold fails is logged
and retried from its own position with the next batch; the others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import structlog

from services.projector.decode import to_event
from services.projector.runner import BATCH

if TYPE_CHECKING:
    from collections.abc import Callable

    from nats.aio.client import Client

    from services.eventstore.eventlog import EventLog
    from services.projector.runner import Runner

log = structlog.get_logger("projector")


class RunnerGroup:
    def __init__(self, runners: list[Runner], events: EventLog, nc: Client) -> None:
        self.runners = runners
        self.events = events
        self._nc = nc
        self._positions = {runner.view: runner.store.position() for runner in runners}

    async def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Fold everything after each view's committed position; returns the lowest position."""
        while True:
            start = min(self._positions.values()) + 1
            messages, pending = await self.events.read_range(start, BATCH)
            if not messages:
                return start - 1
            events = [to_event(message) for message in messages]
            for runner in self.runners:
                if self._positions[runner.view] >= events[-1].seq:
                    continue
                try:
                    self._positions[runner.view] = await runner.apply(events)
                except Exception:
                    log.exception("projector.failed", view=runner.view)
            if progress is not None:
                progress(events[-1].seq, events[-1].seq + pending)
            if pending == 0:
                return min(self._positions.values())

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
