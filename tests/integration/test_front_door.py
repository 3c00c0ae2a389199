"""The front door under attack (tests/attacks.py), and each of its defences on its own."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from schemas.accounts import CreateAccount, Role
from services.apps.election_load import load_file
from services.common.environment import environment
from tests import attacks
from tests.accounts import PASSWORD, Person, Team, code, created, team
from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.gateway import TEST_KEYS, RunningServe, running_serve
from tests.natsserver import session_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow
OWN, OTHER = attacks.OWN_GMINA, attacks.OTHER_GMINA


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[RunningServe]:
    data_dir = tmp_path / "front-door"
    data_dir.mkdir()
    with running_serve(data_dir) as running:
        with environment(
            NATS_URL=session_url(), NATS_STREAM=running.stream, TALLY_SECRET_KEYS=TEST_KEYS
        ):
            load_file(EXAMPLES / "miasto-przykladowo.json", data_dir=data_dir)
        yield running


def _example(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / "protocols" / name).read_text())
    return loaded


def _operator(admin: Person, url: str, login: str, gmina: str, precinct: int) -> Person:
    return created(
        admin,
        url,
        CreateAccount(
            login=login, role=Role.OPERATOR, display_name=login, gmina=gmina, precincts=(precinct,)
        ),
    )


def _submit_as(person: Person, teryt: str, precinct: int, candidates: int) -> None:
    """The example mayor protocol as this precinct's own operator sends it (warnings explained;
    candidates beyond the example's three get no votes)."""
    body = _example("mayor-precinct-2.json")
    body["key"] |= {"teryt": teryt, "precinct": precinct, "contest": f"mayor:{teryt}"}
    body["content"]["candidates"] += [{"position": n, "votes": 0} for n in range(4, candidates + 1)]
    headers = {"Authorization": f"Bearer {person.client.token}"}
    with httpx.Client(base_url=person.client.base_url, headers=headers) as client:
        judged = client.post("/v1/protocols/validations", json=body).json()
        body["content"]["explanations"] = {
            f["code"]: "Komisja sprawdziła"
            for f in judged["findings"]
            if f["severity"] == "warning"
        }
        answer = client.post("/v1/protocols", json=body)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def crew(serve: RunningServe) -> Iterator[tuple[Team, Person, Person]]:
    people = team(serve.url, serve.admin_code)
    colleague = _operator(people.admin, serve.url, "operator-3", OWN, 3)
    stranger = _operator(people.admin, serve.url, "operator-miasto-1", OTHER, 1)
    _submit_as(colleague, OWN, 3, candidates=3)
    _submit_as(stranger, OTHER, 1, candidates=4)
    yield people, colleague, stranger
    people.close()


def _bodies() -> dict[str, dict[str, Any]]:
    mayor = _example("mayor-precinct-2.json")
    key = mayor["key"]
    turnout = _example("turnout-precinct-2-1200.json")
    return {
        "/v1/protocols": mayor,
        "/v1/protocols/corrections": _example("mayor-precinct-2-correction.json"),
        "/v1/proxy/protocols": mayor,
        "/v1/proxy/protocols/corrections": _example("mayor-precinct-2-correction.json"),
        "/v1/protocols/confirmations": {"key": key, "control_code": "ABCD-EFGH"},
        "/v1/protocols/approvals": {"key": key, "control_code": "ABCD-EFGH"},
        "/v1/protocols/confirmation-withdrawals": {"key": key, "reason": "atak"},
        "/v1/protocols/rejections": {"key": key, "reason": "atak"},
        "/v1/turnout-reports": turnout,
        "/v1/turnout-reports/corrections": {**turnout, "reason": "atak"},
        "/v1/protocols/validations": mayor,
    }


