"""An aggregate event log on one JetStream stream: one literal subject per aggregate.

Appending (``EventLog.append``):

* Optimistic concurrency per aggregate: the first message of each aggregate carries
  ``Nats-Expected-Last-Subject-Sequence`` (the subject's last sequence as last seen, ``0`` for a new
  aggregate), so of two writers racing on one version exactly one wins; the other gets the
  library's ``IntegrityError``.
* Several events in one save go in one atomic batch: all stored, at contiguous sequences, or none.
* ``Nats-Msg-Id`` is each event's own id, fixed before the first attempt and reused by every retry;
  the first event of a save under an idempotency key takes the key's id instead
  (``idempotent_message_id``), so the server itself recognises the key within its duplicate
  window, for any aggregate (``KeyReusedError``).
* Outages: eventsourcing's ``Application.save()`` clears an aggregate's pending events before
  recording, so its caller cannot retry. The log therefore retries itself until the outcome is
  known. After a lost reply, a reconnect or a refusal that a retry of our own write could explain
  (10071 on a single server, 10201 for a committed batch), it reads back whether the first event's
  id is stored after the expected sequence. Only a write that has definitely not happened raises
  ``IntegrityError``/``OperationalError``; if the server stays unreachable past
  ``NATS_APPEND_TIMEOUT`` the outcome is unknowable and ``AppendOutcomeUnknownError`` says so,
  with the event ids to look for.

Heads (last sequence, version and hash per aggregate) are cached after each write, so a command on
a known aggregate is one round trip; a stale head only costs a refusal and a re-read.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import structlog
from eventsourcing.persistence import DataError, IntegrityError, OperationalError

from schemas import envelope
from schemas.envelope import CommandContext, RoutingKeys
from services.eventstore import jsapi
from services.eventstore.envelope import event_hash, subject_token

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from eventsourcing.persistence import StoredEvent
    from nats.aio.client import Client

    from domain.clock import Clock

log = structlog.get_logger("eventstore.eventlog")

MAX_BATCH: Final = 1000  # nats-server's default limit of messages in one atomic batch
_HEAD_CACHE_SIZE: Final = 100_000
_DIRECT_BATCH: Final = 1000
_MAX_CONFLICT_REREADS: Final = 5
_REUSED: Final = "the idempotency key is on another request's events already"


class KeyReusedError(IntegrityError):
    """The save's idempotency key is on another save already (within the duplicate window):
    the key was reused for another request."""


def idempotent_message_id(key: str) -> str:
    """The ``Nats-Msg-Id`` of the first event of a save under an idempotency key: the server then
    recognises a second save under the same key (its duplicate window), whatever it changes."""
    return "k-" + hashlib.sha256(key.encode()).hexdigest()[:40]


class AppendOutcomeUnknownError(OperationalError):
    """The server could not be reached long enough to learn whether a write happened."""

    def __init__(self, event_ids: Sequence[str], waited_s: float) -> None:
        super().__init__(
            f"no answer from the event stream for {waited_s:.0f}s: the {len(event_ids)} event(s) "
            f"may or may not be stored; look for Nats-Msg-Id {', '.join(event_ids)}"
        )
        self.event_ids = list(event_ids)


@dataclass(frozen=True, slots=True)
class Head:
    """The last event of an aggregate: its stream sequence, version and hash."""

    seq: int
    version: int
    hash: str


EMPTY: Final = Head(seq=0, version=-(2**62), hash=envelope.GENESIS_HASH)


class _StaleHeads:
    """An attempt refused because of a write that was not ours."""


_STALE_HEADS: Final = _StaleHeads()


@dataclass(frozen=True, slots=True)
class _Outgoing:
    subject: str
    data: bytes
    headers: dict[str, str]
    version: int


class EventLog:
    def __init__(
        self,
        nc: Client,
        *,
        stream: str,
        subject_prefix: str,
        clock: Clock,
        request_timeout_s: float,
        append_timeout_s: float,
    ) -> None:
        self._nc = nc
        self.stream = stream
        self.subject_prefix = subject_prefix
        self._clock = clock
        self._request_timeout = request_timeout_s
        self._append_timeout = append_timeout_s
        self._heads: OrderedDict[str, Head] = OrderedDict()
        self._direct = jsapi.DirectGets(nc)

    def subject_of(self, aggregate_id: str) -> str:
        return self.subject_prefix + subject_token(aggregate_id)

    # ----------------------------------------------------------------------------------- append

    async def append(
        self,
        events: Sequence[StoredEvent],
        *,
        context: CommandContext | None = None,
        routing: Mapping[str, RoutingKeys] | None = None,
        event_ids: Sequence[str] | None = None,
    ) -> list[int]:
        """Store the events atomically; returns their stream sequences (notification ids)."""
        if not events:
            return []
        if len(events) > MAX_BATCH:
            raise DataError(
                f"{len(events)} events in one save: at most {MAX_BATCH} can be stored atomically"
            )
        _check_versions(events)
        ids = list(event_ids) if event_ids is not None else [uuid.uuid4().hex for _ in events]
        keyed = bool(context and context.idempotency_key)
        if keyed and context is not None:
            ids[0] = idempotent_message_id(context.idempotency_key)
        base_headers = _base_headers(
            events, context or CommandContext(), routing or {}, self._clock
        )
        subjects = [self.subject_of(str(event.originator_id)) for event in events]
        heads = {subject: self._heads.get(subject) for subject in subjects}
        deadline = time.monotonic() + self._append_timeout
        rereads = 0
        backoff = 0.05
        while True:
            await self._resolve_unknown_heads(events, subjects, heads)
            _check_against_heads(events, subjects, heads)
            outgoing = _outgoing(events, subjects, heads, ids, base_headers)
            outcome = await self._attempt(outgoing, heads, keyed=keyed)
            if isinstance(outcome, list):
                return self._remember(outgoing, outcome)
            if isinstance(outcome, _StaleHeads):
                # Someone else's write refused ours: re-read the heads; the version check above
                # then raises IntegrityError, unless only our cached head was behind.
                rereads += 1
                if rereads > _MAX_CONFLICT_REREADS:
                    raise IntegrityError(f"concurrent writers keep winning on {subjects[0]}")
                for subject in set(subjects):
                    heads[subject] = await self._read_head(subject)
                continue
            landed = await self._after_unknown_outcome(
                outgoing, heads, outcome, deadline=deadline, ids=ids, backoff=backoff
            )
            if landed is not None:
                return self._remember(outgoing, landed)
            backoff = min(backoff * 2, 1.0)

    async def _attempt(
        self, outgoing: list[_Outgoing], heads: Mapping[str, Head | None], *, keyed: bool
    ) -> list[int] | _StaleHeads | BaseException:
        """Send once: the sequences, ``_STALE_HEADS``, or the error that leaves the outcome open.

        Under an idempotency key the first message's id is the key's: a duplicate of it that is
        not this very save (our own resend) is the key reused elsewhere (``KeyReusedError``).
        """
        try:
            return await self._send(outgoing)
        except jsapi.ApiError as error:
            if error.err_code in (jsapi.WRONG_LAST_SEQUENCE, jsapi.BATCH_DUPLICATE_MSG_ID):
                try:
                    landed = await self._landed(outgoing, heads)
                    if landed is None and keyed and error.err_code == jsapi.BATCH_DUPLICATE_MSG_ID:
                        moved = await self._read_head(outgoing[0].subject)
                        if moved.seq == (heads[outgoing[0].subject] or EMPTY).seq:
                            raise KeyReusedError(_REUSED) from error
                except (jsapi.ApiError, *jsapi.TRANSPORT_ERRORS) as check_error:
                    return check_error
                return landed if landed is not None else _STALE_HEADS
            if not error.transient:
                raise _definite_failure(error) from error
            return error
        except jsapi.TRANSPORT_ERRORS as error:
            return error

    async def _after_unknown_outcome(
        self,
        outgoing: list[_Outgoing],
        heads: Mapping[str, Head | None],
        failure: BaseException,
        *,
        deadline: float,
        ids: list[str],
        backoff: float,
    ) -> list[int] | None:
        """Wait a little, then find out whether the write landed (None: resend it)."""
        if time.monotonic() >= deadline:
            raise AppendOutcomeUnknownError(ids, self._append_timeout) from failure
        log.warning("eventstore.append_retrying", error=repr(failure), backoff_s=backoff)
        await asyncio.sleep(backoff)
        try:
            return await self._landed(outgoing, heads)
        except (jsapi.ApiError, *jsapi.TRANSPORT_ERRORS):
            return None

    async def _resolve_unknown_heads(
        self, events: Sequence[StoredEvent], subjects: list[str], heads: dict[str, Head | None]
    ) -> None:
        """Read the head of each aggregate not in the cache, unless it starts a new aggregate."""
        seen: set[str] = set()
        for event, subject in zip(events, subjects, strict=True):
            if subject in seen:
                continue
            seen.add(subject)
            if heads[subject] is None:
                # A version of 0 or 1 starts an aggregate: assume the subject is empty and let the
                # expectation "0" prove it; any other version continues one, so read its head.
                heads[subject] = (
                    EMPTY if event.originator_version <= 1 else await self._read_head(subject)
                )

    async def last_position(self, aggregate_id: str) -> int:
        """The stream sequence of the aggregate's last event (from the stream's leader, so a
        save acknowledged anywhere is seen); 0 when it has none."""
        return (await self._read_head(self.subject_of(aggregate_id))).seq

    async def _read_head(self, subject: str) -> Head:
        message = await jsapi.leader_get(
            self._nc, self.stream, {"last_by_subj": subject}, self._request_timeout
        )
        if message is None:
            return EMPTY
        return Head(
            seq=message.seq,
            version=int(message.headers[envelope.AGGREGATE_VERSION]),
            hash=event_hash(message.headers, message.data),
        )

    async def _send(self, outgoing: list[_Outgoing]) -> list[int]:
        if len(outgoing) == 1:
            one = outgoing[0]
            seq, duplicate = await jsapi.publish_ack(
                self._nc, one.subject, one.data, one.headers, self._request_timeout
            )
            if duplicate:
                return await self._own_duplicate(one, seq)
            return [seq]
        last = await jsapi.publish_atomic(
            self._nc, [(o.subject, o.data, o.headers) for o in outgoing], self._request_timeout
        )
        return list(range(last - len(outgoing) + 1, last + 1))

    async def _landed(
        self, outgoing: list[_Outgoing], heads: Mapping[str, Head | None]
    ) -> list[int] | None:
        """The sequences of these events if the stream has them, else None.

        The first event's expectation pins where it can be: right after the sequence it expected.
        An atomic batch lands whole and contiguous, so the first event tells for all of them.
        """
        first = outgoing[0]
        head = heads[first.subject] or EMPTY
        message = await jsapi.leader_get(
            self._nc,
            self.stream,
            {"seq": head.seq + 1, "next_by_subj": first.subject},
            self._request_timeout,
        )
        if (
            message is None
            or message.headers.get(envelope.MSG_ID) != first.headers[envelope.MSG_ID]
            or message.data != first.data
        ):
            return None  # not there, or another save's (one under the same idempotency key)
        log.info("eventstore.append_found_after_retry", seq=message.seq, events=len(outgoing))
        return list(range(message.seq, message.seq + len(outgoing)))

    async def _own_duplicate(self, one: _Outgoing, seq: int) -> list[int]:
        """The server had this message id already: our own earlier attempt (the same bytes on
        our subject), a concurrent save under the same key (another writer won), or the key
        reused for another aggregate."""
        stored = await jsapi.leader_get(self._nc, self.stream, {"seq": seq}, self._request_timeout)
        if stored is not None and stored.subject == one.subject and stored.data == one.data:
            return [seq]
        if stored is not None and stored.subject == one.subject:
            raise IntegrityError(f"{one.subject}: another save under the same key came first")
        raise KeyReusedError(_REUSED)

    def _remember(self, outgoing: list[_Outgoing], seqs: list[int]) -> list[int]:
        for message, seq in zip(outgoing, seqs, strict=True):
            self._heads[message.subject] = Head(
                seq=seq, version=message.version, hash=event_hash(message.headers, message.data)
            )
            self._heads.move_to_end(message.subject)
        while len(self._heads) > _HEAD_CACHE_SIZE:
            self._heads.popitem(last=False)
        return seqs

    # ------------------------------------------------------------------------------------- read

    async def read_aggregate(self, aggregate_id: str) -> list[jsapi.StoredMessage]:
        """Every event of one aggregate, in order."""
        subject = self.subject_of(aggregate_id)
        messages: list[jsapi.StoredMessage] = []
        start = 1
        while True:
            batch, pending = await self._direct.batch(
                self.stream,
                start_seq=start,
                batch=_DIRECT_BATCH,
                subject=subject,
                timeout=self._request_timeout,
            )
            messages.extend(batch)
            if not batch or pending == 0:
                return messages
            start = batch[-1].seq + 1

    async def read_range(self, first_seq: int, limit: int) -> tuple[list[jsapi.StoredMessage], int]:
        """Up to ``limit`` events from ``first_seq`` on, and how many more follow them."""
        return await self._direct.batch(
            self.stream,
            start_seq=first_seq,
            batch=min(limit, _DIRECT_BATCH),
            timeout=self._request_timeout,
        )

    async def contains(self, aggregate_id: str, event_id: str) -> bool:
        """Whether the aggregate's history holds an event with this id."""
        return any(
            message.headers.get(envelope.MSG_ID) == event_id
            for message in await self.read_aggregate(aggregate_id)
        )

    async def last_sequence(self) -> int:
        info = await jsapi.api_request(
            self._nc, f"$JS.API.STREAM.INFO.{self.stream}", {}, self._request_timeout
        )
        return int(info["state"]["last_seq"])


