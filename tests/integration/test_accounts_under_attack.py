"""The accounts service under load and misuse: activation is no oracle and no memory bomb,
security events are never lost, keys that open nothing stop the start, duties stay separate."""

from __future__ import annotations

import concurrent.futures
import json
import statistics
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from schemas.accounts import CreateAccount, Role
from tests.accounts import PASSWORD, Team, code, created, team
from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.gateway import TEST_KEYS, RunningServe, running_serve
from tests.natsserver import session_url
from tests.processes import ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow
SECURITY = "security.event_recorded.v1"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[RunningServe]:
    with running_serve(tmp_path) as running:
        yield running


@pytest.fixture
def people(serve: RunningServe) -> Iterator[Team]:
    crew = team(serve.url, serve.admin_code)
    yield crew
    crew.close()


def _security_events(serve: RunningServe) -> int:
    accounts = read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    return sum(m.headers.get("Tally-Type") == SECURITY for m in accounts)


def test_three_thousand_concurrent_refusals_leave_three_thousand_security_events(
    serve: RunningServe, people: Team
) -> None:
    """Refused reads from 32 clients at once: each refusal is one record, none lost, and the
    account's own history does not grow (its next login is as quick as before)."""
    before = _security_events(serve)
    headers = {"Authorization": f"Bearer {people.operator.client.token}"}
    local = threading.local()  # one connection per client thread, as real clients keep

    def refused(_: int) -> int:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=serve.url, headers=headers, timeout=60)
        answer = local.client.get("/v1/views/progress?election=przyklad-2026&gmina=306499")
        return answer.status_code

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(refused, range(3000)))
    assert {403} == set(statuses)
    assert 3000 == _security_events(serve) - before
    accounts = read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    operator_events = [
        m for m in accounts if m.subject.endswith(".events." + _subject_of("operator"))
    ]
    assert len(operator_events) < 10  # created, activation issued, activated, logged in


def _subject_of(login: str) -> str:
    from domain.ids import account_id  # noqa: PLC0415 - one helper

    return str(account_id(login))


def test_activation_takes_the_same_time_for_any_login(tmp_path: Path) -> None:
    """With production hashing: a wrong code for an existing login and any code for a login that
    does not exist take the same time (the password is hashed either way)."""
    with running_serve(tmp_path, TALLY_PASSWORD_HASH="production",
                       TALLY_LOGIN_BACKOFF_S="0.01") as serve:  # fmt: skip
        admin = team(serve.url, serve.admin_code).admin
        answer = admin.client.create_account(CreateAccount(
            login="czeka", role=Role.AUDITOR, display_name="Czeka"))  # fmt: skip
        assert answer.slip is not None

        def timed(login: str) -> float:
            while True:
                started = time.perf_counter()
                reply = httpx.post(
                    f"{serve.url}/v1/auth/activate",
                    timeout=60,
                    json={
                        "login": login,
                        "activation_code": "WRONG-CODE-0000",
                        "password": PASSWORD,
                    },
                )
                if reply.status_code != 429:  # fmt: skip
                    assert 422 == reply.status_code, reply.text
                    return time.perf_counter() - started
                time.sleep(0.05)

        known = [timed("czeka") for _ in range(4)]
        unknown = [timed(f"nikt-{n}") for n in range(4)]
        ratio = statistics.median(known) / statistics.median(unknown)
        assert 0.5 < ratio < 2.0, (known, unknown)


def test_failed_activations_are_throttled(serve: RunningServe, people: Team) -> None:
    """Three wrong codes for a login, then the next attempt waits (429 with Retry-After)."""
    slip = people.admin.client.create_account(
        CreateAccount(login="czeka", role=Role.AUDITOR, display_name="Czeka")
    ).slip
    assert slip is not None
    body = {"login": "czeka", "activation_code": "WRONG", "password": PASSWORD}
    statuses = [httpx.post(f"{serve.url}/v1/auth/activate", json=body) for _ in range(4)]
    assert [422, 422, 422, 429] == [s.status_code for s in statuses]
    assert int(statuses[-1].headers["retry-after"]) >= 1


def test_a_burst_of_activations_hashes_a_few_at_a_time(tmp_path: Path) -> None:
    """96 activations at once with production hashing (64 MiB each): the server's memory stays
    near TALLY_HASH_CONCURRENCY hashes' worth, not 96."""
    with running_serve(tmp_path, TALLY_PASSWORD_HASH="production",
                       TALLY_HASH_CONCURRENCY="2") as serve:  # fmt: skip
        pid = serve.process.process.pid

        def attempt(n: int) -> int:
            return httpx.post(
                f"{serve.url}/v1/auth/activate",
                timeout=120,
                json={"login": f"burst-{n}", "activation_code": "X", "password": PASSWORD},
            ).status_code

        with concurrent.futures.ThreadPoolExecutor(96) as pool:
            statuses = list(pool.map(attempt, range(96)))
        peak_kib = int(next(line.split()[1] for line in
                            Path(f"/proc/{pid}/status").read_text().splitlines()
                            if line.startswith("VmHWM")))  # fmt: skip
    assert statuses
    assert set(statuses) <= {422, 429}
    assert peak_kib < 600 * 1024, f"peak {peak_kib // 1024} MiB"


