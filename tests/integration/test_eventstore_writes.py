"""Writes to the JetStream event store: concurrency, atomicity, retries, the envelope."""

from __future__ import annotations

import itertools
import threading

import nats.errors
import pytest
from eventsourcing.persistence import IntegrityError

from schemas import envelope
from schemas.envelope import CommandContext, RoutingKeys
from services.eventstore import jsapi
from services.eventstore.envelope import event_hash
from tests.factories import event, new_aggregate, new_factory, read_stream
from tests.natsserver import session_url


def test_racing_writers_on_one_version_exactly_one_wins():
    """Twenty writers with their own connections append version 2 at once: one stores, the rest
    get IntegrityError, and the stream holds exactly two events."""
    first = new_factory()
    stream = first.datastore.settings.stream
    aggregate = new_aggregate()
    first.application_recorder().insert_events([event(aggregate, 1)])
    factories = [new_factory(stream=stream) for _ in range(20)]
    recorders = [factory.application_recorder() for factory in factories]
    start = threading.Barrier(len(recorders))
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(recorder) -> None:
        start.wait()
        try:
            recorder.insert_events([event(aggregate, 2)])
        except IntegrityError:
            result = "conflict"
        else:
            result = "stored"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(r,)) for r in recorders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["conflict"] * 19 + ["stored"]
        assert [1, 2] == [
            e.originator_version for e in first.application_recorder().select_events(aggregate)
        ]
    finally:
        for factory in [first, *factories]:
            factory.close()


def test_stale_cached_head_is_refreshed_not_refused():
    """A writer whose cached head is behind (another process appended) re-reads and appends."""
    one, two = new_factory(), None
    try:
        stream = one.datastore.settings.stream
        two = new_factory(stream=stream)
        aggregate = new_aggregate()
        one.application_recorder().insert_events([event(aggregate, 1)])
        two.application_recorder().insert_events([event(aggregate, 2)])
        # `one` still caches version 1 at sequence 1; version 3 must still be stored.
        ids = one.application_recorder().insert_events([event(aggregate, 3)])
        assert [3] == ids
    finally:
        one.close()
        if two is not None:
            two.close()


def test_batch_with_a_stale_last_expectation_stores_nothing():
    """A save of three aggregates whose last one was moved on by another writer stores none of
    them: the atomic batch is refused whole."""
    one = new_factory()
    stream = one.datastore.settings.stream
    two = new_factory(stream=stream)
    try:
        a, b, c = new_aggregate(), new_aggregate(), new_aggregate()
        recorder = one.application_recorder()
        recorder.insert_events([event(c, 1)])
        two.application_recorder().insert_events([event(c, 2)])
        before = recorder.max_notification_id()
        with pytest.raises(IntegrityError):
            recorder.insert_events([event(a, 1), event(b, 1), event(c, 2)])
        assert before == recorder.max_notification_id()
        assert [] == recorder.select_events(a)
        assert [] == recorder.select_events(b)
    finally:
        one.close()
        two.close()


def test_batch_of_several_aggregates_lands_at_contiguous_sequences():
    """One save with events of two aggregates is one atomic batch: contiguous notification ids."""
    factory = new_factory()
    try:
        recorder = factory.application_recorder()
        recorder.insert_events([event(new_aggregate(), 1)])
        a, b = new_aggregate(), new_aggregate()
        ids = recorder.insert_events([event(a, 1), event(b, 1), event(a, 2), event(b, 2)])
        assert [2, 3, 4, 5] == ids
        assert [1, 2] == [e.originator_version for e in recorder.select_events(b)]
    finally:
        factory.close()


class _LoseAcks:
    """Fault injection on the client side: the publish reaches the server, the reply is 'lost'."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, name: str, times: int) -> None:
        self.remaining = times
        original = getattr(jsapi, name)

        async def lossy(*args, **kwargs):
            result = await original(*args, **kwargs)
            if self.remaining > 0:
                self.remaining -= 1
                raise nats.errors.TimeoutError
            return result

        monkeypatch.setattr(jsapi, name, lossy)


class _FailReads:
    """The first read-back after a lost reply fails too, forcing a resend of the same messages."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, times: int) -> None:
        self.remaining = times
        original = jsapi.leader_get

        async def failing(nc, stream, request, timeout):
            if "next_by_subj" in request and self.remaining > 0:
                self.remaining -= 1
                raise nats.errors.TimeoutError
            return await original(nc, stream, request, timeout)

        monkeypatch.setattr(jsapi, "leader_get", failing)


@pytest.mark.parametrize("read_back_fails", [False, True], ids=["read-back", "resend-10071"])
def test_a_lost_ack_is_resolved_to_the_one_stored_event(monkeypatch, read_back_fails):
    """The ack of a stored event is lost; the store finds the event (by reading back, or by
    resending and resolving the server's 10071 as its own) and reports its real sequence, once."""
    factory = new_factory()
    try:
        recorder = factory.application_recorder()
        recorder.insert_events([event(new_aggregate(), 1)])
        _LoseAcks(monkeypatch, name="publish", times=1)
        if read_back_fails:
            _FailReads(monkeypatch, times=1)
        aggregate = new_aggregate()
        assert [2] == recorder.insert_events([event(aggregate, 1)])
        messages = read_stream(session_url(), factory.datastore.settings.stream)
        assert 2 == len(messages)
        assert [1] == [e.originator_version for e in recorder.select_events(aggregate)]
    finally:
        factory.close()


