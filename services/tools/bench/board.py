"""``tally bench board``: the coordinator's board of a Warsaw-sized gmina (850 precincts).

Staged on a fresh ``tally serve`` (one process: commands, gateway, views; its own nats-server
with fsync on every write), with real accounts. Measured in one run:

- the board page rendered on the server (GET, median and p99), against the stylesheet fetched
  through the same server (the baseline: what any answer costs);
- the event-to-board lag: ``--boards`` browsers follow the board's live feed (Server-Sent
  Events) while protocols are submitted over the API one after another; for every board and
  protocol, the time from the submission's acknowledgement (the event is durable) to the row
  arriving on that board (p50, p99);
- the fan-out's cost: the serve process's CPU time per submitted protocol with those boards
  open, against the same submissions with no board open (the baseline), and the difference per
  protocol and per open board.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import httpx
import msgspec

from schemas.commands import SubmitProtocol
from schemas.validation import ProtocolKey
from services.tools.bench.gmina import staged_gmina
from services.tools.bench.pages import figures, timed
from services.tools.bench.synthetic import content
from services.tools.bench.system import ELECTION

if TYPE_CHECKING:
    from collections.abc import Callable

    from services.tools.people import Account

CONTEST: Final = "president:PL"
READY_S: Final = 60.0
SETTLE_S: Final = 20.0
"""How long the boards may take to show the last protocol before the run gives up on it."""


@dataclass
class Followers:
    """What the open boards saw: per precinct, when each board got its row."""

    seen: dict[int, list[float]] = field(default_factory=dict)
    ready: int = 0
    updates: int = 0
    reconnects: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)


async def _until(condition: Callable[[], bool], followers: Followers, seconds: float) -> None:
    """Wait until ``condition`` holds (checked after every update), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        followers.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(followers.changed.wait(), deadline - time.monotonic())


def run_board_benchmark(*, as_json: bool, precincts: int, boards: int, protocols: int,
                        requests: int) -> int:  # fmt: skip
    with staged_gmina(precincts, "tally-bench-board-") as staged:
        stage, team, teryt = staged.stage, staged.team, staged.teryt
        coordinator, operator = team.coordinators[teryt], team.operators[teryt]
        render = _render(stage.gateway_url, coordinator, teryt, requests)
        report = asyncio.run(_live(stage.gateway_url, stage.pid, coordinator, operator, teryt,
                                   boards, protocols))  # fmt: skip
    document = {"precincts": precincts, "boards": boards, "protocols": protocols, **render,
                **report}  # fmt: skip
    sys.stdout.write(json.dumps(document, indent=2) + "\n" if as_json else _table(document))
    return 0


def _render(url: str, coordinator: Account, teryt: str, requests: int) -> dict[str, Any]:
    browser = httpx.Client(base_url=url, timeout=60, cookies={"tally_session": coordinator.token})
    try:
        page = f"/board/{ELECTION}/{teryt}"
        baseline = timed(requests, lambda: browser.get("/static/tally.css"))
        rendered = timed(requests, lambda: browser.get(page))
    finally:
        browser.close()
    base = statistics.median(baseline)
    return {"baseline": figures("stylesheet through the gateway", baseline, base),
            "render": figures(f"board of {teryt} rendered", rendered, base)}  # fmt: skip


