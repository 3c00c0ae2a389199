"""The drill's agenda: tasks due at moments of the night, taken by worker threads in time order.

The night clock starts at the first task's moment and runs ``speed`` times faster than the wall
clock; with ``speed=None`` (``--max``) nothing waits and tasks are taken as fast as workers free
up, still in the order of their moments. A task may add follow-up tasks while it runs (a
confirmation after a submission); the agenda is finished when nothing is due and nothing runs.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Agenda:
    def __init__(self, speed: float | None) -> None:
        self._speed = speed
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._open = 0
        self._condition = threading.Condition()
        self._origin: tuple[float, float] | None = None

    def add(self, moment_s: float, task: Callable[[], None]) -> None:
        with self._condition:
            heapq.heappush(self._heap, (moment_s, next(self._order), task))
            self._open += 1
            self._condition.notify()

    def _now(self, speed: float) -> float:
        assert self._origin is not None
        night, wall = self._origin
        return night + (time.monotonic() - wall) * speed

    def take(self) -> Callable[[], None] | None:
        """The next due task, waiting for its moment; None when the agenda is finished."""
        with self._condition:
            while True:
                if not self._heap:
                    if self._open == 0:
                        self._condition.notify_all()
                        return None
                    self._condition.wait()
                    continue
                moment = self._heap[0][0]
                if self._origin is None:
                    self._origin = (moment, time.monotonic())
                speed = self._speed
                wait_s = 0.0 if speed is None else (moment - self._now(speed)) / speed
                if wait_s <= 0:
                    return heapq.heappop(self._heap)[2]
                self._condition.wait(timeout=wait_s)

    def done(self) -> None:
        """A task taken has finished (after adding any follow-ups)."""
        with self._condition:
            self._open -= 1
            self._condition.notify_all()
