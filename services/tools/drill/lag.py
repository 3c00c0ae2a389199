"""When an event became visible in the tally view: the drill listens to the view's change
announcements (``tally.v1.views.<view>``, sent after every commit with the committed stream
position), as a dashboard does, and notes when each position was announced."""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from typing import TYPE_CHECKING

import msgspec

import projections
from projections.core import view_name
from schemas import subjects
from schemas.views import Announcement
from services.eventstore.connection import connect

if TYPE_CHECKING:
    from nats.aio.msg import Msg

    from services.eventstore.settings import StoreSettings


class TallyWatch:
    def __init__(self, settings: StoreSettings) -> None:
        self._settings = settings
        self._positions: list[int] = []
        self._times: list[float] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tally-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def visible_at(self, sequence: int) -> float | None:
        """The monotonic time the tally view first announced a position at or past
        ``sequence``."""
        with self._lock:
            index = bisect.bisect_left(self._positions, sequence)
            return self._times[index] if index < len(self._times) else None

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._listen())
        except BaseException as error:
            self._error = error
            self._ready.set()

    async def _listen(self) -> None:
        self._stop = asyncio.Event()
        nc = await connect(self._settings, name="tally-drill-watch")
        tally = next(p for p in projections.ALL if p.NAME == "tally")
        subject = subjects.VIEWS_ANNOUNCE_PREFIX + view_name(tally)

        async def noted(message: Msg) -> None:
            position = msgspec.json.decode(message.data, type=Announcement).position
            with self._lock:
                # Positions only grow; keep the list sorted for bisect even if one repeats.
                if not self._positions or position > self._positions[-1]:
                    self._positions.append(position)
                    self._times.append(time.monotonic())

        await nc.subscribe(subject, cb=noted)
        await nc.flush()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await nc.drain()
