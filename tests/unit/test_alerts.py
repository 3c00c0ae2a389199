"""Each detector fires on a case built from real PKW data (2020, gmina Bolesławiec, committed in
tests/data) and stays silent on the untouched precincts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec

from projections import alerts, detectors
from projections.core import Event, MemoryView
from schemas import protocol_events as ev
from schemas.alert_events import AlertAcknowledged
from schemas.definition import PrecinctDefinition, UnitDefinition, UnitKind
from schemas.definition_events import UnitDefined
from schemas.protocol import (
    CandidateVotes,
    Finding,
    ProtocolContent,
    RulesStamp,
    Severity,
    TurnoutContent,
)
from schemas.validation import ProtocolKey

DATA = Path(__file__).resolve().parents[1] / "data" / "pkw-2020-r1-boleslawiec.jsonl"
TERYT = "020101"
RULES = RulesStamp(version="t", profile="t")
DUDA, TRZASKOWSKI = 3, 9


def precincts() -> list[dict[str, Any]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()[1:]
    return [json.loads(line) for line in lines if json.loads(line)["type"] == "stały"]


def content(record: dict[str, Any], **changes: Any) -> ProtocolContent:
    numbers = {k: v for k, v in record.items() if k not in ("precinct", "type", "candidates")}
    votes = changes.pop("candidates", record["candidates"])
    candidates = tuple(CandidateVotes(position=n, votes=v) for n, v in enumerate(votes, 1))
    body = msgspec.convert({"form": "2020", **numbers, **changes}, ProtocolContent)
    return msgspec.structs.replace(body, candidates=candidates)


class Log:
    """Events folded into the alerts view, one by one, as the runner would."""

    def __init__(self) -> None:
        self.view = MemoryView()
        self.seq = 0

    def add(self, tag: str, aggregate: str, data: Any, **routing: str) -> None:
        self.seq += 1
        event = Event(seq=self.seq, tag=tag, aggregate_id=aggregate, routing=routing, data=data)
        self.view.commit(alerts.apply(self.view, event), self.seq)

    def submit(
        self,
        precinct: int,
        body: ProtocolContent,
        *,
        contest: str = "president:PL",
        round_number: int = 1,
        findings: tuple[Finding, ...] = (),
        district: int = 0,
    ) -> str:
        key = ProtocolKey(
            election="p-2020",
            teryt=TERYT,
            precinct=precinct,
            contest=contest,
            district=district,
            round=round_number,
        )
        aggregate = f"{contest}/{district}/{round_number}/{precinct}"
        self.add(
            "protocol.submitted.v1",
            aggregate,
            ev.ProtocolSubmitted(
                key=key, content=body, control_code="C", findings=findings, rules=RULES
            ),
        )
        return aggregate

    def alerts(self, state: str = "open") -> list[dict[str, Any]]:
        return [
            row
            for (table, _), row in self.view.rows.items()
            if table == alerts.ALERTS and row["state"] == state
        ]

    def kinds(self) -> set[tuple[str, Any]]:
        return {(row["kind"], row["precinct"]) for row in self.alerts()}


def clean_round(log: Log) -> list[dict[str, Any]]:
    records = precincts()
    for record in records:
        log.submit(record["precinct"], content(record))
    return records


def test_the_real_gmina_raises_no_alert() -> None:
    """Twenty standard precincts of a real gmina, as published: silence."""
    log = Log()
    clean_round(log)
    assert set() == log.kinds()


def test_a_typed_1481_certificates_is_implausible() -> None:
    """The 2023 Grabówka mistake, planted in a real precinct."""
    log = Log()
    records = clean_round(log)
    first = records[0]
    log.submit(first["precinct"], content(first, certificate=1481), contest="senate:PL")
    assert ("implausible-number", first["precinct"]) in log.kinds()


def test_a_precinct_far_from_its_gmina_is_an_outlier() -> None:
    """A candidate's share cut to a tenth in one precinct stands out against the others."""
    log = Log()
    records = clean_round(log)
    odd = records[5]
    votes = list(odd["candidates"])
    moved = votes[DUDA - 1] - votes[DUDA - 1] // 10
    votes[DUDA - 1] -= moved
    votes[TRZASKOWSKI - 1] += moved
    log.add(
        "protocol.corrected.v1",
        f"president:PL/0/1/{odd['precinct']}",
        ev.ProtocolCorrected(
            version=2,
            content=content(odd, candidates=votes),
            control_code="C",
            findings=(),
            rules=RULES,
            reason="r",
        ),
    )
    flagged = {p for kind, p in log.kinds() if kind == "outlier"}
    assert {f"{odd['precinct']}/0"} == flagged


