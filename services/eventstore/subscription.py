"""``ApplicationRecorder.subscribe``: notifications from a position on, then new ones as they land.

Reads go through ``select_notifications`` (batched Direct Get by sequence), so the subscription
yields exactly the stream's order with no gaps. A core NATS subscription on the events subjects
wakes the reader as soon as anything is published; a one-second poll covers what a wake-up can
miss (a reconnect).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Final

from eventsourcing.persistence import ApplicationRecorder, ListenNotifySubscription

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription as NatsSubscription

    from services.eventstore.datastore import NatsDatastore

_POLL_INTERVAL_S: Final = 1.0


class NatsNotificationSubscription(ListenNotifySubscription[ApplicationRecorder]):
    """``recorder`` reads the notifications; ``datastore`` is its connection, whose events
    subjects wake the reader."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        datastore: NatsDatastore,
        gt: int | None = None,
        topics: Sequence[str] = (),
    ) -> None:
        self._wakeups: NatsSubscription | None = None
        self._wakeup_lock = threading.Lock()
        self._datastore = datastore
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        wakeup = self._has_been_notified

        async def on_message(_: Msg) -> None:
            wakeup.set()

        async def listen() -> NatsSubscription:
            return await datastore.nc.subscribe(datastore.layout.events_prefix + ">", cb=on_message)

        with self._wakeup_lock:
            if not self._has_been_stopped:
                self._wakeups = datastore.run(listen())

    def _loop_on_pull(self) -> None:
        try:
            self._pull()
            while not self._has_been_stopped:
                self._has_been_notified.wait(timeout=_POLL_INTERVAL_S)
                self._pull()
        except BaseException as error:
            if self._thread_error is None:
                self._thread_error = error
            self.stop()

    def stop(self) -> None:
        super().stop()
        with self._wakeup_lock:
            wakeups, self._wakeups = self._wakeups, None
        if wakeups is not None:
            self._datastore.run(wakeups.unsubscribe())
