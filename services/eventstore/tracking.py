"""Tracking records: the last notification id each upstream application's events were processed to.

They live in a NATS KV bucket (``<NATS_STREAM>_TRACKING``), outside the events stream, so that the
events' notification ids (stream sequences) stay contiguous. A record is one key per upstream
application, changed only by compare-and-set on its revision, and only upwards: a tracking id at or
below the recorded one is refused with ``IntegrityError``.

A process recorder must record new events and the tracking position together or not at all, but a
JetStream atomic batch cannot span two streams. So it writes in three steps, each of which leaves a
state a later reader can finish:

1. compare-and-set the record to ``{id: old, pending: {id: new, aggregate, event id, since}}``;
2. append the events (an atomic batch, carrying that event id first);
3. compare-and-set the record to ``{id: new}`` (or back to ``{id: old}`` if the append definitely
   failed).

Whoever reads a record with a pending write settles it: if the events stream holds the pending event
id, the write happened and the record moves to the new id; if it does not and the pending write is
older than the longest a writer may keep retrying (``NATS_APPEND_TIMEOUT`` plus a margin), it never
will, and the record goes back. Until then the pending id does not count as recorded.
"""

from __future__ import annotations

import base64
import re
import time
from typing import TYPE_CHECKING, Final

import msgspec
from eventsourcing.persistence import IntegrityError

from schemas import envelope
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.eventstore.eventlog import EventLog

_SAFE_KEY = re.compile(r"[-_a-zA-Z0-9]{1,200}")
_PENDING_MARGIN_S: Final = 30.0
_MAX_CAS_ATTEMPTS: Final = 20


class PendingWrite(msgspec.Struct, frozen=True):
    id: int
    aggregate_id: str
    event_id: str
    since: float


class TrackingRecord(msgspec.Struct, frozen=True, omit_defaults=True):
    id: int | None = None
    pending: PendingWrite | None = None


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(TrackingRecord).decode


class TrackingStore:
    def __init__(
        self, nc: Client, *, bucket: str, request_timeout_s: float, append_timeout_s: float
    ) -> None:
        self._nc = nc
        self._stream = f"KV_{bucket}"
        self._prefix = f"$KV.{bucket}."
        self._timeout = request_timeout_s
        self._pending_expiry_s = append_timeout_s + _PENDING_MARGIN_S

    def _subject(self, application_name: str) -> str:
        if _SAFE_KEY.fullmatch(application_name):
            return self._prefix + application_name
        # KV keys allow few characters: other names are base64url-encoded behind '='.
        return (
            self._prefix
            + "="
            + base64.urlsafe_b64encode(application_name.encode()).decode().rstrip("=")
        )

    async def _read(self, application_name: str) -> tuple[TrackingRecord, int]:
        message = await jsapi.leader_get(
            self._nc, self._stream, {"last_by_subj": self._subject(application_name)}, self._timeout
        )
        if message is None or not message.data:
            return TrackingRecord(), (message.seq if message else 0)
        return _decode(message.data), message.seq

    async def _compare_and_set(
        self, application_name: str, record: TrackingRecord, revision: int
    ) -> bool:
        try:
            await jsapi.publish(
                self._nc,
                self._subject(application_name),
                _encode(record),
                {envelope.EXPECTED_LAST_SUBJECT_SEQUENCE: str(revision)},
                self._timeout,
            )
        except jsapi.ApiError as error:
            if error.err_code == jsapi.WRONG_LAST_SEQUENCE:
                return False
            raise
        return True

    async def settled(self, application_name: str, events: EventLog) -> tuple[TrackingRecord, int]:
        """The record with any finished pending write settled, and its revision."""
        for _ in range(_MAX_CAS_ATTEMPTS):
            record, revision = await self._read(application_name)
            pending = record.pending
            if pending is None:
                return record, revision
            if await events.contains(pending.aggregate_id, pending.event_id):
                settled = TrackingRecord(id=pending.id)
            elif time.time() - pending.since > self._pending_expiry_s:
                settled = TrackingRecord(id=record.id)
            else:
                return record, revision  # a writer may still be at it
            await self._compare_and_set(application_name, settled, revision)
        raise IntegrityError(f"tracking record of {application_name!r} keeps changing under us")

    async def max_tracking_id(self, application_name: str, events: EventLog | None) -> int | None:
        if events is None:
            record, _ = await self._read(application_name)
        else:
            record, _ = await self.settled(application_name, events)
        return record.id

    async def insert(
        self, application_name: str, notification_id: int, events: EventLog | None
    ) -> None:
        """Record a position with nothing else: compare-and-set, upwards only."""
        for _ in range(_MAX_CAS_ATTEMPTS):
            _, revision = await self._claimable(application_name, notification_id, events)
            if await self._compare_and_set(
                application_name, TrackingRecord(id=notification_id), revision
            ):
                return
        raise IntegrityError(f"tracking record of {application_name!r} keeps changing under us")

    async def begin(
        self,
        application_name: str,
        notification_id: int,
        events: EventLog,
        aggregate_id: str,
        event_id: str,
    ) -> None:
        """Step 1 of a process recorder's write: mark the position as pending on these events."""
        for _ in range(_MAX_CAS_ATTEMPTS):
            record, revision = await self._claimable(application_name, notification_id, events)
            pending = PendingWrite(notification_id, aggregate_id, event_id, time.time())
            if await self._compare_and_set(
                application_name, TrackingRecord(record.id, pending), revision
            ):
                return
        raise IntegrityError(f"tracking record of {application_name!r} keeps changing under us")

    async def finish(self, application_name: str, event_id: str, *, stored: bool) -> None:
        """Step 3: settle our own pending write (unless a reader already did)."""
        for _ in range(_MAX_CAS_ATTEMPTS):
            record, revision = await self._read(application_name)
            pending = record.pending
            if pending is None or pending.event_id != event_id:
                return
            settled = TrackingRecord(id=pending.id if stored else record.id)
            if await self._compare_and_set(application_name, settled, revision):
                return

    async def _claimable(
        self, application_name: str, notification_id: int, events: EventLog | None
    ) -> tuple[TrackingRecord, int]:
        if events is None:
            record, revision = await self._read(application_name)
        else:
            record, revision = await self.settled(application_name, events)
        if record.pending is not None:
            raise IntegrityError(
                f"tracking id {record.pending.id} of {application_name!r} is being written by "
                "another process recorder"
            )
        if record.id is not None and notification_id <= record.id:
            raise IntegrityError(
                f"tracking id {notification_id} of {application_name!r} is not above the "
                f"recorded {record.id}"
            )
        return record, revision