def runoff_votes(record: dict[str, Any]) -> list[int]:
    """A plausible runoff: the two finalists keep their first-round proportion."""
    duda, rafal = record["candidates"][DUDA - 1], record["candidates"][TRZASKOWSKI - 1]
    total = record["valid_votes"]
    a = round(total * duda / (duda + rafal))
    votes = [0] * 11
    votes[DUDA - 1], votes[TRZASKOWSKI - 1] = a, total - a
    return [v for n, v in enumerate(votes, 1) if n in (DUDA, TRZASKOWSKI)]


def test_swapped_runoff_candidates_are_caught_though_every_sum_balances() -> None:
    """One precinct's two numbers swapped (as in 2025): flagged; its neighbours are not. (A swap
    in a precinct split 50/50 changes little and cannot be told apart; the clearest one is.)"""
    log = Log()
    records = clean_round(log)

    def margin(record: dict[str, Any]) -> float:
        duda, rafal = record["candidates"][DUDA - 1], record["candidates"][TRZASKOWSKI - 1]
        return abs(duda - rafal) / (duda + rafal)

    swapped_precinct = max(records, key=margin)["precinct"]
    for record in records:
        a, b = runoff_votes(record)
        if record["precinct"] == swapped_precinct:
            a, b = b, a
        body = msgspec.structs.replace(
            content(record),
            candidates=(
                CandidateVotes(position=DUDA, votes=a),
                CandidateVotes(position=TRZASKOWSKI, votes=b),
            ),
        )
        log.submit(record["precinct"], body, round_number=2)
    assert {("runoff-swap", f"{swapped_precinct}/0")} == {
        k for k in log.kinds() if k[0] == "runoff-swap"
    }


def test_turnout_and_contest_comparisons() -> None:
    """Ballots issued below a turnout report, 50 % / 80 % of the delivered ballots issued, and
    issued differing between two contests of the precinct."""
    log = Log()
    record = precincts()[0]
    number = record["precinct"]
    unit = UnitDefinition(
        teryt=TERYT,
        name="Bolesławiec",
        kind=UnitKind.URBAN,
        precincts=(
            PrecinctDefinition(
                number=number, address="x", ballots_planned=record["ballots_received"]
            ),
        ),
    )
    log.add("unit.defined.v1", "unit", UnitDefined(election="p-2020", unit=unit), election="p-2020")
    log.add(
        "turnout.opened.v1",
        "t",
        ev.TurnoutOpened(election="p-2020", teryt=TERYT, precinct=number, round=1),
    )
    report = TurnoutContent(
        hour=dt.time(17),
        eligible_voters=record["eligible_voters"],
        ballots_issued=record["ballots_issued"] + 50,
    )
    log.add(
        "turnout.reported.v1",
        "t",
        ev.TurnoutReported(
            report=report,
            findings=(),
            rules=RULES,
            received_at=dt.datetime(2020, 6, 28, 15, tzinfo=dt.UTC),
            late=False,
        ),
    )
    assert {("ballot-stock", number)} <= log.kinds()
    log.submit(number, content(record))
    log.submit(
        number, content(record, ballots_issued=record["ballots_issued"] - 3), contest="senate:PL"
    )
    kinds = {kind for kind, _ in log.kinds()}
    assert {"issued-below-turnout", "issued-differs", "ballot-stock"} <= kinds


def test_warnings_hard_warnings_corrections_and_acknowledgement() -> None:
    """An explained warning is listed; a hard warning stays open until approved; a correction
    after confirmation is flagged; a coordinator's acknowledgement is recorded on the alert."""
    log = Log()
    record = precincts()[0]
    warning = Finding(
        code="R307",
        severity=Severity.WARNING,
        fields=("invalid_ballots",),
        message_pl="",
        message_en="invalid ballots",
    )
    hard = Finding(
        code="R111",
        severity=Severity.HARD_WARNING,
        fields=("ballots_unused",),
        message_pl="",
        message_en="ballots from nowhere",
    )
    body = content(record, explanations={"R307": "karta przedarta"})
    aggregate = log.submit(record["precinct"], body, findings=(warning, hard))
    assert {"warning-accepted", "hard-warning"} == {kind for kind, _ in log.kinds()}
    log.add(
        "protocol.hard_warnings_approved.v1",
        aggregate,
        ev.HardWarningsApproved(version=1, control_code="C", codes=("R111",)),
    )
    assert {"warning-accepted"} == {kind for kind, _ in log.kinds()}
    log.add(
        "protocol.confirmed.v1",
        aggregate,
        ev.ProtocolConfirmed(version=1, control_code="C", method="control-code"),
    )
    log.add(
        "protocol.corrected.v1",
        aggregate,
        ev.ProtocolCorrected(
            version=2,
            content=content(record),
            control_code="D",
            findings=(),
            rules=RULES,
            reason="r",
            confirmation_withdrawn=True,
        ),
    )
    (flagged,) = [row for row in log.alerts() if row["kind"] == "corrected-after-confirmation"]
    log.add(
        "alert.acknowledged.v1",
        "ack",
        AlertAcknowledged(alert=flagged["key"], note="OKW called back"),
    )
    (acknowledged,) = log.alerts("acknowledged")
    assert ("OKW called back", [4, 5]) == (acknowledged["note"], acknowledged["events"])


