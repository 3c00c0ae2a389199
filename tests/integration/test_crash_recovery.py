"""nats-server killed with SIGKILL and restarted during a stream of saves."""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
from structlog.testing import capture_logs

from schemas import envelope
from services.nats.server import EmbeddedNats, free_port
from tests.factories import event, new_factory, read_stream


@dataclass
class _Writer:
    """Saves 1-3 events at a time to new or known aggregates; remembers what returned."""

    recorder: object
    seed: int
    returned: list[tuple[list[int], list[tuple[str, int]]]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.seed)
        while not stop.is_set():
            if self.versions and rng.random() < 0.5:
                aggregate = rng.choice(list(self.versions))
            else:
                aggregate = uuid.uuid4()
            start = self.versions.get(aggregate, 0) + 1
            batch = [event(aggregate, v) for v in range(start, start + rng.randint(1, 3))]
            try:
                ids = self.recorder.insert_events(batch)  # type: ignore[attr-defined]
            except BaseException as error:  # every failure is a finding here
                self.errors.append(error)
                return
            self.versions[aggregate] = batch[-1].originator_version
            self.returned.append(
                (list(ids), [(str(e.originator_id), e.originator_version) for e in batch])
            )


@pytest.mark.slow
def test_every_save_that_returned_survives_sigkill_of_the_server(tmp_path):
    """Two writers save while the server is SIGKILLed and restarted twice; afterwards every save
    that returned is in the stream at the sequences it was given, in order, exactly once."""
    server = EmbeddedNats(tmp_path / "nats", port=free_port())
    server.start()
    factory = new_factory(url=server.url, NATS_REQUEST_TIMEOUT="1")
    stream = factory.datastore.settings.stream
    try:
        writers = [_Writer(factory.application_recorder(), seed) for seed in (1, 2)]
        stop = threading.Event()
        threads = [threading.Thread(target=w.run, args=(stop,)) for w in writers]
        with capture_logs() as logs:
            for thread in threads:
                thread.start()
            for _ in range(2):
                time.sleep(1.0)
                server.kill()
                time.sleep(0.5)
                server.start()
            time.sleep(1.0)
            stop.set()
            for thread in threads:
                thread.join(timeout=90)
        assert any(log["event"] == "eventstore.append_retrying" for log in logs), (
            "no save was caught by a crash"
        )
        assert [] == [e for w in writers for e in w.errors]
        stored = read_stream(server.url, stream)
    finally:
        factory.close()
        server.stop()

    by_seq = {m.seq: m for m in stored}
    keys = [
        (m.headers[envelope.AGGREGATE_ID], int(m.headers[envelope.AGGREGATE_VERSION]))
        for m in stored
    ]
    assert len(keys) == len(set(keys)), "an event was stored twice"
    assert len(stored) == len({m.headers[envelope.MSG_ID] for m in stored})
    assert [m.seq for m in stored] == list(range(1, len(stored) + 1))
    saves = [save for w in writers for save in w.returned]
    assert len(saves) > 50, f"only {len(saves)} saves returned: the writers hardly ran"
    for ids, events in saves:
        assert events == [
            (
                by_seq[i].headers[envelope.AGGREGATE_ID],
                int(by_seq[i].headers[envelope.AGGREGATE_VERSION]),
            )
            for i in ids
        ]
    for aggregate in {a for a, _ in keys}:
        versions = [v for a, v in keys if a == aggregate]
        assert versions == sorted(versions)
