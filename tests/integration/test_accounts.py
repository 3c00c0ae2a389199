"""Accounts end to end over HTTP: activation, login with TOTP, step-up, scopes, replay, brute
force, timing, revocation across gateway instances."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pytest

from domain.decoding import decode_json
from schemas.accounts import CreateAccount, Role
from schemas.commands import (
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from services.nats.server import free_port
from services.tools.client import TallyClient
from tests.accounts import GMINA, PASSWORD, Team, code, team
from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.gateway import TEST_KEYS, RunningServe, running_serve
from tests.natsserver import session_url
from tests.processes import ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow
FAST = {"TALLY_LOGIN_BACKOFF_S": "0.01", "TALLY_STEP_UP_S": "2"}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[RunningServe]:
    with running_serve(tmp_path, **FAST) as running:
        yield running


@pytest.fixture
def people(serve: RunningServe) -> Iterator[Team]:
    crew = team(serve.url, serve.admin_code)
    yield crew
    crew.close()


def example(name: str, kind: type[Any]) -> Any:
    return decode_json((EXAMPLES / "protocols" / name).read_bytes(), kind)


def stored(serve: RunningServe, stream: str = "") -> int:
    return len(read_stream(session_url(), stream or serve.stream))


def test_activation_is_single_use_and_login_needs_password_and_totp(
    serve: RunningServe, people: Team
) -> None:
    """The slip works once; a wrong password or TOTP code fails the same way; the events of the
    accounts stream never reach the election stream."""
    again = TallyClient(serve.url).activate("admin", serve.admin_code, PASSWORD)
    assert "refused" == again.status
    stranger = TallyClient(serve.url)
    assert (
        "failed"
        == stranger.login("operator", "wrong password!", code(people.operator.secret)).status
    )
    assert "failed" == stranger.login("operator", PASSWORD, "000000").status
    election = read_stream(session_url(), serve.stream)
    assert not [m for m in election if m.headers["Tally-Type"].startswith("account.")]
    accounts = read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    assert {"account.created.v1", "account.activated.v1", "account.logged_in.v1"} <= {
        m.headers["Tally-Type"] for m in accounts
    }
    assert all(b"correct horse" not in m.data and PASSWORD.encode() not in m.data for m in accounts)


def test_a_totp_code_is_accepted_once(serve: RunningServe, people: Team) -> None:
    """Logging in again with the code just used is refused (no replay)."""
    secret = people.admin.secret
    fresh = TallyClient(serve.url)
    assert "ok" == fresh.login("admin", PASSWORD, code(secret, 1)).status
    replay = TallyClient(serve.url)
    assert "failed" == replay.login("admin", PASSWORD, code(secret, 1)).status


def test_an_operator_is_refused_everywhere_but_their_precincts(
    serve: RunningServe, people: Team
) -> None:
    """Every write endpoint, for a foreign precinct and a foreign gmina: 403, nothing written,
    each refusal recorded as a security event."""
    operator = people.operator.client
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    turnout: ReportTurnout = example("turnout-precinct-2-1200.json", ReportTurnout)
    content = submission.content
    foreign = [
        msgspec.structs.replace(submission.key, precinct=3),
        msgspec.structs.replace(submission.key, teryt="306499", contest="mayor:306499"),
    ]
    before, before_security = stored(serve), _security_events(serve)
    for key in foreign:
        turnout_key = msgspec.structs.replace(turnout.key, teryt=key.teryt, precinct=key.precinct)
        bodies = {
            "/v1/protocols": SubmitProtocol(key=key, content=content),
            "/v1/protocols/corrections": CorrectProtocol(key=key, content=content, reason="x"),
            "/v1/protocols/validations": SubmitProtocol(key=key, content=content),
            "/v1/protocols/confirmations": ConfirmProtocol(key=key, control_code="X"),
            "/v1/protocols/approvals": ApproveHardWarnings(key=key, control_code="X"),
            "/v1/protocols/confirmation-withdrawals": WithdrawConfirmation(key=key, reason="x"),
            "/v1/protocols/rejections": RejectProtocol(key=key, reason="x"),
            "/v1/proxy/protocols": SubmitProtocol(key=key, content=content),
            "/v1/proxy/protocols/corrections": CorrectProtocol(
                key=key, content=content, reason="x"),
            "/v1/turnout-reports": ReportTurnout(key=turnout_key, report=turnout.report),
            "/v1/turnout-reports/corrections": CorrectTurnout(key=turnout_key,
                                                              report=turnout.report, reason="x"),
        }  # fmt: skip
        for path, body in bodies.items():
            response = httpx.post(f"{serve.url}{path}", content=msgspec.json.encode(body),
                                  headers={"Authorization": f"Bearer {operator.token}",
                                           "content-type": "application/json"})  # fmt: skip
            assert 403 == response.status_code, (path, response.text)
        read = httpx.get(
            f"{serve.url}/v1/protocols/{key.election}/{key.teryt}/{key.precinct}/{key.contest}/0/1",
            headers={"Authorization": f"Bearer {operator.token}"},
        )
        assert 403 == read.status_code
    assert before == stored(serve)
    assert before_security + 2 * 12 == _security_events(serve)
    assert "accepted" == operator.submit(submission.key, submission.content).status


def _security_events(serve: RunningServe) -> int:
    accounts = read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    return sum(m.headers["Tally-Type"] == "security.event_recorded.v1" for m in accounts)


@pytest.mark.usefixtures("serve")
def test_vouching_commands_need_a_fresh_totp_proof(people: Team) -> None:
    """Past the step-up window a confirmation is refused until a new TOTP code is proven."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    outcome = people.operator.client.submit(submission.key, submission.content)
    coordinator = people.coordinator
    time.sleep(2.2)  # TALLY_STEP_UP_S=2 for this server
    refused = coordinator.client.confirm(submission.key, control_code=outcome.control_code)
    assert ["auth.step_up_required"] == [p.rule for p in refused.problems]
    assert "failed" == coordinator.client.step_up("123456").status
    assert "ok" == coordinator.client.step_up(code(coordinator.secret, 1)).status
    confirmed = coordinator.client.confirm(submission.key, control_code=outcome.control_code)
    assert "confirmed" == confirmed.state


