"""A protocol's whole life, and turnout reports, through the protocols application: on the
in-memory store (no server) and on JetStream, the same tests."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from domain.clock import ManualClock
from domain.decoding import decode_json
from schemas.commands import (
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    Outcome,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from services.apps.protocols import Protocols
from tests.definitions import EXAMPLES, OPERATOR
from tests.stores import KINDS, Store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from schemas.validation import ProtocolKey

PROXY = msgspec.structs.replace(OPERATOR, channel="proxy")
ROUND_1_NOON = dt.datetime(2026, 4, 12, 10, 5, tzinfo=dt.UTC)  # 12:05 in Warsaw (CEST)


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    store = Store.fresh(request.param)
    assert "recorded" == store.load(EXAMPLES / "gmina-zielonka.json").status
    return store


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(ROUND_1_NOON)


@pytest.fixture
def app(store: Store, clock: ManualClock) -> Iterator[Protocols]:
    application: Protocols = store.open(Protocols, clock=clock)
    yield application
    application.close()


def example(name: str, kind: type[Any]) -> Any:
    return decode_json((EXAMPLES / "protocols" / name).read_bytes(), kind)


def refused_rules(outcome: Outcome) -> list[str]:
    assert "refused" == outcome.status
    return [p.rule for p in outcome.problems]


def test_the_whole_life_of_a_protocol(app: Protocols, store: Store) -> None:
    """Warning refused until explained; hard warning blocks until approved; corrections are new
    versions; confirmation by code and by blind entry; a correction withdraws a confirmation."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    key: ProtocolKey = submission.key
    clean = submission.content
    torn = msgspec.structs.replace(clean, invalid_ballots=1, ballots_from_box=389)
    before = store.count()

    # A warning without the commission's explanation: refused, nothing written.
    outcome = app.handle(SubmitProtocol(key=key, content=torn), OPERATOR)
    assert {"R304", "R307"} <= set(refused_rules(outcome))
    assert before == store.count()

    # Explained: accepted, but the hard warning holds it until a coordinator approves.
    explained = msgspec.structs.replace(
        torn, explanations={"R304": "karta spoza spisu", "R307": "wyborca przedarł kartę"}
    )
    outcome = app.handle(SubmitProtocol(key=key, content=explained), OPERATOR)
    assert ("accepted", 1, "awaiting-approval") == (outcome.status, outcome.version, outcome.state)
    assert "R306" in {f.code for f in outcome.findings}
    first_code = outcome.control_code
    assert ["protocol.not_confirmable"] == refused_rules(
        app.handle(ConfirmProtocol(key=key, control_code=first_code), OPERATOR)
    )
    wrong = ApproveHardWarnings(key=key, control_code="0000-0000-0000")
    assert ["protocol.wrong_control_code"] == refused_rules(app.handle(wrong, PROXY))
    approved = app.handle(ApproveHardWarnings(key=key, control_code=first_code), PROXY)
    assert "accepted" == approved.state

    # A correction is version 2; version 1 stays.
    outcome = app.handle(CorrectProtocol(key=key, content=clean, reason="recount"), OPERATOR)
    assert (2, "accepted") == (outcome.version, outcome.state)
    second_code = outcome.control_code
    assert second_code != first_code

    # Confirm: a wrong code is refused, the right one confirms.
    bad = ConfirmProtocol(key=key, control_code=first_code)
    assert ["protocol.wrong_control_code"] == refused_rules(app.handle(bad, PROXY))
    good = ConfirmProtocol(key=key, control_code=second_code.lower().replace("-", " "))
    assert "confirmed" == app.handle(good, PROXY).state

    # Blind entry with one different number: refused, the difference listed.
    typed = msgspec.structs.replace(clean, ballots_unused=(clean.ballots_unused or 0) + 1)
    outcome = app.handle(ConfirmProtocol(key=key, entry=typed), PROXY)
    assert ["$.ballots_unused"] == [p.path for p in outcome.problems]
    assert ["protocol.blind_entry_differs"] == refused_rules(outcome)

    # Correcting again withdraws the confirmation, and says so.
    fixed = msgspec.structs.replace(clean, proxy=3)
    outcome = app.handle(CorrectProtocol(key=key, content=fixed, reason="pełnomocnicy"), OPERATOR)
    assert (3, "accepted") == (outcome.version, outcome.state)
    protocol = app.protocol(key)
    assert protocol is not None
    assert [False, False, True] == protocol.withdrawn_by_version

    # A fresh reader rebuilds exactly this from the stored events.
    reader: Protocols = store.open(Protocols)
    try:
        rebuilt = reader.protocol(key)
    finally:
        reader.close()
    assert rebuilt is not None
    assert (protocol.status, protocol.versions) == (rebuilt.status, rebuilt.versions)