def split_precinct(log: Log, record: dict[str, Any], *, second_issued_delta: int = 0) -> None:
    """A precinct voting in two council districts: each district counts part of its voters."""
    eligible, issued = record["eligible_voters"], record["ballots_issued"]
    first = {"eligible_voters": eligible // 2, "ballots_issued": issued // 2}
    second = {
        "eligible_voters": eligible - eligible // 2,
        "ballots_issued": issued - issued // 2 + second_issued_delta,
    }
    log.submit(record["precinct"], content(record, **first), contest=f"council:{TERYT}",
               district=1)  # fmt: skip
    assert set() == log.kinds()  # one district in: nothing to compare yet
    log.submit(record["precinct"], content(record, **second), contest=f"council:{TERYT}",
               district=2)  # fmt: skip


def test_council_districts_of_a_precinct_are_added_up_before_comparing() -> None:
    """Two districts' parts that add up to the mayor's numbers raise nothing; parts that add up
    to two ballots more are an issued-differs alert."""
    record = precincts()[0]
    log = Log()
    log.submit(record["precinct"], content(record), contest=f"mayor:{TERYT}")
    split_precinct(log, record)
    assert set() == log.kinds()
    log = Log()
    log.submit(record["precinct"], content(record), contest=f"mayor:{TERYT}")
    split_precinct(log, record, second_issued_delta=2)
    assert {("issued-differs", record["precinct"])} == log.kinds()


def test_contests_above_the_gmina_count_polish_citizens_only() -> None:
    """The rada powiatu's protocol counts no EU citizens: ballots issued to Polish citizens
    are compared, and it is never held against a turnout report that counts everyone."""
    record = precincts()[0]
    issued = record["ballots_issued"]
    log = Log()
    log.submit(record["precinct"], content(record, ballots_issued_eu=3, eligible_voters_eu=5),
               contest=f"mayor:{TERYT}")  # fmt: skip
    log.submit(record["precinct"], content(record, ballots_issued=issued - 3),
               contest="county-council:0201", district=1)  # fmt: skip
    assert set() == log.kinds()
    log.submit(record["precinct"], content(record, ballots_issued=issued - 4),
               contest="regional-assembly:02", district=1)  # fmt: skip
    assert {("issued-differs", record["precinct"])} == log.kinds()


def test_single_member_districts_are_compared_on_their_own_ballot() -> None:
    """Candidate 1 of one single-member district is another person than candidate 1 of the
    next: wildly different shares across districts are no outlier."""
    log = Log()
    for district, record in enumerate(precincts(), start=1):
        total = record["valid_votes"]
        first = total * (district % 10) // 10
        body = content(record, candidates=[first, total - first], candidates_total=total)
        log.submit(record["precinct"], body, contest=f"council:{TERYT}", district=district)
    assert set() == {kind for kind, _ in log.kinds()} - {"implausible-number"}


def test_every_detector_says_its_finding_in_polish_too() -> None:
    """The coordinator's pages read alerts in Polish: no detector leaves its Polish text empty."""
    found = [
        *detectors.implausible({"ballots_issued": 100, "proxy": 50}),
        *detectors.ballot_stock(90, 100),
        detectors.swapped(
            {"c.1": 0.6, "c.2": 0.4},
            {"c.1": 0.3, "c.2": 0.7},
            {"c.1": 0.6, "c.2": 0.4},
            ("c.1", "c.2"),
        ),
    ]
    assert len(found) == 4
    for finding in found:
        assert finding is not None
        assert finding.message_pl
        assert finding.message_pl != finding.message
