"""The HTTP API end to end: a real `tally serve` (commands + gateway) on a real nats-server."""

from __future__ import annotations

import concurrent.futures
import json
import time
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pytest

from domain.decoding import decode_json
from schemas.commands import CorrectProtocol, ReportTurnout, SubmitProtocol
from services.tools.client import TallyClient
from tests.accounts import Team, team
from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.gateway import RunningServe, running_serve
from tests.natsserver import session_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[RunningServe]:
    """A fresh stream (and example election) per test: each test owns precinct 2's protocols."""
    with running_serve(tmp_path) as running:
        yield running


@pytest.fixture
def people(serve: RunningServe) -> Iterator[Team]:
    crew = team(serve.url, serve.admin_code)
    yield crew
    crew.close()


@pytest.fixture
def client(people: Team) -> TallyClient:
    """The operator of precinct 2."""
    return people.operator.client


@pytest.fixture
def coordinator(people: Team) -> TallyClient:
    return people.coordinator.client


def example(name: str, kind: type[Any]) -> Any:
    return decode_json((EXAMPLES / "protocols" / name).read_bytes(), kind)


def stored(serve: RunningServe) -> int:
    return len(read_stream(session_url(), serve.stream))


def test_a_protocols_whole_life_over_http(client: TallyClient, coordinator: TallyClient) -> None:
    """Refused until explained, held until approved, corrected, confirmed by code (a wrong code
    refused), a blind entry's difference listed, re-corrected: all through the API."""
    submission = example("mayor-precinct-2.json", SubmitProtocol)
    key, clean = submission.key, submission.content
    torn = msgspec.structs.replace(clean, invalid_ballots=1, ballots_from_box=389)
    refused = client.submit(key, torn)
    assert "refused" == refused.status
    assert {"R304", "R307"} <= {p.rule for p in refused.problems}
    explained = msgspec.structs.replace(torn, explanations={"R304": "x", "R307": "przedarta"})
    held = client.submit(key, explained)
    assert ("accepted", "awaiting-approval") == (held.status, held.state)
    assert "accepted" == coordinator.approve(key, held.control_code).state
    corrected = client.correct(key, clean, "recount", expected_version=1)
    assert (2, "accepted") == (corrected.version, corrected.state)
    assert ["protocol.wrong_control_code"] == [
        p.rule for p in coordinator.confirm(key, control_code=held.control_code).problems
    ]
    assert "confirmed" == coordinator.confirm(key, control_code=corrected.control_code).state
    typed = msgspec.structs.replace(clean, ballots_issued=(clean.ballots_issued or 0) - 1)
    assert ["$.ballots_issued"] == [p.path for p in coordinator.confirm(key, entry=typed).problems]
    again = client.correct(key, msgspec.structs.replace(clean, proxy=1), "pełnomocnicy")
    assert (3, "accepted") == (again.version, again.state)
    view = client.protocol(key)
    assert view is not None
    assert [False, False, True] == [v.withdrew_confirmation for v in view.versions]


def test_a_retry_with_the_same_key_stores_nothing(serve: RunningServe, client: TallyClient) -> None:
    """Same Idempotency-Key and body: the first outcome again, marked replayed; nothing stored.
    Same key, another body: 409."""
    submission = example("mayor-precinct-2.json", SubmitProtocol)
    first = client.submit(submission.key, submission.content, idempotency_key="retry-1")
    count = stored(serve)
    second = client.submit(submission.key, submission.content, idempotency_key="retry-1")
    assert (first.sequence, False, True) == (second.sequence, first.replayed, second.replayed)
    assert count == stored(serve)
    changed = msgspec.structs.replace(submission.content, proxy=1)
    response = httpx.post(
        f"{serve.url}/v1/protocols",
        content=msgspec.json.encode(SubmitProtocol(key=submission.key, content=changed)),
        headers={
            "Idempotency-Key": "retry-1",
            "content-type": "application/json",
            "Authorization": f"Bearer {client.token}",
        },
    )
    assert 409 == response.status_code
    assert count == stored(serve)


def test_a_key_reused_for_another_protocol_is_a_conflict_and_racing_retries_agree(
    serve: RunningServe, client: TallyClient
) -> None:
    """The key recognised by the stream for another precinct's protocol: 409, nothing stored;
    the same request sent twice at once under one key: one event, the same answer to both."""
    submission = example("mayor-precinct-2.json", SubmitProtocol)
    first = client.submit(submission.key, submission.content, idempotency_key="shared-1")
    assert "accepted" == first.status
    count = stored(serve)
    elsewhere = msgspec.structs.replace(submission.key, contest="council:302199", district=2)
    council = example("council-precinct-2.json", SubmitProtocol)
    reused = client.submit(elsewhere, council.content, idempotency_key="shared-1")
    rules = [p.rule for p in reused.problems]
    assert ("conflict", ["idempotency.key_reused"]) == (reused.status, rules)
    assert count == stored(serve)
    correction = example("mayor-precinct-2-correction.json", CorrectProtocol)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(
            lambda _: TallyClient(str(client._http.base_url), token=client.token).correct(
                correction.key, correction.content, correction.reason,
                idempotency_key="race-1"), range(2)))  # fmt: skip
    assert {"accepted"} == {o.status for o in outcomes}
    assert 1 == len({o.sequence for o in outcomes})
    assert count + 1 == stored(serve)


