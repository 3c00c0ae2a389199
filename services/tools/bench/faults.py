"""``tally bench faults``: Tally on a 3-node cluster with its services scaled out, under faults.

Staged on loopback from the embedded nats-server binary (``services.tools.cluster``): three
nodes (R3 streams, fsync always, the deployment's users), two gateways, two command services and
one projector as ``tally serve --only`` processes. Submissions arrive through the two gateways at
a fixed pace (``--rate``, 50/s: an open loop, not as fast as possible), each under its own
idempotency key; a client that gets no answer, or a 429/503, sends the same request again,
to the other gateway when one does not answer (what the README's reverse proxy does).

One phase per fault, in turn: SIGKILL each node (restarted on its store after ``--down``
seconds), SIGKILL the stream's leader, SIGSTOP the leader for 10 s, SIGKILL each service
instance (restarted). For each: acknowledged submissions lost (no ``protocol.submitted`` for
its protocol in the log), duplicated (more than one, or one request stored twice), and the
longest time without an acknowledgement from the fault until the phase ends. At the end the
views are compared with a clean rebuild from the log (``tally audit verify``).

Network partitions are not drilled: that needs a node in its own network namespace (``ip
netns``), which this benchmark does not set up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import os
import secrets
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import httpx
import msgspec
import structlog

from domain.ids import protocol_id
from schemas import envelope
from schemas.commands import SubmitProtocol
from schemas.protocol_events import ProtocolSubmitted
from schemas.validation import ProtocolKey
from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.apps.signing import SigningSource
from services.audit.commands import verify
from services.audit.source import live_records
from services.common.environment import environment
from services.common.key_files import b64
from services.eventstore import jsapi
from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.nats.server import free_port
from services.nats.users import NatsUsers
from services.serve.process import ensure_streams
from services.tools.bench.board import CONTEST
from services.tools.bench.synthetic import content
from services.tools.bench.system import ELECTION, definition
from services.tools.cluster import LocalCluster
from services.tools.people import enrol
from services.tools.serve_child import ServeChild

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from schemas.definition import ElectionDefinition
    from services.tools.people import Team

STREAM: Final = "FAULTS"
UNITS: Final = 4
STEADY_S: Final = 3.0
RECOVER_S: Final = 6.0
PAUSE_S: Final = 10.0
RETRY_S: Final = 0.2
REQUEST_TIMEOUT_S: Final = 10.0
SIGNING: Final = f"k1={b64(secrets.token_bytes(32))}"


Drill = tuple[str, "Callable[[], Awaitable[str]]"]
"""A fault by name, and what does it: it answers what the victim led (or "")."""
log = structlog.get_logger("bench")


@dataclass
class Sent:
    key: ProtocolKey
    idempotency_key: str
    first_sent: float
    acked_at: float | None = None
    attempts: int = 0
    refused: str = ""


@dataclass
class Phase:
    name: str
    started: float
    ended: float = 0.0
    note: str = ""


@dataclass
class Load:
    gateways: list[str]
    tokens: dict[str, str]
    sent: list[Sent] = field(default_factory=list)


class Services:
    """Two gateways, two command services, one projector, each restartable."""

    def __init__(self, directory: Path, env: dict[str, str], users: NatsUsers) -> None:
        self.directory, self.users = directory, users
        self.env = env
        self.ports = [free_port(), free_port()]
        self.children: dict[str, ServeChild] = {}
        self.restarts: dict[str, int] = {}

    def _args(self, name: str) -> tuple[dict[str, str], tuple[str, ...]]:
        part, index = name.rsplit("-", 1)
        role = {"gateway": "gateway", "commands": "service", "projections": "projector"}[part]
        user, password = self.users.credentials(role)
        env = self.env | {"NATS_USER": user, "NATS_PASSWORD": password}
        args: tuple[str, ...] = ("--only", part)
        if part == "gateway":
            args += ("--http-port", str(self.ports[int(index) - 1]))
        return env, args

    def start(self, name: str) -> None:
        env, args = self._args(name)
        count = self.restarts.get(name, 0)
        self.restarts[name] = count + 1
        data_dir = self.directory / name
        data_dir.mkdir(exist_ok=True)
        child = ServeChild(data_dir, self.directory / f"{name}.{count}.log", env, *args)
        self.children[name] = child
        child.wait_ready()

    def kill(self, name: str) -> None:
        child = self.children[name]
        os.kill(child.pid, signal.SIGKILL)
        child.process.wait()

    def stop(self) -> None:
        for child in self.children.values():
            child.stop()

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]


def run_faults_benchmark(*, as_json: bool, rate: float, down_s: float,
                         faults: tuple[str, ...] | None) -> int:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="tally-bench-faults-") as tmp:
        report = _run(Path(tmp), rate, down_s, faults)
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else _table(report))
    return 0 if all(row["lost"] == 0 and row["duplicated"] == 0 for row in report["faults"]) \
        and report["views_equal_rebuild"] else 1  # fmt: skip


def _run(directory: Path, rate: float, down_s: float,
         faults: tuple[str, ...] | None) -> dict[str, Any]:  # fmt: skip
    chosen = definition(UNITS, 4000)
    settings0 = StoreSettings(stream=STREAM)
    users = NatsUsers.ensure(directory / "users", settings0.layout)
    cluster = LocalCluster(directory, users)
    cluster.start()
    admin_user, admin_password = users.credentials("admin")
    env = os.environ | {"NATS_URL": cluster.url, "NATS_STREAM": STREAM, "NATS_REPLICAS": "3",
                        "TALLY_PASSWORD_HASH": "fast", "TALLY_LOG_FORMAT": "json",
                        "TALLY_SIGNING_KEYS": SIGNING, "CREATE_TABLE": "false",
                        # every instance opens the TOTP seeds any other one sealed
                        "TALLY_SECRET_KEYS": f"s1={b64(secrets.token_bytes(32))}"}  # fmt: skip
    services = Services(directory, env, users)
    try:
        with environment(NATS_URL=cluster.url, NATS_STREAM=STREAM, NATS_REPLICAS="3",
                         NATS_USER=admin_user, NATS_PASSWORD=admin_password):  # fmt: skip
            settings = StoreSettings.from_env_os()
            _until_ready(lambda: asyncio.run(ensure_streams(settings)), "the streams")
            file = directory / "definition.json"
            file.write_bytes(msgspec.json.encode(chosen))
            load_file(file, data_dir=directory)
            slip = bootstrap_admin(login="faults-admin", name="Faults", data_dir=directory).slip
            assert slip is not None
            for name in ("commands-1", "commands-2", "gateway-1", "gateway-2", "projections-1"):
                services.start(name)
            team = enrol(services.urls[0], "faults-admin", slip.activation_code, chosen.units,
                         workers=2, progress=lambda _d, _a: None)  # fmt: skip
            load = Load(gateways=services.urls, tokens=_tokens(team))
            drills = _drills(cluster, services, settings, down_s)
            if faults:
                drills = [d for d in drills if d[0] in faults]
            phases = asyncio.run(_night(load, chosen, rate, drills))
            records = _settled(settings)
            audit = verify(export=None, data_dir=directory,
                           views=directory / "projections-1" / "views" / "views.sqlite",
                           signing=SigningSource(keys=SIGNING))  # fmt: skip
    finally:
        services.stop()
        cluster.stop()
    return _report(load, phases, records, audit, rate)


def _until_ready(action: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    """``action`` retried while the cluster elects its first leaders."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            action()
        except Exception:
            if time.monotonic() > deadline:
                log.exception("faults.not_ready", what=what)
                raise
            time.sleep(0.5)
        else:
            return


