"""The folds' reading of the log: every sequence once, in order, in batches of at most the limit,
through the Direct Get first batch and the ordered consumer after it; a group whose view fails
mid-stream reads again from that view's position and ends with the same rows as a clean fold."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import pytest

import projections
from projections import tally
from projections.core import MemoryView, fold_batch
from services.apps.protocols import Protocols
from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.projector import reading
from services.projector.group import RunnerGroup
from services.projector.reading import batches
from services.projector.runner import Runner
from services.projector.service import events_log
from services.tools.bench.synthetic import append_protocols
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from pathlib import Path

    from projections.core import Change, Event, View

pytestmark = pytest.mark.nats
PROTOCOLS = 50  # 150 events


@pytest.fixture(scope="module")
def stream() -> str:
    name = fresh_stream()
    app = Protocols(env={"NATS_URL": session_url(), "NATS_STREAM": name})
    try:
        append_protocols(app, 1, PROTOCOLS, batch=20)
    finally:
        app.close()
    return name


async def _read(stream: str, start: int, limit: int) -> tuple[list[list[int]], list[int], int]:
    """The sequences of each batch, the pending counts, and the consumers left on the stream."""
    settings = StoreSettings(url=session_url(), stream=stream)
    nc = await connect(settings, name="test-reading")
    try:
        events = events_log(nc, settings)
        seqs: list[list[int]] = []
        pending: list[int] = []
        async with contextlib.aclosing(batches(events, nc, start, limit)) as reading:
            async for batch, after in reading:
                seqs.append([event.seq for event in batch])
                pending.append(after)
        info = await nc.jetstream().stream_info(stream)
        return seqs, pending, info.state.consumer_count
    finally:
        await nc.drain()


@pytest.mark.parametrize(("start", "limit"), [(1, 40), (1, 150), (37, 40), (150, 7), (151, 40)])
def test_every_sequence_comes_once_in_order_in_batches_of_at_most_the_limit(
    stream: str, start: int, limit: int
) -> None:
    """From any start, batches of at most ``limit`` cover the rest of the stream exactly."""
    seqs, pending, consumers = asyncio.run(_read(stream, start, limit))
    assert list(range(start, 3 * PROTOCOLS + 1)) == [seq for batch in seqs for seq in batch]
    assert all(0 < len(batch) <= limit for batch in seqs)
    assert [3 * PROTOCOLS - batch[-1] for batch in seqs] == pending
    assert 0 == consumers


def test_a_batch_larger_than_the_buffer_is_still_read(
    stream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The buffer holds at least one batch, so a reader asking for more than it stalls not."""
    monkeypatch.setattr(reading, "BUFFERED", 30)
    seqs, _, _ = asyncio.run(_read(stream, 1, 40))
    assert list(range(1, 3 * PROTOCOLS + 1)) == [seq for batch in seqs for seq in batch]


def test_leaving_a_reading_early_deletes_its_consumer(stream: str) -> None:
    """A reader that stops after its second batch leaves no consumer behind."""

    async def two_batches() -> tuple[int, int]:
        settings = StoreSettings(url=session_url(), stream=stream)
        nc = await connect(settings, name="test-reading")
        try:
            events = events_log(nc, settings)
            async with contextlib.aclosing(batches(events, nc, 1, 10)) as reading:
                taken = [await anext(reading), await anext(reading)]
            await asyncio.sleep(0.1)
            info = await nc.jetstream().stream_info(stream)
            return taken[1][0][-1].seq, info.state.consumer_count
        finally:
            await nc.drain()

    assert (20, 0) == asyncio.run(two_batches())


class _FailingOnce:
    """The tally projection, but its first fold of sequence ``fail_at`` raises."""

    NAME, VERSION, TABLES = tally.NAME, tally.VERSION, tally.TABLES

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.failed = False

    def apply(self, view: View, event: Event) -> list[Change]:
        if event.seq == self.fail_at and not self.failed:
            self.failed = True
            raise RuntimeError("a fold that fails once")
        return tally.apply(view, event)


def test_a_view_that_fails_mid_stream_reads_again_from_its_own_position(
    stream: str, tmp_path: Path
) -> None:
    """The failed view catches up from its position; every view ends as a clean fold."""

    async def rebuild() -> dict[str, Any]:
        settings = StoreSettings(url=session_url(), stream=stream)
        nc = await connect(settings, name="test-reading")
        try:
            events = events_log(nc, settings)
            failing = _FailingOnce(fail_at=75)
            runners = [
                Runner.open(failing, tmp_path / "failing", events, nc),
                Runner.open(projections.progress, tmp_path / "other", events, nc),
            ]
            position = await RunnerGroup(runners, events, nc, batch=20).catch_up()
            collected = [list(async_batch) async for async_batch, _ in batches(events, nc, 1)]
            rows = {
                (table, key): row
                for table in tally.TABLES
                for key, row in runners[0].store.rows(table)
            }
            positions = [runner.store.position() for runner in runners]
            for runner in runners:
                runner.store.close()
            return {"failed": failing.failed, "position": position, "positions": positions,
                    "rows": rows, "events": [e for batch in collected for e in batch]}  # fmt: skip
        finally:
            await nc.drain()

    found = asyncio.run(rebuild())
    clean = MemoryView()
    changes, position = fold_batch(tally, clean, found["events"], 0)
    clean.commit(changes, position)
    assert found["failed"]
    assert 3 * PROTOCOLS == found["position"]
    assert [3 * PROTOCOLS] * 2 == found["positions"]
    assert clean.rows == found["rows"]
