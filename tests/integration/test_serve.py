"""`tally serve` and `tally admin streams` as a user runs them: real processes, JSON logs."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess

import nats
import nats.errors
import pytest

from services.eventstore.jsapi import api_request
from services.nats.server import free_port
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, ServeProcess, cli_env, pid_alive


@pytest.mark.slow
def test_serve_starts_the_embedded_server_creates_streams_and_stops_cleanly(tmp_path):
    """Without NATS_URL, serve starts nats-server under --data-dir with its own users (nobody
    without their generated passwords connects), creates the streams, logs where everything is,
    and on SIGTERM stops the server it started and exits 0."""
    serve = ServeProcess(tmp_path / "var", cli_env())
    started = serve.wait_for("serve.nats_started")
    ready = serve.wait_for("serve.ready")
    assert started["store_dir"].startswith(str(tmp_path / "var"))
    assert started["sync_interval"] == "always"
    streams = {e["stream"] for e in serve.logs if e["event"] == "serve.stream_ready"}
    assert {
        "TALLY",
        "TALLY_SNAPSHOTS",
        "TALLY_ACCOUNTS",
        "KV_TALLY_TRACKING",
        "KV_TALLY_SESSIONS",
        "KV_TALLY_THROTTLE",
        "KV_TALLY_TOTP",
    } == streams
    assert ready["gateway_url"].startswith("http://127.0.0.1:")

    nats_dir = tmp_path / "var" / "nats"
    passwords = json.loads((nats_dir / "users.json").read_text())
    assert (0o600, 0o700) == ((nats_dir / "users.json").stat().st_mode & 0o777,
                              nats_dir.stat().st_mode & 0o777)  # fmt: skip

    async def stream_exists() -> bool:
        nc = await nats.connect(ready["nats_url"], user="tally-admin", password=passwords["admin"])
        try:
            info = await api_request(nc, "$JS.API.STREAM.INFO.TALLY", {}, 2)
            return bool(info["config"]["deny_delete"])
        finally:
            await nc.close()

    async def anonymous() -> None:
        await nats.connect(ready["nats_url"], allow_reconnect=False, connect_timeout=2)

    assert asyncio.run(stream_exists())
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        asyncio.run(anonymous())
    serve.process.send_signal(signal.SIGTERM)
    assert 0 == serve.finish()
    assert not pid_alive(started["pid"])
    assert "serve.nats_stopped" in [e["event"] for e in serve.logs]


def test_serve_refuses_a_stream_that_differs_and_admin_streams_apply_fixes_it(tmp_path):
    """With NATS_URL set, serve starts no server; a stream whose configuration differs makes it
    refuse to start, naming the difference; `tally admin streams --apply` changes it."""
    stream = fresh_stream()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream)
    first = ServeProcess(tmp_path, env)
    first.wait_for("serve.ready")
    assert "serve.nats_started" not in [e["event"] for e in first.logs]
    first.process.send_signal(signal.SIGINT)
    assert 0 == first.finish()

    async def change_duplicate_window() -> None:
        nc = await nats.connect(session_url())
        try:
            info = await api_request(nc, f"$JS.API.STREAM.INFO.{stream}", {}, 2)
            config = {**info["config"], "duplicate_window": 60_000_000_000}
            await api_request(nc, f"$JS.API.STREAM.UPDATE.{stream}", config, 2)
        finally:
            await nc.close()

    asyncio.run(change_duplicate_window())
    refused = ServeProcess(tmp_path, env)
    assert 2 == refused.finish()
    (failure,) = [e for e in refused.logs if e["event"] == "cli.failed"]
    assert "duplicate_window" in failure["error"]
    assert "tally admin streams --apply" in failure["error"]

    check = subprocess.run(
        [*TALLY, "admin", "streams"], env=env, capture_output=True, text=True, check=False
    )
    assert 1 == check.returncode
    assert f"{stream}: differs" in check.stdout
    applied = subprocess.run(
        [*TALLY, "admin", "streams", "--apply"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == applied.returncode, applied.stderr
    recheck = subprocess.run(
        [*TALLY, "admin", "streams"], env=env, capture_output=True, text=True, check=False
    )
    assert 0 == recheck.returncode, recheck.stdout


def test_serve_reports_an_unreachable_nats_url_instead_of_waiting(tmp_path):
    """A NATS_URL where no server listens ends serve with exit 2 and a message naming the URL."""
    url = f"nats://127.0.0.1:{free_port()}"
    serve = ServeProcess(tmp_path, cli_env(NATS_URL=url))
    assert 2 == serve.finish(timeout=60)
    (failure,) = [e for e in serve.logs if e["event"] == "cli.failed"]
    assert url in failure["error"]