def _tokens(team: Team) -> dict[str, str]:
    return {teryt: account.token for teryt, account in team.operators.items()}


def _drills(cluster: LocalCluster, services: Services, settings: StoreSettings,
            down_s: float) -> list[Drill]:  # fmt: skip
    async def node_down(name: str) -> str:
        led = await _led_by(settings, name)
        node = cluster.node(name)
        node.kill()
        await asyncio.sleep(down_s)
        await asyncio.to_thread(node.start)
        return led

    async def leader_down() -> str:
        return await node_down(await _leader(settings))

    async def leader_paused() -> str:
        name = await _leader(settings)
        led = await _led_by(settings, name)
        node = cluster.node(name)
        node.signal(signal.SIGSTOP)
        await asyncio.sleep(PAUSE_S)
        node.signal(signal.SIGCONT)
        return led

    async def service_down(name: str) -> str:
        services.kill(name)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(services.start, name)
        return ""

    found: list[Drill] = [
        (f"node {n.name} killed", functools.partial(node_down, n.name)) for n in cluster.nodes
    ]
    found += [("stream leader killed", leader_down), ("stream leader paused 10 s", leader_paused)]
    found += [
        (f"{name} killed", functools.partial(service_down, name))
        for name in ("gateway-1", "gateway-2", "commands-1", "commands-2", "projections-1")
    ]
    return found  # fmt: skip