def test_every_attack_class_is_refused_and_nothing_is_written(
    serve: RunningServe, crew: tuple[Team, Person, Person]
) -> None:
    """0 wrongly accepted, 0 server errors in each class; the election stream is as before the
    attacks (the step-up and login classes only add security events to the accounts stream)."""
    people, colleague, _ = crew
    _scoped_readers_get_their_gmina_only(serve, people)
    people.coordinator.client.step_up(code(people.coordinator.secret, 1))
    before = len(read_stream(session_url(), serve.stream))
    who = attacks.Attackers(
        url=serve.url,
        operator=str(people.operator.client.token),
        coordinator=str(people.coordinator.client.token),
        operator_login=people.operator.login,
        colleague=(colleague.login, PASSWORD, lambda: code(colleague.secret, 1)),
        bodies=_bodies(),
    )
    results = list(attacks.run(who))
    summary = {r.name: (r.attempts, r.wrongly_accepted, r.server_errors) for r in results}
    assert all(r.attempts for r in results), summary
    assert [(r.name, 0, 0) for r in results] == [
        (r.name, r.wrongly_accepted, r.server_errors) for r in results
    ], [e for r in results for e in r.examples[:5]]
    assert before == len(read_stream(session_url(), serve.stream))
    assert sum(r.attempts for r in results) > 500


def _scoped_readers_get_their_gmina_only(serve: RunningServe, people: Team) -> None:
    """The coordinator of Zielonka names it and gets Zielonka's rows; an admin gets both."""
    headers = {"Authorization": f"Bearer {people.coordinator.client.token}"}
    mine = httpx.get(
        f"{serve.url}/v1/views/progress?election=przyklad-2026&gmina={OWN}", headers=headers
    ).json()["rows"]
    assert mine
    assert {OWN} == {row["gmina"] for row in mine}
    admin = {"Authorization": f"Bearer {people.admin.client.token}"}
    both = httpx.get(f"{serve.url}/v1/views/progress?election=przyklad-2026", headers=admin).json()[
        "rows"
    ]
    assert {OWN, OTHER} == {row["gmina"] for row in both}


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[RunningServe, Team]]:
    with running_serve(tmp_path, TALLY_LOGIN_BACKOFF_S="0.05") as running:
        people = team(running.url, running.admin_code)
        yield running, people
        people.close()


def _security_events(serve: RunningServe, kind: str) -> int:
    accounts = read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    return sum(
        kind.encode() in m.data
        for m in accounts
        if m.headers["Tally-Type"] == "security.event_recorded.v1"
    )


def test_wrong_step_up_codes_are_throttled_then_lock_the_account(
    fresh: tuple[RunningServe, Team],
) -> None:
    """Like logins: 429 with Retry-After after three failures, locked at ten (its sessions end),
    a security event each."""
    serve, people = fresh
    client = people.operator.client
    statuses = []
    while len([s for s in statuses if s == "failed"]) < 10 and len(statuses) < 200:
        answer = client.step_up("000000")
        statuses.append(answer.status)
        if answer.status == "throttled":
            assert answer.retry_after_s >= 1
            time.sleep(0.05 * 2 ** min(len([s for s in statuses if s == "failed"]) - 3, 4))
    assert statuses[:3] == ["failed"] * 3
    assert "throttled" in statuses
    time.sleep(0.5)  # failures are recorded just after answering
    assert 10 == _security_events(serve, "step-up-failed")
    assert "unauthenticated" == client.step_up(code(people.operator.secret, 1)).status  # ended
    kinds = [
        m.headers["Tally-Type"] for m in read_stream(session_url(), f"{serve.stream}_ACCOUNTS")
    ]
    assert "account.locked.v1" in kinds


def test_a_trusted_proxy_names_the_client(tmp_path: Path) -> None:
    """With TALLY_TRUSTED_PROXIES the forwarded address counts: failures from one office do
    not throttle another's; without it the peer counts, whatever is forwarded (attacks.py)."""
    with running_serve(tmp_path, TALLY_TRUSTED_PROXIES="127.0.0.0/8") as serve:
        people = team(serve.url, serve.admin_code)
        for _ in range(4):
            httpx.post(
                f"{serve.url}/v1/auth/login",
                headers={"X-Forwarded-For": "10.1.1.1"},
                json={"login": "operator", "password": "wrong", "totp": "000000"},
            )
        throttled = httpx.post(
            f"{serve.url}/v1/auth/login",
            headers={"X-Forwarded-For": "10.1.1.1"},
            json={"login": "operator", "password": "wrong", "totp": "000000"},
        )
        assert 429 == throttled.status_code
        elsewhere = httpx.post(
            f"{serve.url}/v1/auth/login",
            headers={"X-Forwarded-For": "10.2.2.2"},
            json={
                "login": "koordynator",
                "password": PASSWORD,
                "totp": code(people.coordinator.secret, 1),
            },
        )
        assert 200 == elsewhere.status_code, elsewhere.text
        people.close()