def test_brute_force_locks_the_account_until_a_coordinator_unlocks_it(
    serve: RunningServe, people: Team
) -> None:
    """Ten failures lock the account (even the right password then fails); growing delays come
    before; the coordinator unlocks it."""
    attacker = TallyClient(serve.url)
    answers = []
    for _ in range(12):
        answer = attacker.login("operator", "guessed password", "000000")
        while answer.status == "throttled":
            time.sleep(answer.retry_after_s * 0.05 + 0.02)
            answer = attacker.login("operator", "guessed password", "000000")
        answers.append(answer.status)
    assert {"failed"} == set(answers)
    time.sleep(0.5)  # failures are recorded after answering
    right = TallyClient(serve.url).login("operator", PASSWORD, code(people.operator.secret, 1))
    assert right.status in {"failed", "throttled"}
    assert "ok" == people.coordinator.client.unlock_account("operator").status
    back = TallyClient(serve.url).login("operator", PASSWORD, code(people.operator.secret, 1))
    assert "ok" == back.status
    kinds = [
        m.headers["Tally-Type"] for m in read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    ]
    locking = [kind for kind in kinds if kind in ("account.locked.v1", "account.unlocked.v1")]
    assert ["account.locked.v1", "account.unlocked.v1"] == locking


def test_the_registry_lists_a_gminas_accounts_as_they_change(
    serve: RunningServe, people: Team
) -> None:
    """``GET /v1/accounts?gmina=``: each account with its precincts, whether it is activated,
    locked, when it last logged in; a reset shows at once; a coordinator reads only their own
    gmina (also when they name none), an operator nothing, an admin any gmina."""
    coordinator = people.coordinator.client
    first = coordinator.accounts(GMINA)
    assert first.registry is not None, first
    rows = {row.login: row for row in first.registry.accounts}
    assert {"koordynator", "operator"} == set(rows)
    operator = rows["operator"]
    assert ("operator", (2,), "active") == (operator.role, operator.precincts, operator.status)
    assert operator.last_login_at
    assert operator.activated_at
    assert not operator.activation_expires_at
    created = coordinator.create_account(
        CreateAccount(
            login="nowy", role=Role.OPERATOR, display_name="Nowy", gmina=GMINA, precincts=(1, 3)
        )
    )
    assert created.slip is not None
    assert "forbidden" == people.operator.client.accounts(GMINA).status
    assert "ok" == coordinator.reset_account("operator").status  # its sessions end
    assert "unauthenticated" == people.operator.client.accounts(GMINA).status
    after = coordinator.accounts()
    assert after.registry is not None
    assert after.registry.position > first.registry.position
    now = {row.login: row for row in after.registry.accounts}
    assert ("pending-activation", (1, 3)) == (now["nowy"].status, now["nowy"].precincts)
    assert now["nowy"].activation_expires_at
    assert now["nowy"].created_by == "account:koordynator"
    assert "pending-activation" == now["operator"].status
    assert not now["operator"].activated_at
    refusals = _security_events(serve)
    assert "forbidden" == coordinator.accounts("306499").status
    assert refusals + 1 == _security_events(serve)
    everyone = people.admin.client.accounts()
    assert everyone.registry is not None
    assert {"admin", "koordynator", "operator", "nowy"} <= {
        row.login for row in everyone.registry.accounts
    }


