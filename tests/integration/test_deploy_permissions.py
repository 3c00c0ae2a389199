"""The NATS configurations in deploy/: users, permissions, the R3 cluster."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import nats
import nats.errors
import pytest

from services.eventstore.settings import StoreSettings
from services.eventstore.streams import stream_config
from services.eventstore.streamsetup import ensure_declared_streams
from services.nats.server import free_port
from services.nats.users import ROLES
from tests.factories import event, new_aggregate, new_factory
from tests.natsserver import ConfiguredNats

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nats"
PASSWORDS = {f"TALLY_{role.upper()}_PASSWORD": f"{role}-secret" for role in ROLES}


def _settings(url: str, user: str, replicas: int = 1) -> StoreSettings:
    return StoreSettings(
        url=url,
        stream="TALLY",
        user=user,
        password=PASSWORDS[f"TALLY_{user[6:].upper()}_PASSWORD"],
        replicas=replicas,
    )


async def _bootstrap_as_admin(url: str, replicas: int = 1) -> None:
    settings = _settings(url, "tally-admin", replicas)
    nc = await nats.connect(url, user=settings.user, password=settings.password)
    try:
        await ensure_declared_streams(nc, settings)
    finally:
        await nc.close()


def _service_factory(url: str, replicas: int = 1):
    return new_factory(
        url=url,
        stream="TALLY",
        NATS_USER="tally-service",
        NATS_PASSWORD=PASSWORDS["TALLY_SERVICE_PASSWORD"],
        CREATE_TABLE="false",
        NATS_REPLICAS=str(replicas),
    )


@pytest.fixture
def single(tmp_path):
    port = free_port()
    server = ConfiguredNats(
        DEPLOY / "single.conf",
        {
            "TALLY_NATS_LISTEN": f"127.0.0.1:{port}",
            "TALLY_NATS_STORE": str(tmp_path / "store"),
            **PASSWORDS,
        },
        tmp_path / "nats.log",
    )
    server.start()
    server.wait_for("Server is ready")
    yield f"nats://127.0.0.1:{port}"
    server.stop()


DESTRUCTIVE = [
    ("$JS.API.STREAM.DELETE.TALLY", b""),
    ("$JS.API.STREAM.PURGE.TALLY", b""),
    ("$JS.API.STREAM.MSG.DELETE.TALLY", b'{"seq":1}'),
    (
        "$JS.API.STREAM.UPDATE.TALLY",
        b'{"name":"TALLY","subjects":["TALLY.events.>"],"max_msgs_per_subject":1,"storage":"file"}',
    ),
    ("$JS.API.STREAM.CREATE.OTHER", b'{"name":"OTHER","subjects":["other.>"]}'),
]


def test_the_service_user_appends_but_cannot_change_delete_or_purge_the_stream(single):
    """As tally-service: saves work; delete, purge, message delete, update and create are refused,
    and afterwards the stream still holds its events with its declared configuration."""
    asyncio.run(_bootstrap_as_admin(single))
    factory = _service_factory(single)
    try:
        recorder = factory.application_recorder()
        aggregate = new_aggregate()
        assert [1, 2] == recorder.insert_events([event(aggregate, 1), event(aggregate, 2)])
        assert 2 == len(recorder.select_events(aggregate))
    finally:
        factory.close()

    async def attempt_destruction() -> list[str]:
        refused = []
        errors: list[Exception] = []

        async def on_error(error: Exception) -> None:
            errors.append(error)

        nc = await nats.connect(
            single,
            user="tally-service",
            password=PASSWORDS["TALLY_SERVICE_PASSWORD"],
            error_cb=on_error,
        )
        try:
            for subject, body in DESTRUCTIVE:
                try:
                    await nc.request(subject, body, timeout=1)
                except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
                    refused.append(subject)
        finally:
            await nc.close()
        assert any("permissions violation" in repr(e).lower() for e in errors), errors
        return refused

    assert [s for s, _ in DESTRUCTIVE] == asyncio.run(attempt_destruction())

    async def inspect_as_admin() -> tuple[dict, dict]:
        nc = await nats.connect(
            single, user="tally-admin", password=PASSWORDS["TALLY_ADMIN_PASSWORD"]
        )
        try:
            info = await nc.request("$JS.API.STREAM.INFO.TALLY", b"", timeout=2)
            return await stream_config(nc, "TALLY", 2) or {}, json.loads(info.data)["state"]
        finally:
            await nc.close()

    config, state = asyncio.run(inspect_as_admin())
    assert -1 == config["max_msgs_per_subject"]
    assert 2 == state["messages"]


def test_the_auditor_reads_but_cannot_write(single):
    """As tally-auditor: reading the election stream works; publishing an event and reading the
    accounts stream are refused."""
    asyncio.run(_bootstrap_as_admin(single))

    async def as_auditor() -> tuple[int, bool, bool]:
        nc = await nats.connect(
            single, user="tally-auditor", password=PASSWORDS["TALLY_AUDITOR_PASSWORD"]
        )
        try:
            info = await nc.request("$JS.API.STREAM.INFO.TALLY", b"", timeout=2)
            try:
                await nc.request("TALLY.events.x", b"{}", timeout=1)
            except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
                wrote = False
            else:
                wrote = True
            try:
                await nc.request("$JS.API.DIRECT.GET.TALLY_ACCOUNTS", b'{"seq": 1}', timeout=1)
            except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
                read_accounts = False
            else:
                read_accounts = True
            return len(info.data), wrote, read_accounts
        finally:
            await nc.close()

    size, wrote, read_accounts = asyncio.run(as_auditor())
    assert size > 0
    assert not wrote
    assert not read_accounts


@pytest.mark.slow
def test_the_three_node_cluster_config_serves_r3_streams(tmp_path):
    """Three nodes from deploy/nats/cluster/node.conf form a cluster; the declared streams are
    created with three replicas and the store appends and reads through it."""
    client_ports = [free_port() for _ in range(3)]
    route_ports = [free_port() for _ in range(3)]
    nodes = []
    for i in range(3):
        others = [p for j, p in enumerate(route_ports) if j != i]
        env = {
            "TALLY_NATS_NAME": f"tally-{i + 1}",
            "TALLY_NATS_LISTEN": f"127.0.0.1:{client_ports[i]}",
            "TALLY_NATS_CLUSTER_LISTEN": f"127.0.0.1:{route_ports[i]}",
            "TALLY_NATS_ROUTE_A": f"nats://127.0.0.1:{others[0]}",
            "TALLY_NATS_ROUTE_B": f"nats://127.0.0.1:{others[1]}",
            "TALLY_NATS_STORE": str(tmp_path / f"store-{i + 1}"),
            **PASSWORDS,
        }
        nodes.append(
            ConfiguredNats(DEPLOY / "cluster" / "node.conf", env, tmp_path / f"node-{i + 1}.log")
        )
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_for("Server is ready")
        url = f"nats://127.0.0.1:{client_ports[0]}"
        _retry_until_cluster_ready(lambda: asyncio.run(_bootstrap_as_admin(url, replicas=3)))
        factory = _service_factory(url, replicas=3)
        try:
            recorder = factory.application_recorder()
            aggregate = new_aggregate()
            assert [1, 2, 3] == recorder.insert_events([event(aggregate, v) for v in (1, 2, 3)])
            recorder.insert_events([event(aggregate, 4)])
            assert [1, 2, 3, 4] == [e.originator_version for e in recorder.select_events(aggregate)]
        finally:
            factory.close()
    finally:
        for node in nodes:
            node.stop()


def _retry_until_cluster_ready(action, timeout: float = 30) -> None:
    """JetStream in a fresh cluster answers 503 until its meta leader is elected."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            action()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
        else:
            return