async def _leaders(settings: StoreSettings) -> dict[str, str]:
    """The leader of each stream the commands wait on (the events, the sessions' bucket, the
    idempotency tracking), by stream."""
    layout = settings.layout
    streams = {"events": settings.stream, "sessions": f"KV_{layout.sessions_bucket}",
               "tracking": f"KV_{layout.tracking_bucket}"}  # fmt: skip
    nc = await connect(settings, name="tally-bench-faults")
    found: dict[str, str] = {}
    try:
        for _ in range(100):
            for what, stream in streams.items():
                with contextlib.suppress(Exception):
                    info = await jsapi.api_request(nc, f"$JS.API.STREAM.INFO.{stream}", {},
                                                   settings.request_timeout_s)  # fmt: skip
                    leader = info.get("cluster", {}).get("leader")
                    if leader:
                        found[what] = str(leader)
            if "events" in found:
                return found
            await asyncio.sleep(0.2)
    finally:
        await nc.drain()
    raise RuntimeError("the events stream has no leader")


async def _leader(settings: StoreSettings) -> str:
    return (await _leaders(settings))["events"]


async def _led_by(settings: StoreSettings, node: str) -> str:
    led = [what for what, leader in (await _leaders(settings)).items() if leader == node]
    return f"led {', '.join(led)}" if led else "led nothing"


async def _night(load: Load, chosen: ElectionDefinition, rate: float,
                 drills: list[Drill]) -> list[Phase]:  # fmt: skip
    keys = [ProtocolKey(election=ELECTION, teryt=unit.teryt, precinct=p.number, contest=CONTEST)
            for p_index in range(len(chosen.units[0].precincts))
            for unit in chosen.units for p in (unit.precincts[p_index],)]  # fmt: skip
    stop = asyncio.Event()
    clients = [httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) for url in load.gateways]
    sender = asyncio.create_task(_send(load, clients, keys, rate, stop))
    phases: list[Phase] = []
    try:
        for name, fault in drills:
            await asyncio.sleep(STEADY_S)
            phase = Phase(name=name, started=time.monotonic())
            phase.note = await fault()
            await asyncio.sleep(RECOVER_S)
            phase.ended = time.monotonic()
            phases.append(phase)
        await asyncio.sleep(STEADY_S)
    finally:
        stop.set()
        await sender
        for client in clients:
            await client.aclose()
    return phases