def test_two_coordinators_at_once_one_wins_the_other_is_told_why(client: TallyClient) -> None:
    """Two corrections of version 1 at the same moment: exactly one becomes version 2."""
    submission = example("mayor-precinct-2.json", SubmitProtocol)
    assert "accepted" == client.submit(submission.key, submission.content).status
    contents = [msgspec.structs.replace(submission.content, proxy=n) for n in (0, 1)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(
            lambda c: TallyClient(str(client._http.base_url), token=client.token).correct(
                submission.key, c, "coordinator", expected_version=1), contents))  # fmt: skip
    assert ["accepted", "refused"] == sorted(o.status for o in outcomes)
    (loser,) = [o for o in outcomes if o.status == "refused"]
    assert loser.problems[0].rule in {"protocol.version_changed", "protocol.concurrent_change"}


def test_bad_input_is_a_4xx_naming_the_field(serve: RunningServe, client: TallyClient) -> None:
    """Unknown and mistyped fields (all of them), too large a body, unknown paths."""
    auth = {"Authorization": f"Bearer {client.token}"}
    body = json.loads((EXAMPLES / "protocols" / "mayor-precinct-2.json").read_text())
    body["content"]["eligble"] = 5
    body["key"]["precinct"] = "two"
    response = httpx.post(f"{serve.url}/v1/protocols", json=body, headers=auth)
    assert 400 == response.status_code
    paths = {p["path"] for p in response.json()["problems"]}
    assert {"$.content.eligble", "$.key.precinct"} <= paths
    huge = httpx.post(f"{serve.url}/v1/protocols", content=b"[" + b"1," * 600_000 + b"1]",
                      headers={"content-type": "application/json", **auth})  # fmt: skip
    assert 413 == huge.status_code
    assert 404 == httpx.get(f"{serve.url}/v1/nothing-here").status_code
    absent = "/v1/protocols/przyklad-2026/302199/2/council:302199/5/1"
    assert 404 == httpx.get(f"{serve.url}{absent}", headers=auth).status_code
    malformed = httpx.get(f"{serve.url}/v1/protocols/x/302199/2/mayor:x/0/1", headers=auth)
    assert 400 == malformed.status_code
    assert "$.contest" in {p["path"] for p in malformed.json()["problems"]}
    not_json = httpx.post(f"{serve.url}/v1/protocols", content=b"{",
                          headers={"content-type": "application/json", **auth})  # fmt: skip
    assert 400 == not_json.status_code


def test_proxy_entry_validation_turnout_and_documents(serve: RunningServe, people: Team) -> None:
    """A coordinator's proxy entry is recorded as such; validation writes nothing; turnout;
    the OpenAPI and AsyncAPI documents are served."""
    submission = example("mayor-precinct-2.json", SubmitProtocol)
    api = people.operator.client
    before = stored(serve)
    report = api.validate(submission.key, submission.content)
    assert "acceptable" == getattr(report, "acceptance", None)
    assert before == stored(serve)
    with TallyClient(serve.url, proxy=True, token=people.coordinator.client.token) as proxy:
        assert "accepted" == proxy.submit(submission.key, submission.content).status
    channels = [m.headers["Tally-Channel"] for m in read_stream(session_url(), serve.stream)]
    assert "proxy" == channels[-1]
    turnout = example("turnout-precinct-2-1200.json", ReportTurnout)
    assert "accepted" == api.report_turnout(turnout).status
    openapi = httpx.get(f"{serve.url}/v1/schema/openapi.json").json()
    assert "/v1/protocols/confirmations" in openapi["paths"]
    asyncapi = httpx.get(f"{serve.url}/v1/asyncapi.json").json()
    assert asyncapi["asyncapi"].startswith("3.")


def test_alerts_are_acknowledged_and_the_trail_shows_who_did_what(
    serve: RunningServe, client: TallyClient, coordinator: TallyClient
) -> None:
    """A correction after confirmation opens an alert; the coordinator acknowledges it with a
    note (an event); the audit trail lists the operator's and the coordinator's events."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    outcome = client.submit(submission.key, submission.content)
    coordinator.confirm(submission.key, control_code=outcome.control_code)
    fixed = msgspec.structs.replace(submission.content, proxy=1)
    assert "accepted" == client.correct(submission.key, fixed, "pełnomocnik").status
    auth = {"Authorization": f"Bearer {coordinator.token}"}
    query = {"election": "przyklad-2026", "gmina": "302199", "state": "open"}
    deadline = time.monotonic() + 5
    open_alerts: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not open_alerts:
        rows = httpx.get(f"{serve.url}/v1/views/alerts", params=query, headers=auth).json()["rows"]
        open_alerts = [r for r in rows if r["kind"] == "corrected-after-confirmation"]
        time.sleep(0.1)
    (alert,) = open_alerts
    body = {"key": {"teryt": "302199", "alert": alert["key"]}, "note": "OKW wezwana"}
    acknowledged = httpx.post(f"{serve.url}/v1/alerts/acknowledgements", json=body, headers=auth)
    assert 200 == acknowledged.status_code, acknowledged.text
    time.sleep(1)
    rows = httpx.get(
        f"{serve.url}/v1/views/alerts",
        headers=auth,
        params={"election": "przyklad-2026", "gmina": "302199"},
    ).json()["rows"]
    assert "acknowledged" == next(r for r in rows if r["key"] == alert["key"])["state"]
    trail = httpx.get(
        f"{serve.url}/v1/audit", headers=auth, params={"gmina": "302199", "format": "jsonl"}
    )
    entries = [json.loads(line) for line in trail.text.splitlines()]
    actors = {(e["actor"], e["event"]) for e in entries}
    assert ("account:operator", "protocol.corrected.v1") in actors
    assert ("account:koordynator", "alert.acknowledged.v1") in actors
    corrected = next(e for e in entries if e["event"] == "protocol.corrected.v1")
    assert {"proxy": [2, 1]} == corrected["changes"]
