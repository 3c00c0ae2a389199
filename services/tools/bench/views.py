"""``tally bench views``: rebuilding the views against a raw ordered replay of the same events.

One fresh nats-server (fsync on every write) in a temporary directory. It is filled with
synthetic protocol traffic (each protocol submitted, corrected and confirmed), then measured in
the same run: (a) a raw nats-py ordered push consumer replaying the stream and JSON-decoding each
payload (the baseline), (b) each projection rebuilt from sequence 0 into a fresh SQLite view
store (decode, fold, one transaction per 1,000 events). Figures are events/s and ratios to (a).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

import projections
from services.apps.protocols import Protocols
from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.nats.server import EmbeddedNats, free_port
from services.projector.group import RunnerGroup
from services.projector.runner import Runner
from services.projector.service import events_log
from services.tools.bench.store import raw_replay
from services.tools.bench.synthetic import append_protocols

STREAM = "BENCHVIEWS"


def run_views_benchmark(*, as_json: bool, protocols: int) -> int:
    with tempfile.TemporaryDirectory(prefix="tally-bench-views-") as tmp:
        server = EmbeddedNats(Path(tmp) / "nats", port=free_port())
        server.start()
        try:
            app = Protocols(env={"NATS_URL": server.url, "NATS_STREAM": STREAM})
            try:
                append_protocols(app, 1, protocols)
                total = app.recorder.max_notification_id() or 0
            finally:
                app.close()
            baseline = asyncio.run(raw_replay(server.url, STREAM, total, msgspec.json.decode))
            rebuilds = asyncio.run(rebuild_all(server.url, STREAM, Path(tmp) / "views"))
        finally:
            server.stop()
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "events": total,
            "protocols": protocols,
        },
        "baseline": {"name": baseline.name, "events_per_s": round(baseline.events_per_s, 1)},
        "views": [
            {
                "view": view,
                "events_per_s": round(total / seconds, 1),
                "ratio": round(total / seconds / baseline.events_per_s, 3),
            }
            for view, seconds in rebuilds.items()
        ],
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else _table(report))
    return 0


async def rebuild_all(url: str, stream: str, directory: Path) -> dict[str, float]:
    """Seconds to rebuild each view alone, then ``all`` of them from one reading of the log (as
    ``tally serve`` and ``tally projections rebuild all`` do), each into a fresh store."""
    settings = StoreSettings(url=url, stream=stream)
    nc = await connect(settings, name="tally-bench-views")
    timings: dict[str, float] = {}
    try:
        events = events_log(nc, settings)
        for projection in projections.ALL:
            runner = Runner.open(projection, directory / "alone", events, nc)
            started = time.perf_counter()
            await runner.catch_up()
            timings[runner.view] = time.perf_counter() - started
            runner.store.close()
        runners = [Runner.open(p, directory / "together", events, nc) for p in projections.ALL]
        started = time.perf_counter()
        await RunnerGroup(runners, events, nc).catch_up()
        timings["all"] = time.perf_counter() - started
        for runner in runners:
            runner.store.close()
    finally:
        await nc.drain()
    return timings


def _table(report: dict[str, Any]) -> str:
    machine, baseline = report["machine"], report["baseline"]
    lines = [
        (
            f"{machine['events']} events ({machine['protocols']} protocols), "
            f"Python {machine['python']}, {machine['cpus']} CPUs"
        ),
        "",
        "| measurement | events/s | ratio |",
        "|---|---:|---:|",
        f"| {baseline['name']} (baseline) | {baseline['events_per_s']:,.0f} | |",
    ]
    lines += [
        f"| rebuild `{v['view']}` | {v['events_per_s']:,.0f} | {v['ratio']:.2f} |"
        for v in report["views"]
    ]
    return "\n".join(lines) + "\n"
