"""What one factory's recorders share: the event logs, the tracking store, and the process's
connection to the server (``services.eventstore.links``)."""

from __future__ import annotations

import atexit
import threading
import weakref
from typing import TYPE_CHECKING, TypeVar

import structlog

from domain.clock import SystemClock
from services.eventstore import links, streams
from services.eventstore.eventlog import EventLog
from services.eventstore.tracking import TrackingStore

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Any

    from nats.aio.client import Client

    from domain.clock import Clock
    from services.eventstore.settings import StoreSettings

T = TypeVar("T")
log = structlog.get_logger("eventstore.datastore")

# Datastores not closed yet. A program that never calls close() (the library's own modules do not
# require it) is closed here at exit, while the loop threads still run: its connection is drained
# and nothing keeps the interpreter waiting.
_open: weakref.WeakSet[NatsDatastore] = weakref.WeakSet()


@atexit.register
def close_open_datastores() -> None:
    for datastore in list(_open):
        datastore.close()


class NatsDatastore:
    def __init__(self, settings: StoreSettings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.layout = settings.layout
        self.clock: Clock = clock or SystemClock()
        self._link = links.acquire(settings)
        self._loop = self._link.loop
        self.nc: Client = self._link.nc
        self._lock = threading.Lock()
        self._closed = False
        self._ensured: set[str] = set()
        self.events = self._event_log(settings.stream, self.layout.events_prefix)
        self.snapshots = self._event_log(self.layout.snapshots_stream, self.layout.snapshots_prefix)
        self.tracking = TrackingStore(
            self.nc,
            bucket=self.layout.tracking_bucket,
            request_timeout_s=settings.request_timeout_s,
            append_timeout_s=settings.append_timeout_s,
        )
        _open.add(self)

    def _event_log(self, stream: str, prefix: str) -> EventLog:
        return EventLog(
            self.nc,
            stream=stream,
            subject_prefix=prefix,
            clock=self.clock,
            request_timeout_s=self.settings.request_timeout_s,
            append_timeout_s=self.settings.append_timeout_s,
        )

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._loop.run(coroutine)

    def ensure(self, config: dict[str, Any], *, create: bool) -> None:
        """Create the stream if missing and allowed, else verify that it exists as declared."""
        name = config["name"]
        with self._lock:
            if name in self._ensured:
                return
            created = self.run(
                streams.ensure_stream(
                    self.nc,
                    config,
                    create=create,
                    timeout=self.settings.request_timeout_s,
                )
            )
            if created:
                log.info("eventstore.stream_created", stream=name, url=self.settings.url)
            self._ensured.add(name)

    def events_config(self) -> dict[str, Any]:
        return streams.events_stream_config(
            self.layout,
            replicas=self.settings.replicas,
            duplicate_window_s=self.settings.duplicate_window_s,
        )

    def snapshots_config(self) -> dict[str, Any]:
        return streams.snapshots_stream_config(
            self.layout,
            replicas=self.settings.replicas,
            duplicate_window_s=self.settings.duplicate_window_s,
        )

    def tracking_config(self) -> dict[str, Any]:
        return streams.tracking_bucket_config(self.layout, replicas=self.settings.replicas)

    def close(self) -> None:
        """Let go of the shared connection; the last datastore on it drains it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _open.discard(self)
        links.release(self._link)