def test_blind_entry_confirms_and_a_confirmation_can_be_withdrawn(
    app: Protocols, store: Store
) -> None:
    """Typed blind from the paper, identical numbers confirm; withdrawing needs a reason; a fresh
    reader sees the same."""
    submission: SubmitProtocol = example("council-precinct-2.json", SubmitProtocol)
    assert "accepted" == app.handle(submission, OPERATOR).status
    entry = msgspec.structs.replace(submission.content, explanations={})
    confirmed = app.handle(ConfirmProtocol(key=submission.key, entry=entry), PROXY)
    assert "confirmed" == confirmed.state
    withdraw = WithdrawConfirmation(key=submission.key, reason="")
    assert ["protocol.reason_required"] == refused_rules(app.handle(withdraw, PROXY))
    withdraw = WithdrawConfirmation(key=submission.key, reason="zły obwód")
    assert "accepted" == app.handle(withdraw, PROXY).state
    reader: Protocols = store.open(Protocols)
    try:
        rebuilt = reader.protocol(submission.key)
    finally:
        reader.close()
    assert rebuilt is not None
    assert ("accepted", "zły obwód") == (rebuilt.status.value, rebuilt.withdrawal.reason)


def test_a_rejected_protocol_moves_on_only_by_correction(app: Protocols) -> None:
    """Reject needs a reason; afterwards confirmation is refused until a new version arrives."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    code = app.handle(submission, OPERATOR).control_code
    key = submission.key
    assert ["protocol.reason_required"] == refused_rules(
        app.handle(RejectProtocol(key=key, reason=" "), PROXY)
    )
    assert "rejected" == app.handle(RejectProtocol(key=key, reason="nieczytelne"), PROXY).state
    assert ["protocol.not_confirmable"] == refused_rules(
        app.handle(ConfirmProtocol(key=key, control_code=code), PROXY)
    )
    correction: CorrectProtocol = example("mayor-precinct-2-correction.json", CorrectProtocol)
    assert "accepted" == app.handle(correction, OPERATOR).state


def test_commands_in_the_wrong_place_are_refused_by_field(app: Protocols, store: Store) -> None:
    """Unknown precinct, contest or district, a second submission, the wrong form: each names
    its field and rule, and nothing is written."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    before = store.count()
    cases = {
        "protocol.unknown_precinct": msgspec.structs.replace(submission.key, precinct=99),
        "protocol.unknown_contest": msgspec.structs.replace(submission.key, contest="mayor:0"),
        "protocol.no_districts": msgspec.structs.replace(submission.key, district=2),
        "protocol.no_runoff": msgspec.structs.replace(submission.key, round=2),
        "protocol.unknown_election": msgspec.structs.replace(submission.key, election="nope"),
    }
    for rule, key in cases.items():
        misplaced = SubmitProtocol(key=key, content=submission.content)
        assert [rule] == refused_rules(app.handle(misplaced, OPERATOR)), rule
    wrong_form = msgspec.structs.replace(submission.content, form="2025")
    assert "protocol.form_mismatch" in refused_rules(
        app.handle(SubmitProtocol(key=submission.key, content=wrong_form), OPERATOR)
    )
    council: SubmitProtocol = example("council-precinct-2.json", SubmitProtocol)
    elsewhere = msgspec.structs.replace(council.key, district=3)
    assert ["protocol.not_in_district"] == refused_rules(
        app.handle(SubmitProtocol(key=elsewhere, content=council.content), OPERATOR)
    )
    assert before == store.count()
    app.handle(submission, OPERATOR)
    assert ["protocol.already_submitted"] == refused_rules(app.handle(submission, OPERATOR))


def test_cross_protocol_rules_see_the_other_contests(app: Protocols) -> None:
    """The council protocol of the precinct disagreeing with the mayor's on eligible voters."""
    mayor: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    council: SubmitProtocol = example("council-precinct-2.json", SubmitProtocol)
    assert "accepted" == app.handle(mayor, OPERATOR).status
    off = msgspec.structs.replace(
        council.content, eligible_voters=(council.content.eligible_voters or 0) + 5
    )
    outcome = app.handle(SubmitProtocol(key=council.key, content=off), OPERATOR)
    assert "R602" in refused_rules(outcome)