def _check_versions(events: Sequence[StoredEvent]) -> None:
    """Within one save, each aggregate's versions must increase."""
    last: dict[str, int] = {}
    for event in events:
        key = str(event.originator_id)
        if key in last and event.originator_version <= last[key]:
            raise IntegrityError(
                f"aggregate {key}: version {event.originator_version} follows version "
                f"{last[key]} in the same save (versions must increase)"
            )
        last[key] = event.originator_version


def _check_against_heads(
    events: Sequence[StoredEvent], subjects: list[str], heads: Mapping[str, Head | None]
) -> None:
    seen: set[str] = set()
    for event, subject in zip(events, subjects, strict=True):
        if subject in seen:
            continue
        seen.add(subject)
        head = heads[subject]
        if head is not None and event.originator_version <= head.version:
            raise IntegrityError(
                f"aggregate {event.originator_id}: version {event.originator_version} is already "
                f"recorded (the last recorded version is {head.version})"
            )


def _base_headers(
    events: Sequence[StoredEvent],
    context: CommandContext,
    routing: Mapping[str, RoutingKeys],
    clock: Clock,
) -> list[dict[str, str]]:
    correlation = context.correlation_id or uuid.uuid4().hex
    shared = {
        **context.headers(),
        envelope.CORRELATION_ID: correlation,
        envelope.CAUSATION_ID: context.causation_id or correlation,
        envelope.RECORDED_AT: clock.now().isoformat(),
    }
    return [
        {
            **shared,
            **(
                routing[str(event.originator_id)].headers()
                if str(event.originator_id) in routing
                else {}
            ),
            envelope.EVENT_TYPE: event.topic,
            envelope.AGGREGATE_ID: str(event.originator_id),
            envelope.AGGREGATE_VERSION: str(event.originator_version),
        }
        for event in events
    ]