@pytest.mark.parametrize("read_back_fails", [False, True], ids=["read-back", "resend-10201"])
def test_a_lost_batch_commit_ack_is_resolved_to_the_stored_batch(monkeypatch, read_back_fails):
    """The commit reply of an atomic batch is lost; the retry finds the batch stored, once."""
    factory = new_factory()
    try:
        recorder = factory.application_recorder()
        _LoseAcks(monkeypatch, name="publish_atomic", times=1)
        if read_back_fails:
            _FailReads(monkeypatch, times=1)
        aggregate = new_aggregate()
        assert [1, 2, 3] == recorder.insert_events([event(aggregate, v) for v in (1, 2, 3)])
        assert 3 == len(read_stream(session_url(), factory.datastore.settings.stream))
    finally:
        factory.close()


def test_every_event_carries_the_envelope_and_the_hash_chain():
    """Headers name the type, aggregate, version, actor, routing keys and server time, and each
    event's previous hash is the hash of the aggregate's previous event, across saves, batches and
    writers that did not see the previous write."""
    one = new_factory()
    stream = one.datastore.settings.stream
    two = new_factory(stream=stream)
    try:
        aggregate = new_aggregate()
        context = CommandContext(
            actor="op-17", role="operator", channel="online", idempotency_key="k-1"
        )
        routing = {
            str(aggregate): RoutingKeys(election="2025-P", gmina="146501", precinct="12", round="1")
        }
        one.application_recorder().insert_events(
            [event(aggregate, 1), event(aggregate, 2)], context=context, routing=routing
        )
        two.application_recorder().insert_events([event(aggregate, 3)])  # reads the head from NATS
        one.application_recorder().insert_events(
            [event(aggregate, 4)]
        )  # stale cache: 10071, re-read
        messages = read_stream(session_url(), stream)
        assert [1, 2, 3, 4] == [int(m.headers[envelope.AGGREGATE_VERSION]) for m in messages]
        first = messages[0].headers
        assert "op-17" == first[envelope.ACTOR]
        assert "operator" == first[envelope.ROLE]
        assert "online" == first[envelope.CHANNEL]
        assert "k-1" == first[envelope.IDEMPOTENCY_KEY]
        assert "146501" == first[envelope.GMINA]
        assert "test.happened.v1" == first[envelope.EVENT_TYPE]
        assert str(aggregate) == first[envelope.AGGREGATE_ID]
        assert first[envelope.RECORDED_AT].endswith("+00:00")
        assert first[envelope.CORRELATION_ID] == messages[1].headers[envelope.CORRELATION_ID]
        assert "system" == messages[2].headers[envelope.ACTOR]
        assert envelope.GENESIS_HASH == first[envelope.PREVIOUS_HASH]
        for previous, current in itertools.pairwise(messages):
            assert (
                event_hash(previous.headers, previous.data)
                == current.headers[envelope.PREVIOUS_HASH]
            )
        assert len({m.headers[envelope.MSG_ID] for m in messages}) == 4
    finally:
        one.close()
        two.close()


def test_a_tampered_event_breaks_the_chain_after_it():
    """One changed byte changes an event's hash, so the next event no longer matches it."""
    factory = new_factory()
    try:
        aggregate = new_aggregate()
        recorder = factory.application_recorder()
        recorder.insert_events([event(aggregate, 1)])
        recorder.insert_events([event(aggregate, 2)])
        first, second = read_stream(session_url(), factory.datastore.settings.stream)
        assert event_hash(first.headers, first.data) == second.headers[envelope.PREVIOUS_HASH]
        assert (
            event_hash(first.headers, first.data + b" ") != second.headers[envelope.PREVIOUS_HASH]
        )
    finally:
        factory.close()


def test_text_ids_with_subject_breaking_characters_are_stored_under_their_own_subject():
    """Text aggregate ids with dots, spaces and wildcards round-trip and never share a subject."""
    factory = new_factory(ORIGINATOR_ID_TYPE="text")
    try:
        recorder = factory.application_recorder()
        ids = ["gmina.146501 obwód *12*", "gmina.146501 obwód >12", "plain-id"]
        for aggregate in ids:
            recorder.insert_events([event(aggregate, 1)])  # type: ignore[arg-type]
        for aggregate in ids:
            (stored,) = recorder.select_events(aggregate)
            assert aggregate == stored.originator_id
    finally:
        factory.close()


def test_versions_within_one_save_must_increase():
    """A save that repeats or lowers an aggregate's version is refused before anything is sent."""
    factory = new_factory()
    try:
        aggregate = new_aggregate()
        with pytest.raises(IntegrityError, match="versions must increase"):
            factory.application_recorder().insert_events([event(aggregate, 2), event(aggregate, 1)])
    finally:
        factory.close()