def test_turnout_reports_on_time_late_early_and_corrected(
    app: Protocols, clock: ManualClock, store: Store
) -> None:
    """12:00 on time; 17:00 reported at 18:00 is late; an hour not yet come, an hour the round
    does not have and an error are refused; a correction needs a reason."""
    noon: ReportTurnout = example("turnout-precinct-2-1200.json", ReportTurnout)
    evening: ReportTurnout = example("turnout-precinct-2-1700.json", ReportTurnout)
    assert ["turnout.too_early"] == refused_rules(app.handle(evening, OPERATOR))
    on_time = app.handle(noon, OPERATOR)
    assert ("accepted", False) == (on_time.status, on_time.late)
    assert ["turnout.already_reported"] == refused_rules(app.handle(noon, OPERATOR))
    odd = msgspec.structs.replace(noon.report, hour=dt.time(13))
    assert ["turnout.unknown_hour"] == refused_rules(
        app.handle(ReportTurnout(key=noon.key, report=odd), OPERATOR)
    )
    clock.advance(dt.timedelta(hours=6))  # 18:05 in Warsaw
    too_many = msgspec.structs.replace(evening.report, ballots_issued=999)
    before = store.count()
    assert "R701" in refused_rules(app.handle(ReportTurnout(key=evening.key, report=too_many),
                                              OPERATOR))  # fmt: skip
    assert before == store.count()
    late = app.handle(evening, OPERATOR)
    assert ("accepted", True) == (late.status, late.late)
    fixed = msgspec.structs.replace(evening.report, ballots_issued=305)
    assert ["turnout.reason_required"] == refused_rules(
        app.handle(CorrectTurnout(key=evening.key, report=fixed), OPERATOR)
    )
    corrected = app.handle(CorrectTurnout(key=evening.key, report=fixed, reason="typo"), OPERATOR)
    assert "accepted" == corrected.status
    turnout = app.turnout("przyklad-2026", "302199", 2, 1)
    assert turnout is not None
    assert 305 == turnout.reports[dt.time(17)].report.ballots_issued
    assert turnout.reports[dt.time(17)].late


def test_a_completed_load_is_seen_by_the_very_next_command(
    app: Protocols, store: Store, tmp_path: Path
) -> None:
    """Definitions are cached between commands; a later file that adds a precinct (to the unit
    and to a council district) takes effect for the next command without a restart."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    assert "accepted" == app.handle(submission, OPERATOR).status  # the cache is warm now
    elsewhere = msgspec.structs.replace(submission.key, precinct=16)
    moved = SubmitProtocol(key=elsewhere, content=submission.content)
    assert ["protocol.unknown_precinct"] == refused_rules(app.handle(moved, OPERATOR))

    document = json.loads((EXAMPLES / "gmina-zielonka.json").read_text(encoding="utf-8"))
    unit = document["units"][0]
    unit["precincts"].append({**unit["precincts"][1], "number": 16})
    council = next(c for c in document["contests"] if c["kind"] == "council")
    council["districts"][0]["precincts"].append(f"{unit['teryt']}-16")
    later = tmp_path / "later.json"
    later.write_text(json.dumps(document), encoding="utf-8")
    assert "recorded" == store.load(later).status

    assert "accepted" == app.handle(moved, OPERATOR).status


def test_a_command_under_a_key_is_answered_again_from_the_log(app: Protocols, store: Store) -> None:
    """What a keyed command was answered is read back from its own events; the key with another
    request is a conflict, on the same protocol and on another one; nothing more is written."""
    submission: SubmitProtocol = example("mayor-precinct-2.json", SubmitProtocol)
    keyed = msgspec.structs.replace(OPERATOR, idempotency_key="k-1", request_hash="h-1")
    first = app.handle(submission, keyed)
    assert "accepted" == first.status
    again = app.recorded(submission, "k-1", "h-1")
    assert msgspec.structs.replace(first, replayed=True) == again
    assert app.recorded(submission, "k-2", "h-1") is None  # nothing under that key: run it
    other = app.recorded(submission, "k-1", "h-other")
    assert other is not None
    assert ("conflict", ["idempotency.key_reused"]) == (
        other.status,
        [p.rule for p in other.problems],
    )
    count = store.count()
    council: SubmitProtocol = example("council-precinct-2.json", SubmitProtocol)
    reused = app.handle(council, msgspec.structs.replace(keyed, request_hash="h-council"))
    assert ("conflict", ["idempotency.key_reused"]) == (
        reused.status,
        [p.rule for p in reused.problems],
    )
    assert count == store.count()
