"""One nats-server per store: a second serve is refused, a crash takes the server along, a
leftover is stopped, the ports come back; and 20 kill -9 in a burst lose and duplicate nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from schemas.accounts import CreateAccount, Role
from services.nats.server import find_binary
from tests.accounts import activate, code, created
from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.processes import TALLY, ServeProcess, cli_env, pid_alive

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow


def _serve(data_dir: Path) -> tuple[ServeProcess, dict[str, Any]]:
    serve = ServeProcess(data_dir, cli_env(TALLY_PASSWORD_HASH="fast"))
    return serve, serve.wait_for("serve.ready", timeout=60)


def _ports(ready: dict[str, Any]) -> tuple[str, str]:
    return ready["nats_url"], ready["gateway_url"]


def _nats_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / "nats" / "server.json").read_text())["pid"])


def _gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not pid_alive(pid)


def _stop(serve: ServeProcess) -> None:
    if serve.process.poll() is None:
        serve.process.send_signal(signal.SIGTERM)
        serve.finish()


def test_a_second_serve_on_a_running_data_directory_is_refused(tmp_path: Path) -> None:
    """It says who runs there and exits 2; the first keeps its server and its server.json."""
    first, ready = _serve(tmp_path)
    try:
        second = ServeProcess(tmp_path, cli_env())
        assert 2 == second.finish(timeout=60)
        (failure,) = [e for e in second.logs if e["event"] == "cli.failed"]
        assert "already runs" in failure["error"]
        assert str(first.process.pid) in failure["error"]
        assert (tmp_path / "nats" / "server.json").exists()
        assert 200 == httpx.get(f"{ready['gateway_url']}/health").status_code
    finally:
        _stop(first)


def test_kill_9_takes_the_server_along_and_the_restart_has_the_same_ports(tmp_path: Path) -> None:
    """No orphan is left on the store; the new serve listens where the old one did."""
    serve, ready = _serve(tmp_path)
    server = _nats_pid(tmp_path)
    serve.process.kill()
    serve.finish()
    assert _gone(server), "the nats-server outlived its owner"
    again, after = _serve(tmp_path)
    try:
        assert _ports(ready) == _ports(after)
    finally:
        _stop(again)


def test_a_server_left_by_a_dead_owner_is_stopped_before_a_new_one_starts(tmp_path: Path) -> None:
    """A leftover (started without the parent-death signal) is found by its configuration and
    stopped: never two servers on one store."""
    serve, _ = _serve(tmp_path)
    _stop(serve)
    config = tmp_path / "nats" / "nats-server.conf"
    leftover = subprocess.Popen([str(find_binary()), "-c", str(config.resolve())],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # fmt: skip
    try:
        time.sleep(1)
        again, _ = _serve(tmp_path)
        try:
            assert leftover.poll() is not None
            assert any(e["event"] == "nats.leftover_stopped" for e in again.logs)
        finally:
            _stop(again)
    finally:
        if leftover.poll() is None:
            leftover.kill()
        leftover.wait()


class Burst:
    """Corrections of one protocol per client, each with its own idempotency key, while the
    serve dies; what was acknowledged and what is still open (sent, no answer) are remembered."""

    def __init__(self, url: str, token: str, bodies: list[dict[str, Any]]) -> None:
        self.url, self.token, self.bodies = url, token, bodies
        self.acked: dict[str, int] = {}
        self.open: dict[str, dict[str, Any]] = {}
        self.refused: dict[str, str] = {}
        self.corrections = dict.fromkeys(range(len(bodies)), 0)
        self.mismatches: list[str] = []
        self.lock = threading.Lock()

    def send(self, key: str, body: dict[str, Any]) -> bool:
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        try:
            answer = httpx.post(f"{self.url}/v1/protocols/corrections", json=body,
                                headers=headers, timeout=10)  # fmt: skip
        except httpx.HTTPError:
            with self.lock:
                self.open[key] = body
            return False
        if answer.status_code != 200:
            with self.lock:
                if answer.status_code >= 500 or answer.status_code == 429:
                    self.open[key] = body
                else:  # answered: not lost, but not expected either
                    self.open.pop(key, None)
                    self.refused[key] = answer.text[:300]
                return False
        sequence = answer.json()["sequence"]
        with self.lock:
            if key in self.acked and self.acked[key] != sequence:
                self.mismatches.append(f"{key}: {self.acked[key]} then {sequence}")
            self.acked[key] = sequence
            self.open.pop(key, None)
        return True

    def run(self, index: int, stop: threading.Event) -> None:
        body = self.bodies[index]
        while not stop.is_set():
            self.corrections[index] += 1  # across crashes: each correction differs from the last
            n = self.corrections[index]
            shifted = json.loads(json.dumps(body))
            votes = shifted["content"]["candidates"]
            move = n % 2  # alternate one vote between the first two candidates
            votes[0]["votes"] += move
            votes[1]["votes"] -= move
            shifted["reason"] = f"korekta {n}"
            if not self.send(str(uuid.uuid4()), shifted):
                time.sleep(0.2)

    def retry_open(self) -> None:
        for key, body in list(self.open.items()):
            self.send(key, body)


def _setup(url: str, admin_code: str) -> tuple[str, list[dict[str, Any]]]:
    """An operator of all Zielonka's precincts, with their mayor protocols submitted."""
    admin = activate(url, "admin", admin_code)
    operator = created(admin, url, CreateAccount(login="operator", role=Role.OPERATOR,
                                                 display_name="Operator", gmina="302199",
                                                 precincts=tuple(range(1, 15))))  # fmt: skip
    headers = {"Authorization": f"Bearer {operator.client.token}"}
    base = json.loads((EXAMPLES / "protocols" / "mayor-precinct-2.json").read_text())
    bodies = []
    for precinct in range(1, 9):
        body = json.loads(json.dumps(base))
        body["key"]["precinct"] = precinct
        judged = httpx.post(f"{url}/v1/protocols/validations", json=body, headers=headers).json()
        body["content"]["explanations"] = {f["code"]: "Komisja sprawdziła"
                                           for f in judged["findings"]
                                           if f["severity"] == "warning"}  # fmt: skip
        answer = httpx.post(f"{url}/v1/protocols", json=body, headers=headers)
        assert 200 == answer.status_code, answer.text
        bodies.append(body)
    step = httpx.post(f"{url}/v1/auth/step-up", json={"totp": code(operator.secret, 1)},
                      headers=headers)  # fmt: skip
    assert 200 == step.status_code, step.text
    return str(operator.client.token), bodies


