"""The system's write paths, measured the way clients use them: a protocol submission as a NATS
request to the command service (what the gateway sends), and as an HTTP request to the gateway
by a logged-in operator (what a precinct client sends). Each submission is a new protocol, with
its own idempotency key, by ``concurrency`` clients at once."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import msgspec
import nats

from schemas import subjects
from schemas.commands import Outcome, SubmitProtocol
from schemas.envelope import ACTOR, CHANNEL, CORRELATION_ID, ROLE
from schemas.validation import ProtocolKey
from services.tools.bench.synthetic import content
from services.tools.people import Desk, enrol
from services.tools.stats import Figures

if TYPE_CHECKING:
    from services.tools.bench.system import BenchSystem


class BenchError(Exception):
    pass


def keys(system: BenchSystem, first: int, count: int) -> list[ProtocolKey]:
    """``count`` protocol keys, spread over the units, from the ``first``-th precinct slot."""
    units = system.definition.units
    per_unit = len(units[0].precincts)
    chosen = []
    for slot in range(first, first + count):
        unit = units[slot % len(units)]
        precinct = slot // len(units) + 1
        if precinct > per_unit:
            raise BenchError(f"the bench election has {len(units) * per_unit} precincts")
        chosen.append(ProtocolKey(election=system.definition.election.code, teryt=unit.teryt,
                                  precinct=precinct, contest="president:PL"))  # fmt: skip
    return chosen


def command_over_nats(system: BenchSystem, chosen: list[ProtocolKey], concurrency: int) -> Figures:
    return asyncio.run(_requests(system.nats_url, chosen, concurrency))


async def _requests(url: str, chosen: list[ProtocolKey], concurrency: int) -> Figures:
    nc = await nats.connect(url)
    requests = iter([(k, msgspec.json.encode(SubmitProtocol(key=k, content=content(0))))
                     for k in chosen])  # fmt: skip
    latencies: list[float] = []
    failures: list[str] = []

    async def client() -> None:
        for key, body in requests:
            # What the gateway sends for the precinct's own logged-in operator.
            precincts = subjects.encode_precincts([key.precinct])
            headers = {ACTOR: f"account:bench-{key.teryt}-{key.precinct}", ROLE: "operator",
                       subjects.ACTOR_GMINA: key.teryt, subjects.ACTOR_PRECINCTS: precincts,
                       CHANNEL: "online", CORRELATION_ID: str(uuid.uuid4()),
                       subjects.IDEMPOTENCY_KEY: str(uuid.uuid4())}  # fmt: skip
            started = time.perf_counter()
            reply = await nc.request(subjects.SUBMIT, body, timeout=30, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            outcome = msgspec.json.decode(reply.data, type=Outcome)
            if outcome.status != "accepted":
                failures.append(f"{outcome.status} {outcome.problems}")

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await nc.close()
    if failures:
        raise BenchError(f"{len(failures)} submissions not accepted, e.g. {failures[0]}")
    return Figures("command over NATS (submit)", len(chosen), elapsed, tuple(latencies))


def _quiet(done: int, total: int) -> None:
    """No progress bar while measuring."""


def http_submit(system: BenchSystem, chosen: list[ProtocolKey], concurrency: int) -> Figures:
    """Operators (one per unit, created by coordinators, logged in with password + TOTP) send
    the protocols through the gateway."""
    team = enrol(system.gateway_url, "bench-admin", system.admin_code, system.definition.units,
                 workers=4, progress=_quiet)  # fmt: skip
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    local = threading.local()
    desks: list[Desk] = []

    def submit(key: ProtocolKey) -> None:
        if not hasattr(local, "desk"):
            local.desk = Desk(system.gateway_url)
            desks.append(local.desk)
        operator = team.operators[key.teryt]
        started = time.perf_counter()
        outcome = local.desk.act(operator, lambda c: c.submit(key, content(0)))
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if outcome.status != "accepted":
                failures.append(f"{outcome.status} {outcome.problems}")

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(submit, chosen))
    elapsed = time.perf_counter() - started
    for desk in desks:
        desk.close()
    if failures:
        raise BenchError(f"{len(failures)} submissions not accepted, e.g. {failures[0]}")
    return Figures("HTTP submit (gateway)", len(chosen), elapsed, tuple(latencies))
