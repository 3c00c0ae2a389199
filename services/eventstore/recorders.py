"""The eventsourcing recorders over JetStream (synchronous faces of the async event log).

Keyword arguments a save may pass through ``Application.save(..., **kwargs)`` to ``insert_events``:

* ``context``: a ``schemas.envelope.CommandContext`` (actor, role, channel, correlation, causation,
  idempotency key) recorded in every event's envelope;
* ``routing``: ``{aggregate id: schemas.envelope.RoutingKeys}``, the routing headers of each
  aggregate's events;
* ``tracking``: a ``Tracking`` (process recorders only), recorded together with the events.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    IntegrityError,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

from schemas import envelope
from services.eventstore.jetstream_port import JetStreamPort, stored_event
from services.eventstore.subscription import NatsNotificationSubscription

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Coroutine, Sequence
    from uuid import UUID

    from services.eventstore.datastore import NatsDatastore
    from services.eventstore.eventlog import EventLog
    from services.eventstore.history import EventStorePort
    from services.eventstore.jsapi import StoredMessage


class NatsAggregateRecorder(AggregateRecorder):
    def __init__(self, datastore: NatsDatastore, *, purpose: str = "events") -> None:
        self.datastore = datastore
        self.log: EventLog = datastore.snapshots if purpose == "snapshots" else datastore.events
        self._uuid_ids = datastore.settings.originator_id_type == "uuid"

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        self._append(stored_events, **kwargs)
        return None

    def _append(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> list[int]:
        return self.datastore.run(
            self.log.append(
                stored_events,
                context=kwargs.get("context"),
                # Keyed by aggregate id, as a UUID or its text: the log keys by text.
                routing={str(key): keys for key, keys in (kwargs.get("routing") or {}).items()},
            )
        )

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        messages = self.datastore.run(self.log.read_aggregate(str(originator_id)))
        events = [self._stored_event(message) for message in messages]
        events = [
            event
            for event in events
            if (gt is None or event.originator_version > gt)
            and (lte is None or event.originator_version <= lte)
        ]
        if desc:
            events.reverse()
        return events if limit is None else events[:limit]

    def port(self) -> EventStorePort:
        """The applications' port on this recorder's log (``services.eventstore.history``)."""
        return JetStreamPort(self.log, uuid_ids=self._uuid_ids)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.datastore.run(coroutine)

    def _stored_event(self, message: StoredMessage) -> StoredEvent:
        return stored_event(message, uuid_ids=self._uuid_ids)


class NatsApplicationRecorder(NatsAggregateRecorder, ApplicationRecorder):
    """Notification ids are stream sequences: contiguous, because the stream holds only events."""

    def __init__(self, datastore: NatsDatastore) -> None:
        super().__init__(datastore, purpose="events")

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self._append(stored_events, **kwargs)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        first = 1 if start is None else (start if inclusive_of_start else start + 1)
        wanted = set(topics)
        notifications: list[Notification] = []
        while len(notifications) < limit and (stop is None or first <= stop):
            messages, pending = self.datastore.run(
                self.log.read_range(first, limit - len(notifications))
            )
            for message in messages:
                if stop is not None and message.seq > stop:
                    return notifications
                if wanted and message.headers[envelope.EVENT_TYPE] not in wanted:
                    continue
                notifications.append(self._notification(message))
                if len(notifications) == limit:
                    break
            if not messages or pending == 0:
                break
            first = messages[-1].seq + 1
        return notifications

    def _notification(self, message: StoredMessage) -> Notification:
        event = self._stored_event(message)
        return Notification(
            id=message.seq,
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            topic=event.topic,
            state=event.state,
        )

    def max_notification_id(self) -> int | None:
        return self.datastore.run(self.log.last_sequence()) or None

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return NatsNotificationSubscription(self, self.datastore, gt=gt, topics=topics)


class NatsTrackingRecorder(TrackingRecorder):
    def __init__(self, datastore: NatsDatastore) -> None:
        self.datastore = datastore

    def _settling_log(self) -> EventLog | None:
        """The events log whose pending writes a read must settle (process recorders only)."""
        return None

    def insert_tracking(self, tracking: Tracking) -> None:
        self.datastore.run(
            self.datastore.tracking.insert(
                tracking.application_name, tracking.notification_id, self._settling_log()
            )
        )

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.datastore.run(
            self.datastore.tracking.max_tracking_id(application_name, self._settling_log())
        )


class NatsProcessRecorder(NatsTrackingRecorder, NatsApplicationRecorder, ProcessRecorder):
    """Events and the tracking position recorded together (see ``services.eventstore.tracking``)."""

    def __init__(self, datastore: NatsDatastore) -> None:
        NatsTrackingRecorder.__init__(self, datastore)
        NatsApplicationRecorder.__init__(self, datastore)

    def _settling_log(self) -> EventLog | None:
        return self.log

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is None:
            return self._append(stored_events, **kwargs)
        if not stored_events:
            self.insert_tracking(tracking)
            return []
        event_ids = [uuid.uuid4().hex for _ in stored_events]
        store = self.datastore.tracking
        name = tracking.application_name
        self.datastore.run(
            store.begin(
                name,
                tracking.notification_id,
                self.log,
                str(stored_events[0].originator_id),
                event_ids[0],
            )
        )
        try:
            seqs = self.datastore.run(
                self.log.append(
                    stored_events,
                    context=kwargs.get("context"),
                    routing=kwargs.get("routing"),
                    event_ids=event_ids,
                )
            )
        except IntegrityError:
            self.datastore.run(store.finish(name, event_ids[0], stored=False))
            raise
        # Any other failure leaves the pending mark for a reader to settle from the log itself.
        self.datastore.run(store.finish(name, event_ids[0], stored=True))
        return seqs
