"""One long-lived asyncio loop in a thread, so synchronous callers (the eventsourcing library's
recorders) share one NATS connection: a coroutine is handed over per call, never a loop per call.

The thread is a daemon: a program that never calls ``close()`` must still exit. Whoever owns the
loop closes what runs on it at interpreter exit (``datastore.close_open_datastores``), while the
thread still runs; after that, a call finds the loop stopped and is refused instead of waiting
for ever on a loop that will never run again.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Any

T = TypeVar("T")


class LoopStoppedError(RuntimeError):
    """The loop thread no longer runs (stopped, or the interpreter is shutting down)."""


class LoopThread:
    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        self.loop.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self.loop.is_running()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the loop and wait for its result from this (another) thread."""
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("LoopThread.run called from its own loop: that would deadlock")
        if not self.running:
            coroutine.close()
            raise LoopStoppedError(f"the {self._thread.name} loop is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)