async def _send(load: Load, clients: list[httpx.AsyncClient], keys: list[ProtocolKey],
                rate: float, stop: asyncio.Event) -> None:  # fmt: skip
    tasks: set[asyncio.Task[None]] = set()
    step, next_at = 1.0 / rate, time.monotonic()
    for index, key in enumerate(keys):
        if stop.is_set():
            break
        sent = Sent(key=key, idempotency_key=str(uuid.uuid4()), first_sent=time.monotonic())
        load.sent.append(sent)
        task = asyncio.create_task(_submit(load, clients, sent, index % len(clients)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        next_at += step
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    await asyncio.gather(*tasks)


async def _submit(load: Load, clients: list[httpx.AsyncClient], sent: Sent, first: int) -> None:
    body = msgspec.json.encode(SubmitProtocol(key=sent.key, content=content(0)))
    headers = {
        "Authorization": f"Bearer {load.tokens[sent.key.teryt]}",
        "Content-Type": "application/json",
        "Idempotency-Key": sent.idempotency_key,
    }
    which = first
    while True:  # fmt: skip
        sent.attempts += 1
        try:
            answer = await clients[which].post("/v1/protocols", content=body, headers=headers)
        except httpx.HTTPError:
            which = (which + 1) % len(clients)  # that gateway does not answer: the other one
            await asyncio.sleep(RETRY_S)
            continue
        if answer.status_code == 200:
            sent.acked_at = time.monotonic()
            return
        if answer.status_code in (429, 502, 503, 504):
            await asyncio.sleep(RETRY_S)
            continue
        sent.refused = f"{answer.status_code} {answer.text[:200]}"
        return


def _settled(settings: StoreSettings) -> list[Any]:
    records: list[Any] = []
    _until_ready(lambda: records.extend(live_records(settings)), "the log")
    return records


def _report(load: Load, phases: list[Phase], records: list[Any], audit: Any,
            rate: float) -> dict[str, Any]:  # fmt: skip
    submitted: dict[str, int] = {}
    by_request: dict[str, int] = {}
    for record in records:
        if record.headers.get(envelope.EVENT_TYPE) == ProtocolSubmitted.TAG:
            aggregate = record.headers.get(envelope.AGGREGATE_ID, "")
            submitted[aggregate] = submitted.get(aggregate, 0) + 1
            request = record.headers.get(envelope.IDEMPOTENCY_KEY, "")
            by_request[request] = by_request.get(request, 0) + 1
    acks = sorted(s.acked_at for s in load.sent if s.acked_at is not None)

    def stored(sent: Sent) -> int:
        return submitted.get(str(protocol_id(sent.key.election, sent.key.teryt,
                                             sent.key.precinct, sent.key.contest,
                                             sent.key.district, sent.key.round)), 0)  # fmt: skip

    rows = []
    for phase in phases:
        during = [s for s in load.sent if s.acked_at is not None
                  and phase.started - 1 <= s.acked_at <= phase.ended]  # fmt: skip
        rows.append({
            "fault": phase.name, "acknowledged": len(during),
            "lost": sum(stored(s) == 0 for s in during),
            "duplicated": sum(stored(s) > 1 or by_request.get(s.idempotency_key, 0) > 1
                              for s in during),
            "longest_gap_s": round(_longest_gap(acks, phase), 2),
            "note": phase.note,
            "retried": sum(s.attempts > 1 for s in load.sent
                           if phase.started <= s.first_sent <= phase.ended),
        })  # fmt: skip
    acked = [s for s in load.sent if s.acked_at is not None]
    view_problems = [p for p in audit.problems if p.kind == "view"]
    return {
        "rate_per_s": rate, "sent": len(load.sent), "acknowledged": len(acked),
        "refused": sorted({s.refused for s in load.sent if s.refused})[:5],
        "lost": sum(stored(s) == 0 for s in acked),
        "duplicated": sum(stored(s) > 1 for s in acked),
        "faults": rows,
        "views_equal_rebuild": not view_problems and not audit.problems,
        "audit_problems": [f"seq {p.seq} [{p.kind}] {p.message}" for p in audit.problems][:10],
    }  # fmt: skip


def _longest_gap(acks: list[float], phase: Phase) -> float:
    """The longest time without an acknowledgement between the fault and the phase's end."""
    inside = [a for a in acks if phase.started <= a <= phase.ended]
    if not inside:
        return phase.ended - phase.started
    before = [a for a in acks if a < phase.started]
    points = ([before[-1]] if before else [phase.started]) + inside
    gaps = [b - a for a, b in itertools.pairwise(points)]
    return max([*gaps, phase.ended - inside[-1]])


def _table(report: dict[str, Any]) -> str:
    head = (f"{report['sent']} submissions at {report['rate_per_s']}/s, "
            f"{report['acknowledged']} acknowledged, {report['lost']} lost, "
            f"{report['duplicated']} duplicated; views equal a clean rebuild: "
            f"{report['views_equal_rebuild']}")  # fmt: skip
    columns = (f"{'fault':<28} {'acked':>6} {'lost':>5} {'dup':>4} {'gap s':>6} {'retried':>8}"
               "  the victim")  # fmt: skip
    lines = [head, columns]
    lines += [f"{r['fault']:<28} {r['acknowledged']:>6} {r['lost']:>5} {r['duplicated']:>4} "
              f"{r['longest_gap_s']:>6} {r['retried']:>8}  {r['note']}"
              for r in report["faults"]]  # fmt: skip
    lines += [f"  {problem}" for problem in report["audit_problems"]]
    lines += [f"  refused: {r}" for r in report["refused"]]
    return "\n".join(lines) + "\n"
