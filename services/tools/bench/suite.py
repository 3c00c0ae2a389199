"""``tally bench [--json]``: every figure in one run against one server (fsync always).

The load comes from this process; what it measures runs as a deployment runs it: the command
service (``--command-processes``, one by default) and the gateway as ``tally serve --only``
processes (``services.tools.bench.system``).

Baselines, measured first on the same server:

* ``raw_publish``: nats-py acknowledged JetStream publishes of protocol-sized payloads by the same
  number of concurrent writers the paths use;
* ``raw_ordered_replay``: a raw ordered push consumer reading the system's event stream and
  JSON-decoding every payload.

Paths, each with its ratio to its baseline:

* store append (the eventsourcing recorder, one event per new aggregate) / ``raw_publish``;
* command over NATS (a protocol submission to the command service, idempotency included) /
  ``raw_publish``;
* HTTP submit (a logged-in operator through the gateway) / ``raw_publish``;
* view rebuild (every view from sequence 0 into a fresh store, and each view alone) /
  ``raw_ordered_replay``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import msgspec

from services.common.logging import configure_logging
from services.eventstore import NatsFactory
from services.tools.bench import store, views
from services.tools.bench.paths import command_over_nats, http_submit, keys
from services.tools.bench.system import STREAM, bench_system
from services.tools.stats import Figures

UNITS = 16


def run_benchmark(
    *, as_json: bool, submissions: int, concurrency: int, command_processes: int = 1
) -> int:
    # The services run inside this process: their per-request log lines would drown the figures.
    configure_logging(level="warning")
    report = measure(submissions=submissions, concurrency=concurrency,
                     command_processes=command_processes)  # fmt: skip
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else store.table(report))
    return 0


def measure(*, submissions: int, concurrency: int, command_processes: int = 1) -> dict[str, Any]:
    per_unit = -(-2 * submissions // UNITS)
    with bench_system(UNITS, per_unit, command_processes=command_processes) as system:
        url = system.nats_url
        raw_publish = asyncio.run(store.raw_publish(url, submissions, concurrency))
        factory = NatsFactory({"NATS_URL": url, "NATS_STREAM": "BENCHSTORE"})
        try:
            store_append = store.store_append(
                factory.application_recorder(), submissions, concurrency
            )
        finally:
            factory.close()
        over_nats = command_over_nats(system, keys(system, 0, submissions), concurrency)
        over_http = http_submit(system, keys(system, submissions, submissions), concurrency)
        total = _last_sequence(url)
        raw_replay = asyncio.run(store.raw_replay(url, STREAM, total, msgspec.json.decode))
        rebuilds = asyncio.run(views.rebuild_all(url, STREAM, system.directory / "views"))
    baselines = {"raw_publish": raw_publish, "raw_ordered_replay": raw_replay}
    rebuild_all = _rebuild_figures("view rebuild (all views)", total, rebuilds.pop("all"))
    paths: list[tuple[Figures, str]] = [
        (store_append, "raw_publish"),
        (over_nats, "raw_publish"),
        (over_http, "raw_publish"),
        (rebuild_all, "raw_ordered_replay"),
    ]
    paths += [
        (_rebuild_figures(f"view rebuild: {view}", total, seconds), "raw_ordered_replay")
        for view, seconds in rebuilds.items()
    ]
    machine = {"concurrency": concurrency, "submissions": submissions,
               "command_processes": command_processes, "replayed_events": total,
               "password_hash": "fast"}  # fmt: skip
    return store.report(machine, baselines, paths)


def _rebuild_figures(name: str, events: int, seconds: float) -> Figures:
    return Figures(name, events, seconds)


def _last_sequence(url: str) -> int:
    factory = NatsFactory({"NATS_URL": url, "NATS_STREAM": STREAM})
    try:
        return factory.application_recorder().max_notification_id() or 0
    finally:
        factory.close()