def test_twenty_crashes_in_a_burst_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    """kill -9 of the serve (every other time of its nats-server first) at random moments of a
    stream of corrections; after each restart (same ports) the open requests are retried with
    their keys. Every acknowledged correction is in the log once, at its acknowledged sequence;
    no key is on two events; a retry is answered with its own event."""
    env = cli_env(TALLY_PASSWORD_HASH="fast")
    subprocess.run(
        [
            *TALLY,
            "election",
            "load",
            str(EXAMPLES / "gmina-zielonka.json"),
            "--data-dir",
            str(tmp_path),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    made = subprocess.run([*TALLY, "admin", "bootstrap", "--data-dir", str(tmp_path)], env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    admin_code = made.stdout.split("one-time activation code: ")[1].split()[0]
    serve, ready = _serve(tmp_path)
    token, bodies = _setup(ready["gateway_url"], admin_code)
    burst = Burst(ready["gateway_url"], token, bodies)
    rng = random.Random(20)
    try:
        for crash in range(20):
            stop = threading.Event()
            clients = [
                threading.Thread(target=burst.run, args=(i, stop)) for i in range(len(bodies))
            ]
            for client in clients:
                client.start()
            time.sleep(rng.uniform(0.3, 1.5))
            if crash % 2:
                os.kill(_nats_pid(tmp_path), signal.SIGKILL)
            serve.process.kill()
            serve.finish()
            stop.set()
            for client in clients:
                client.join(timeout=30)
            serve, again = _serve(tmp_path)
            assert _ports(ready) == _ports(again)
            burst.retry_open()
        burst.retry_open()
        assert ({}, {}, []) == (burst.open, burst.refused, burst.mismatches)
        users = json.loads((tmp_path / "nats" / "users.json").read_text())
        stored = read_stream(ready["nats_url"], "TALLY", user="tally-admin",
                             password=users["admin"])  # fmt: skip
    finally:
        _stop(serve)
    by_key: dict[str, list[int]] = {}
    for message in stored:
        key = message.headers.get("Tally-Idempotency-Key")
        if key:
            by_key.setdefault(key, []).append(message.seq)
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}
    assert {key: [seq] for key, seq in burst.acked.items()} == {
        key: by_key.get(key) for key in burst.acked
    }
    assert len(burst.acked) > 100
