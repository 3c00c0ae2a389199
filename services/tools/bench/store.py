"""``tally bench store``: the event store against raw nats-py, in one run, on one server.

A fresh embedded nats-server (fsync on every write) in a temporary directory serves every
measurement, so the figures are comparable:

* appends: (a) raw nats-py acknowledged publishes of the same payload size by N concurrent
  writers, vs (b) the store's ``ApplicationRecorder.insert_events`` (one event per new aggregate)
  from N threads, the way an application saves;
* replays: (c) a raw ordered push consumer reading the events stream and decoding each payload, vs
  the store's ``select_notifications`` paging and its ``subscribe`` iterator, decoding the same.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import nats
from eventsourcing.persistence import StoredEvent

from services.eventstore import NatsFactory
from services.nats.server import EmbeddedNats, free_port
from services.tools.stats import Figures

if TYPE_CHECKING:
    from collections.abc import Callable


class _Payload(msgspec.Struct):
    """A payload the size of a protocol event (about 420 bytes), decoded in every replay."""

    protocol: str
    gmina: str
    precinct: int
    votes: list[int]
    note: str


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Payload).decode


def _payload(i: int) -> bytes:
    return _encode(
        _Payload(
            protocol=uuid.uuid4().hex,
            gmina="146501",
            precinct=i,
            votes=[i % 997] * 40,
            note="x" * 150,
        )
    )


def run_store_benchmark(*, as_json: bool, events: int, replay_events: int, writers: int) -> int:
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as tmp:
        server = EmbeddedNats(Path(tmp), port=free_port())
        server.start()
        try:
            report = _measure(
                server.url, events=events, replay_events=replay_events, writers=writers
            )
        finally:
            server.stop()
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else table(report))
    return 0


def _measure(url: str, *, events: int, replay_events: int, writers: int) -> dict[str, Any]:
    published = asyncio.run(raw_publish(url, events, writers))
    factory = NatsFactory({"NATS_URL": url, "NATS_STREAM": "BENCH"})
    try:
        recorder = factory.application_recorder()
        appended = store_append(recorder, events, writers)
        _fill(recorder, replay_events)
        total = recorder.max_notification_id() or 0
        replayed = asyncio.run(raw_replay(url, "BENCH", total))
        select_replay = _select_replay(recorder, total)
        subscribe_replay = _subscribe_replay(recorder, total)
    finally:
        factory.close()
    baselines = {"raw_publish": published, "raw_ordered_replay": replayed}
    paths = [
        (appended, "raw_publish"),
        (select_replay, "raw_ordered_replay"),
        (subscribe_replay, "raw_ordered_replay"),
    ]
    machine = {"writers": writers, "append_events": events, "replay_events": total}
    return report(machine, baselines, paths)


def report(
    machine: dict[str, Any], baselines: dict[str, Figures], paths: list[tuple[Figures, str]]
) -> dict[str, Any]:
    """The benchmark document: the machine, the baselines, each path with its ratio."""
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "nats_server_sync": "always",
            **machine,
        },
        "baselines": {name: figures(b) for name, b in baselines.items()},
        "paths": [
            {
                **figures(measured),
                "baseline": base,
                "ratio": round(measured.events_per_s / baselines[base].events_per_s, 3),
            }
            for measured, base in paths
        ],
    }


def figures(measured: Figures) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": measured.name,
        "events_per_s": round(measured.events_per_s, 1),
    }
    if measured.latencies_ms:
        for q in (50, 95, 99):
            value = measured.percentile(q)
            result[f"p{q}_ms"] = round(value, 3) if value is not None else None
    return result


async def raw_publish(url: str, events: int, writers: int) -> Figures:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(name="BENCHRAW", subjects=["benchraw.>"], storage="file")
    payloads = [_payload(i) for i in range(events)]
    latencies: list[float] = []
    counter = iter(range(events))

    async def writer() -> None:
        for i in counter:
            started = time.perf_counter()
            await js.publish(f"benchraw.{i}", payloads[i], timeout=10)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    elapsed = time.perf_counter() - started
    await nc.close()
    return Figures("raw nats-py acked publish", events, elapsed, tuple(latencies))


def _stored_event(i: int) -> StoredEvent:
    return StoredEvent(
        originator_id=uuid.uuid4(), originator_version=1, topic="bench.event.v1", state=_payload(i)
    )


def store_append(recorder: Any, events: int, writers: int) -> Figures:
    latencies: list[float] = []
    lock = threading.Lock()
    prepared = [_stored_event(i) for i in range(events)]

    def insert(event: StoredEvent) -> None:
        started = time.perf_counter()
        recorder.insert_events([event])
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(insert, prepared))
    elapsed = time.perf_counter() - started
    return Figures("store append (insert_events, 1 event)", events, elapsed, tuple(latencies))


def _fill(recorder: Any, replay_events: int) -> None:
    """Top the stream up to the replay size quickly: 100-event atomic batches."""
    missing = replay_events - (recorder.max_notification_id() or 0)
    while missing > 0:
        size = min(100, missing)
        aggregate = uuid.uuid4()
        recorder.insert_events(
            [
                StoredEvent(aggregate, version, "bench.event.v1", _payload(version))
                for version in range(1, size + 1)
            ]
        )
        missing -= size


async def raw_replay(
    url: str, stream: str, total: int, decode: Callable[[bytes], Any] | None = None
) -> Figures:
    """A raw ordered push consumer over the events stream, decoding each payload."""
    decode = decode or _decode
    nc = await nats.connect(url)
    js = nc.jetstream()
    done = asyncio.Event()
    seen = 0

    async def on_message(msg: Any) -> None:
        nonlocal seen
        decode(msg.data)
        seen += 1
        if seen >= total:
            done.set()

    started = time.perf_counter()
    sub = await js.subscribe(
        f"{stream}.events.>", ordered_consumer=True, cb=on_message, stream=stream
    )
    await asyncio.wait_for(done.wait(), timeout=300)
    elapsed = time.perf_counter() - started
    await sub.unsubscribe()
    await nc.close()
    return Figures("raw ordered consumer replay + decode", seen, elapsed)


def _select_replay(recorder: Any, total: int) -> Figures:
    started = time.perf_counter()
    position = 0
    seen = 0
    while seen < total:
        page = recorder.select_notifications(start=position, limit=1000, inclusive_of_start=False)
        for notification in page:
            _decode(notification.state)
        seen += len(page)
        position = page[-1].id
    elapsed = time.perf_counter() - started
    return Figures("store select_notifications replay + decode", seen, elapsed)


def _subscribe_replay(recorder: Any, total: int) -> Figures:
    started = time.perf_counter()
    seen = 0
    with recorder.subscribe(gt=0) as subscription:
        for notification in subscription:
            _decode(notification.state)
            seen += 1
            if seen >= total:
                break
    elapsed = time.perf_counter() - started
    return Figures("store subscribe replay + decode", seen, elapsed)


def table(report: dict[str, Any]) -> str:
    lines = [f"machine: {json.dumps(report['machine'])}", ""]
    lines.append(
        f"{'measurement':48} {'events/s':>10} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>7}"
    )
    rows = [(b, None) for b in report["baselines"].values()] + [
        (p, p["ratio"]) for p in report["paths"]
    ]
    for row, ratio in rows:
        cells = [
            f"{row.get(k):>8}" if row.get(k) is not None else f"{'':>8}"
            for k in ("p50_ms", "p95_ms", "p99_ms")
        ]
        ratio_cell = f"{ratio:>7.2f}" if ratio is not None else f"{'(base)':>7}"
        lines.append(
            f"{row['name']:48} {row['events_per_s']:>10.0f} {' '.join(cells)} {ratio_cell}"
        )
    return "\n".join(lines) + "\n"