def _outgoing(
    events: Sequence[StoredEvent],
    subjects: list[str],
    heads: Mapping[str, Head | None],
    ids: list[str],
    base_headers: list[dict[str, str]],
) -> list[_Outgoing]:
    """The messages for one attempt: the hash chain and expectations follow the heads as known."""
    previous: dict[str, str] = {}
    messages = []
    for event, subject, event_id, base in zip(events, subjects, ids, base_headers, strict=True):
        headers = {**base, envelope.MSG_ID: event_id}
        if subject not in previous:
            head = heads[subject] or EMPTY
            headers[envelope.EXPECTED_LAST_SUBJECT_SEQUENCE] = str(head.seq)
            headers[envelope.PREVIOUS_HASH] = head.hash
        else:
            headers[envelope.PREVIOUS_HASH] = previous[subject]
        previous[subject] = event_hash(headers, event.state)
        messages.append(_Outgoing(subject, event.state, headers, event.originator_version))
    return messages


def _definite_failure(error: jsapi.ApiError) -> Exception:
    """A refusal after which nothing was stored, as the library's exception type."""
    if error.err_code in (jsapi.BATCH_TOO_LARGE, jsapi.MAXIMUM_MESSAGES_EXCEEDED):
        return DataError(f"the event stream refused the write: {error.description}")
    return OperationalError(f"the event stream refused the write: {error}")