def test_keys_that_open_no_sealed_secret_stop_the_start(tmp_path: Path) -> None:
    """Accounts activated under one key: a deleted key file is not silently replaced, and other
    keys are refused; both name the key ids the store needs."""
    data = tmp_path / "store"
    with running_serve(data, TALLY_SECRET_KEYS="") as serve:  # the embedded default key file
        team(serve.url, serve.admin_code).close()
        stream = serve.stream
    key_file = data / "secret.keys"
    key_id = key_file.read_text().split("=")[0]
    key_file.unlink()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream, TALLY_PASSWORD_HASH="fast")
    missing = ServeProcess(data, env)
    assert 2 == missing.finish(timeout=60)
    assert key_id in _failure(missing)
    assert not key_file.exists()
    other = ServeProcess(data, {**env, "TALLY_SECRET_KEYS": TEST_KEYS})
    assert 2 == other.finish(timeout=60)
    assert key_id in _failure(other)


def _failure(serve: ServeProcess) -> str:
    (failure,) = [e for e in serve.logs if e["event"] == "cli.failed"]
    return str(failure["error"])


def _proxy_submitted(serve: RunningServe, people: Team) -> dict:
    body = json.loads((EXAMPLES / "protocols" / "mayor-precinct-2.json").read_text())
    client = people.coordinator.client
    client.step_up(code(people.coordinator.secret, 1))
    headers = {"Authorization": f"Bearer {client.token}"}
    judged = httpx.post(
        f"{serve.url}/v1/protocols/validations",
        json=body,
        headers={"Authorization": f"Bearer {people.operator.client.token}"},
    )
    body["content"]["explanations"] = {
        f["code"]: "Komisja sprawdziła"
        for f in judged.json()["findings"]
        if f["severity"] == "warning"
    }
    answer = httpx.post(f"{serve.url}/v1/proxy/protocols", json=body, headers=headers)
    assert 200 == answer.status_code, answer.text
    return {"key": body["key"], "control_code": answer.json()["control_code"]}  # fmt: skip


def test_who_entered_a_version_does_not_confirm_it(serve: RunningServe, people: Team) -> None:
    """A coordinator's proxy entry: their own confirmation is 403 auth.same_person, nothing
    written; another coordinator of the gmina confirms."""
    confirmation = _proxy_submitted(serve, people)
    headers = {"Authorization": f"Bearer {people.coordinator.client.token}"}
    before = len(read_stream(session_url(), serve.stream))
    own = httpx.post(f"{serve.url}/v1/protocols/confirmations", json=confirmation,
                     headers=headers)  # fmt: skip
    assert 403 == own.status_code
    assert ["auth.same_person"] == [p["rule"] for p in own.json()["problems"]]
    assert before == len(read_stream(session_url(), serve.stream))
    colleague = created(people.admin, serve.url, CreateAccount(
        login="koordynator-2", role=Role.COORDINATOR, display_name="Druga",
        gmina="302199"))  # fmt: skip
    other = httpx.post(
        f"{serve.url}/v1/protocols/confirmations",
        json=confirmation,
        headers={"Authorization": f"Bearer {colleague.client.token}"},
    )
    assert 200 == other.status_code, other.text  # fmt: skip


def test_a_sole_coordinator_vouches_for_their_entry_and_it_is_marked(
    serve: RunningServe, people: Team, tmp_path: Path
) -> None:
    """With the gmina's sole-coordinator setting recorded, the confirmation goes through and
    the audit trail says same_person."""
    import subprocess  # noqa: PLC0415 - the CLI, as the admin runs it

    from tests.processes import TALLY  # noqa: PLC0415

    done = subprocess.run([*TALLY, "admin", "sole-coordinator", "--election", "przyklad-2026",
                           "--gmina", "302199", "--reason", "jeden koordynator w gminie",
                           "--data-dir", str(tmp_path)],
                          env=cli_env(NATS_URL=session_url(), NATS_STREAM=serve.stream),
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    confirmation = _proxy_submitted(serve, people)
    headers = {"Authorization": f"Bearer {people.coordinator.client.token}"}
    own = httpx.post(f"{serve.url}/v1/protocols/confirmations", json=confirmation,
                     headers=headers)  # fmt: skip
    assert 200 == own.status_code, own.text
    confirmed = [m for m in read_stream(session_url(), serve.stream)
                 if m.headers.get("Tally-Type") == "protocol.confirmed.v1"]  # fmt: skip
    assert [True] == [json.loads(m.data)["data"]["same_person"] for m in confirmed]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        trail = httpx.get(f"{serve.url}/v1/audit?gmina=302199", headers=headers).json()["rows"]
        marked = [r for r in trail if r["event"] == "protocol.confirmed.v1"]
        if marked:
            assert marked[0]["changes"].get("same_person") is True
            return
        time.sleep(0.2)
    pytest.fail("the confirmation never reached the audit trail")


def test_rejecting_and_withdrawing_need_a_fresh_totp_proof(tmp_path: Path) -> None:
    """Like the other vouching commands: past the step-up window, 403 auth.step_up_required."""
    with running_serve(tmp_path, TALLY_STEP_UP_S="1") as serve:
        people = team(serve.url, serve.admin_code)
        time.sleep(1.5)
        key = json.loads((EXAMPLES / "protocols" / "mayor-precinct-2.json").read_text())["key"]
        headers = {"Authorization": f"Bearer {people.coordinator.client.token}"}
        for path in ("/v1/protocols/rejections", "/v1/protocols/confirmation-withdrawals"):
            answer = httpx.post(f"{serve.url}{path}", json={"key": key, "reason": "r"},
                                headers=headers)  # fmt: skip
            assert 403 == answer.status_code
            assert ["auth.step_up_required"] == [p["rule"] for p in answer.json()["problems"]]
        people.close()