@pytest.mark.usefixtures("people")
def test_unknown_accounts_get_the_same_answer_in_the_same_time(serve: RunningServe) -> None:
    """A failed login for a real account and for a made-up one: same status, similar time."""

    def timed(login: str) -> tuple[str, float]:
        while True:
            started = time.perf_counter()
            answer = httpx.post(
                f"{serve.url}/v1/auth/login",
                json={"login": login, "password": "wrong password", "totp": "123456"},
            )
            elapsed = time.perf_counter() - started
            if answer.status_code != 429:  # the address's own backoff: wait it out, then measure
                return f"{answer.status_code} {answer.json()['reason']}", elapsed
            time.sleep(0.05)

    known, unknown = [], []
    for _ in range(4):
        known.append(timed("koordynator"))
        unknown.append(timed("nobody-here"))
    assert {"401 login failed"} == {a for a, _ in known} | {a for a, _ in unknown}
    ratio = statistics.median(t for _, t in known) / statistics.median(t for _, t in unknown)
    assert 0.5 < ratio < 2.0, ratio


def test_a_revoked_session_is_refused_on_every_gateway(
    serve: RunningServe, people: Team, tmp_path: Path
) -> None:
    """Sessions live in NATS KV: a second gateway honours them, and a logout (or a reset) ends
    them everywhere."""
    port = free_port()
    second = ServeProcess(tmp_path / "second", cli_env(
        NATS_URL=session_url(), NATS_STREAM=serve.stream, TALLY_SECRET_KEYS=TEST_KEYS,
        TALLY_PASSWORD_HASH="fast"), "--only", "gateway", "--http-port", str(port))  # fmt: skip
    try:
        other = second.wait_for("serve.ready")["gateway_url"]
        submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
        operator = people.operator.client
        with TallyClient(other, token=operator.token) as there:
            assert (
                "refused" != there.validate(submission.key, submission.content).__class__.__name__
            )
            assert "ok" == operator.logout().status
            response = httpx.post(f"{other}/v1/protocols/validations",
                                  content=msgspec.json.encode(submission),
                                  headers={"Authorization": f"Bearer {there.token}",
                                           "content-type": "application/json"})  # fmt: skip
            assert 401 == response.status_code
        coordinator_token = people.coordinator.client.token
        people.admin.client.reset_account("koordynator")
        response = httpx.get(f"{other}/v1/protocols/przyklad-2026/302199/2/mayor:302199/0/1",
                             headers={"Authorization": f"Bearer {coordinator_token}"})  # fmt: skip
        assert 401 == response.status_code
    finally:
        second.process.terminate()
        second.finish()


def test_coordinators_manage_only_operators_of_their_gmina(people: Team) -> None:
    """A coordinator cannot create another coordinator nor an operator elsewhere; an operator
    creates nobody."""
    coordinator = people.coordinator.client
    elsewhere = CreateAccount(login="obcy", role=Role.OPERATOR, display_name="Obcy",
                              gmina="306499", precincts=(1,))  # fmt: skip
    assert "forbidden" == coordinator.create_account(elsewhere).status
    peer = CreateAccount(login="drugi", role=Role.COORDINATOR, display_name="Drugi",
                         gmina="302199")  # fmt: skip
    assert "forbidden" == coordinator.create_account(peer).status
    operator_try = people.operator.client.create_account(peer)
    assert operator_try.status in {"forbidden", "invalid"}