async def _live(url: str, pid: int, coordinator: Account, operator: Account, teryt: str,
                boards: int, protocols: int) -> dict[str, Any]:  # fmt: skip
    limits = httpx.Limits(max_connections=boards + 8, max_keepalive_connections=boards + 8)
    timeout = httpx.Timeout(30.0, read=120.0)  # a feed's heartbeat comes every 15 s
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        headers = {"Authorization": f"Bearer {operator.token}", "Content-Type": "application/json"}
        alone = await _submissions(client, headers, teryt, range(1, protocols + 1), pid)
        followers = Followers()
        feed = f"/board/{ELECTION}/{teryt}/events?round=1"
        cookies = {"tally_session": coordinator.token}
        tasks = [asyncio.create_task(_follow(client, feed, cookies, followers))
                 for _ in range(boards)]  # fmt: skip
        await _until(lambda: followers.ready >= boards, followers, READY_S)
        ready = followers.ready
        numbers = range(protocols + 1, 2 * protocols + 1)
        watched = await _submissions(client, headers, teryt, numbers, pid)
        await _until(lambda: all(len(followers.seen.get(n, ())) >= boards for n in numbers),
                     followers, SETTLE_S)  # fmt: skip
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    lags = sorted(max(0.0, at - watched.acked[n]) * 1000 for n in numbers
                  for at in followers.seen.get(n, ()))  # fmt: skip
    expected = boards * protocols
    per_alone, per_watched = alone.cpu_ms / protocols, watched.cpu_ms / protocols
    return {
        "lag": {"name": "event to board (acknowledged submission to the row on each board)",
                "p50_ms": round(quantile(lags, 0.5), 1), "p99_ms": round(quantile(lags, 0.99), 1),
                "max_ms": round(lags[-1], 1) if lags else 0.0,
                "rows_seen": len(lags), "rows_expected": expected,
                "boards_ready": ready, "reconnects": followers.reconnects},
        "fan_out": {"name": "serve CPU per protocol, boards open vs none",
                    "baseline_cpu_ms": round(per_alone, 2), "cpu_ms": round(per_watched, 2),
                    "ratio": round(per_watched / per_alone, 2) if per_alone else 0.0,
                    "extra_ms_per_protocol": round(per_watched - per_alone, 2),
                    "extra_us_per_protocol_per_board":
                        round(1000 * (per_watched - per_alone) / max(boards, 1), 1),
                    "updates_received": followers.updates},
        "submissions_per_s": round(protocols / watched.seconds, 1),
    }  # fmt: skip


@dataclass
class _Run:
    acked: dict[int, float]
    cpu_ms: float
    seconds: float


async def _submissions(client: httpx.AsyncClient, headers: dict[str, str], teryt: str,
                       numbers: range, pid: int) -> _Run:  # fmt: skip
    """One protocol after another (an election night's arrivals, not a burst)."""
    acked: dict[int, float] = {}
    cpu, started = cpu_seconds(pid), time.monotonic()
    for number in numbers:
        key = ProtocolKey(election=ELECTION, teryt=teryt, precinct=number, contest=CONTEST)
        body = msgspec.json.encode(SubmitProtocol(key=key, content=content(0)))
        answer = await client.post("/v1/protocols", content=body, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"precinct {number}: {answer.status_code} {answer.text}")
        acked[number] = time.monotonic()
    return _Run(acked, (cpu_seconds(pid) - cpu) * 1000, time.monotonic() - started)


async def _follow(client: httpx.AsyncClient, feed: str, cookies: dict[str, str],
                  followers: Followers) -> None:  # fmt: skip
    """One browser's board: the first update (the whole board), then rows as they come; when
    the server ends the stream (a browser too slow to keep up), it connects again with
    ``Last-Event-ID``, as a browser does, and gets what it missed."""
    first, last = True, ""
    while True:
        headers = {"Last-Event-ID": last} if last else {}
        async with client.stream("GET", feed, cookies=cookies, headers=headers) as response:
            event: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line:
                    name, _, value = line.partition(":")
                    event[name] = value.strip()
                    continue
                if event.get("event") == "update":
                    now = time.monotonic()
                    last = event.get("id", last)
                    followers.updates += 1
                    followers.changed.set()
                    if first:
                        followers.ready += 1
                        first = False
                    for number in json.loads(event["data"]).get("rows", {}):
                        followers.seen.setdefault(int(number), []).append(now)
                event = {}
        followers.reconnects += 1


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def _table(report: dict[str, Any]) -> str:
    lag, fan = report["lag"], report["fan_out"]
    head = (f"board of {report['precincts']} precincts; {report['boards']} boards open; "
            f"{report['protocols']} protocols each phase")  # fmt: skip
    lines = [head, "", "| measurement | median ms | p99 ms | x baseline |", "|---|---:|---:|---:|"]
    lines += [
        f"| {row['name']} | {row['median_ms']} | {row['p99_ms']} | {row['ratio_to_baseline']} |"
        for row in (report["baseline"], report["render"])
    ]
    seen = f"{lag['rows_seen']} of {lag['rows_expected']} rows seen"
    lines.append("")
    lines.append(f"event to board: p50 {lag['p50_ms']} ms, p99 {lag['p99_ms']} ms, "
                 f"max {lag['max_ms']} ms ({seen})")  # fmt: skip
    per_board = f"{fan['extra_us_per_protocol_per_board']} us per protocol per board"
    ratio = f"x{fan['ratio']}; {per_board}"
    lines.append(f"serve CPU per protocol: {fan['cpu_ms']} ms with the boards open, "
                 f"{fan['baseline_cpu_ms']} ms with none ({ratio})")  # fmt: skip
    lines.append(f"submissions: {report['submissions_per_s']}/s")
    return "\n".join(lines) + "\n"