@pytest.mark.parametrize("role", ["service", "projector", "auditor"])
def test_only_the_gateway_may_send_a_command(single, role):
    """A command names its actor; the command service believes it because no user but the
    gateway (and the admin) may publish on the command subjects: a forged rejection from the
    service's, the projector's or the auditor's credentials never reaches it."""

    async def send(user: str) -> list[Exception]:
        errors: list[Exception] = []

        async def on_error(error: Exception) -> None:
            errors.append(error)

        nc = await nats.connect(single, user=f"tally-{user}",
                                password=PASSWORDS[f"TALLY_{user.upper()}_PASSWORD"],
                                error_cb=on_error)  # fmt: skip
        try:
            await nc.publish("tally.v1.protocol.reject", b"{}",
                             headers={"Tally-Actor": "account:forged"})  # fmt: skip
            await nc.flush()
            await asyncio.sleep(0.2)
        finally:
            await nc.close()
        return errors

    async def listened(user: str) -> int:
        """What a subscriber on the command subjects (as the admin) receives from ``user``."""
        nc = await nats.connect(single, user="tally-admin",
                                password=PASSWORDS["TALLY_ADMIN_PASSWORD"])  # fmt: skip
        received: list[object] = []

        async def keep(message: object) -> None:
            received.append(message)

        sub = await nc.subscribe("tally.v1.>", cb=keep)
        await nc.flush()
        errors = await send(user)
        await asyncio.sleep(0.2)
        await sub.unsubscribe()
        await nc.close()
        assert (user == "gateway") != any("permissions violation" in repr(e).lower()
                                          for e in errors)  # fmt: skip
        return len(received)

    assert 0 == asyncio.run(listened(role))
    assert 1 == asyncio.run(listened("gateway"))
