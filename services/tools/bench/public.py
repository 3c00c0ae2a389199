"""``tally bench public``: the public results screen under a crowd of readers.

Staged on a fresh ``tally serve`` (one process: commands, gateway, views; its own nats-server
with fsync on every write) with a gmina of ``--precincts`` precincts whose polls have closed.
``--readers`` clients on loopback (one connection each) read as fast as they are answered, for
``--seconds`` per phase, each a full GET (no revalidation: the worst a crowd can do; browsers
would use the five seconds of ``max-age``). Measured in one run:

- the baseline: the stylesheet through the same server, same readers (what any answer costs);
- the screen with nothing changing: requests per second and latency, against the baseline;
- the screen while ``--changes`` protocols of the gmina arrive one by one: how many different
  screens the readers saw (built once per change: at most one per change, plus the first) and
  the server's CPU time per change beyond what the reading and the submissions cost alone.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import httpx
import msgspec

from schemas.commands import SubmitProtocol
from schemas.validation import ProtocolKey
from services.tools.bench.board import CONTEST, cpu_seconds, quantile
from services.tools.bench.gmina import staged_gmina
from services.tools.bench.synthetic import content
from services.tools.bench.system import ELECTION

if TYPE_CHECKING:
    from services.tools.people import Account

WARM_S: Final = 1.0


@dataclass
class Phase:
    """What the readers got in one phase."""

    latencies: list[float] = field(default_factory=list)
    etags: set[str] = field(default_factory=set)
    failures: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0


def run_public_benchmark(*, as_json: bool, precincts: int, readers: int, seconds: float,
                         changes: int) -> int:  # fmt: skip
    with staged_gmina(precincts, "tally-bench-public-") as staged:
        teryt = staged.teryt
        report = asyncio.run(_measure(staged.stage.gateway_url, staged.stage.pid,
                                      staged.team.operators[teryt], teryt, readers, seconds,
                                      changes))  # fmt: skip
    document = {"precincts": precincts, "readers": readers, "seconds_per_phase": seconds,
                "changes": changes, **report}  # fmt: skip
    sys.stdout.write(json.dumps(document, indent=2) + "\n" if as_json else _table(document))
    return 0


async def _measure(url: str, pid: int, operator: Account, teryt: str, readers: int,
                   seconds: float, changes: int) -> dict[str, Any]:  # fmt: skip
    screen = f"/public/{ELECTION}/{teryt}"
    limits = httpx.Limits(max_connections=readers + 4, max_keepalive_connections=readers + 4)
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as client:
        await _read(client, "/health", readers, WARM_S, pid)  # every connection opened first
        baseline = await _read(client, "/static/tally.css", readers, seconds, pid)
        quiet = await _read(client, screen, readers, seconds, pid)
        headers = {"Authorization": f"Bearer {operator.token}", "Content-Type": "application/json"}
        alone_cpu = cpu_seconds(pid)
        await _submit(client, headers, teryt, range(1, changes + 1), seconds)
        alone_cpu = cpu_seconds(pid) - alone_cpu
        numbers = range(changes + 1, 2 * changes + 1)
        busy = await _read(client, screen, readers, seconds, pid,
                           _submit(client, headers, teryt, numbers, seconds))  # fmt: skip
    # The reading's own cost is what a request cost with nothing changing, times the requests.
    per_request = quiet.cpu_s / max(len(quiet.latencies), 1)
    reading = per_request * len(busy.latencies)
    per_change = (busy.cpu_s - reading - alone_cpu) / max(changes, 1)
    base_rate = len(baseline.latencies) / baseline.seconds
    return {
        "baseline": _figures("stylesheet through the gateway", baseline, base_rate),
        "quiet": _figures("public screen, nothing changing", quiet, base_rate),
        "changing": _figures(f"public screen, {changes} protocols arriving", busy, base_rate),
        "screens_seen_while_changing": len(busy.etags),
        "server_cpu_ms_per_request": round(1000 * per_request, 3),
        "server_cpu_ms_per_change": round(1000 * per_change, 1),
        "submission_cpu_ms_alone": round(1000 * alone_cpu / max(changes, 1), 1),
    }


async def _read(client: httpx.AsyncClient, path: str, readers: int, seconds: float, pid: int,
                alongside: Any = None) -> Phase:  # fmt: skip
    """``readers`` clients reading ``path`` back to back for ``seconds`` (after a warm-up),
    with ``alongside`` (a coroutine) running meanwhile."""
    phase = Phase()
    start = asyncio.Event()
    stop = time.monotonic() + WARM_S + seconds

    async def reader() -> None:
        while time.monotonic() < stop:
            began = time.monotonic()
            try:
                answer = await client.get(path)
            except httpx.HTTPError:
                phase.failures += 1
                continue
            if not start.is_set():
                continue
            if answer.status_code != 200:
                phase.failures += 1
                continue
            phase.latencies.append(time.monotonic() - began)
            phase.etags.add(answer.headers.get("etag", ""))

    tasks = [asyncio.create_task(reader()) for _ in range(readers)]
    await asyncio.sleep(WARM_S)
    start.set()
    cpu, began = cpu_seconds(pid), time.monotonic()
    if alongside is not None:
        await alongside
    await asyncio.gather(*tasks)
    phase.seconds, phase.cpu_s = time.monotonic() - began, cpu_seconds(pid) - cpu
    return phase


async def _submit(client: httpx.AsyncClient, headers: dict[str, str], teryt: str,
                  numbers: range, seconds: float) -> None:  # fmt: skip
    """The protocols spread over the phase (a night's arrivals, not a burst)."""
    gap = seconds / (len(numbers) + 1)
    for number in numbers:
        await asyncio.sleep(gap)
        key = ProtocolKey(election=ELECTION, teryt=teryt, precinct=number, contest=CONTEST)
        body = msgspec.json.encode(SubmitProtocol(key=key, content=content(0)))
        answer = await client.post("/v1/protocols", content=body, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"precinct {number}: {answer.status_code} {answer.text}")


def _figures(name: str, phase: Phase, base_rate: float) -> dict[str, Any]:
    ordered = sorted(1000 * t for t in phase.latencies)
    rate = len(ordered) / phase.seconds if phase.seconds else 0.0
    return {"name": name, "requests": len(ordered), "failures": phase.failures,
            "requests_per_s": round(rate, 1),
            "ratio_to_baseline": round(rate / base_rate, 2) if base_rate else 0.0,
            "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
            "p99_ms": round(quantile(ordered, 0.99), 1)}  # fmt: skip


def _table(report: dict[str, Any]) -> str:
    head = (f"public screen of a {report['precincts']}-precinct gmina; {report['readers']} "
            f"readers; {report['seconds_per_phase']} s per phase")  # fmt: skip
    lines = [head, "", "| measurement | requests/s | x baseline | p50 ms | p99 ms | failures |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    lines += [f"| {r['name']} | {r['requests_per_s']} | {r['ratio_to_baseline']} | "
              f"{r['p50_ms']} | {r['p99_ms']} | {r['failures']} |"
              for r in (report["baseline"], report["quiet"], report["changing"])]  # fmt: skip
    seen = (f"screens seen while {report['changes']} protocols arrived: "
            f"{report['screens_seen_while_changing']}")  # fmt: skip
    cost = (f"server CPU per screen request: {report['server_cpu_ms_per_request']} ms; per "
            f"change: {report['server_cpu_ms_per_change']} ms beyond reading and submitting "
            f"({report['submission_cpu_ms_alone']} ms per submission alone)")  # fmt: skip
    lines += ["", seen, cost]
    return "\n".join(lines) + "\n"
