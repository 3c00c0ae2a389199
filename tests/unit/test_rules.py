"""One test per rule: it fires when broken, and stays silent at the edge where it still holds."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from domain.rules import RULES, profile_for, validate, validate_turnout
from domain.rules.forms import INVALID_VOTE_REASONS
from schemas.definition import PrecinctType
from schemas.protocol import CandidateVotes, ListVotes, Severity, TurnoutContent
from schemas.validation import Sibling, TurnoutContext
from tests.protocols import (
    candidate_context,
    council_context,
    council_lists,
    local_mayor,
    mayor_context,
    president_2015,
    president_2025,
    yes_no,
    yes_no_context,
)

if TYPE_CHECKING:
    from collections.abc import Callable

NO_POSTAL = {
    "packages_sent": 0, "envelopes_received": 0, "envelopes_no_statement": 0,
    "envelopes_unsigned_statement": 0, "envelopes_no_ballot_envelope": 0, "envelopes_unsealed": 0,
    "ballot_envelopes_in_box": 0, "ballots_from_envelopes": 0,
}  # fmt: skip
P15, P25, MAYOR, LISTS, YESNO = "p15", "p25", "mayor", "lists", "yesno"
BUILDERS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    P15: (president_2015, candidate_context),
    P25: (president_2025, candidate_context),
    MAYOR: (local_mayor, mayor_context),
    LISTS: (council_lists, council_context),
    YESNO: (yes_no, yes_no_context),
}


def council_sibling(district: int, **changes: Any) -> Sibling:
    content = msgspec.structs.replace(council_lists(), **changes)
    return Sibling(contest_kind="council", district=district, content=content)


def regional_sibling(kind: str, eligible_voters: int) -> Sibling:
    """A powiat or sejmik protocol of the precinct: Polish citizens only."""
    content = council_lists(
        eligible_voters=eligible_voters, eligible_voters_eu=None, ballots_issued_eu=None
    )
    return Sibling(contest_kind=kind, content=content)


def lists_with(number: int, **changes: Any) -> tuple[ListVotes, ...]:
    lists = council_lists().lists
    return tuple(msgspec.structs.replace(v, **changes) if v.number == number else v for v in lists)


CANDIDATES_3_STRUCK = {"ctx": {"struck_off": frozenset({3})}}
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # (code, base, change that breaks the rule, change at the edge where it still holds)
    ("R101", P15, {"ballots_unused": -1}, {"ballots_unused": 0}),
    ("R102", P15, {"eligible_voters": 499}, {"eligible_voters": 500}),
    ("R103", P15, {"eligible_voters": 519}, {"eligible_voters": 520}),
    ("R104", P15, {"proxy": 501}, {"proxy": 500}),
    ("R105", P15, {"ctx": {"precinct_type": PrecinctType.HOSPITAL}},
     {"proxy": 0, "ctx": {"precinct_type": PrecinctType.HOSPITAL}}),
    ("R106", P15, {"proxy": 491}, {"proxy": 490}),
    ("R107", P25, {"ballots_issued_total": 521}, {"ballots_issued_total": 520}),
    ("R110", P15, {"ballots_unused": 299}, {"ballots_unused": 300}),
    ("R111", P15, {"ballots_unused": 301}, {"ballots_unused": 300}),
    ("R112", P15, {"eligible_voters": 900}, {"eligible_voters": 901}),
    ("R113", P15, {"ballots_received": 1040}, {"ballots_received": 1039}),
    ("R114", P15, {"ballots_issued": 901}, {"ballots_issued": 900}),
    ("R115", P15, {"eligible_voters": 0}, {"eligible_voters": 1}),
    ("R116", P15, {"ballots_issued": 0}, {"ballots_issued": 1}),
    ("R117", P15, {"ballots_from_box": 0}, {"ballots_from_box": 1}),
    ("R118", P15, {"valid_ballots": 0}, {"valid_ballots": 1}),
    ("R119", P15, {"proxy": 500}, {"proxy": 499}),
    ("R120", P15, {"certificate": 500}, {"certificate": 499}),
    ("R121", P15, {"ballots_received": 881}, {"ballots_received": 880}),
    ("R122", P15, {"proxy": 10_000_001}, {"proxy": 10_000_000}),
    ("R123", P15, {"ballots_unused": 1101}, {"ballots_unused": 1100}),
    ("R201", P15, {"ctx": {"postal": False}}, {**NO_POSTAL, "ctx": {"postal": False}}),
    ("R202", P15, {"envelopes_received": 21}, {"envelopes_received": 20}),
    ("R203", P15, {"envelopes_no_statement": 18}, {"envelopes_no_statement": 17}),
    ("R204", P15, {"envelopes_unsealed": 18}, {"envelopes_unsealed": 17}),
    ("R205", P15, {"ballot_envelopes_in_box": 15}, {"ballot_envelopes_in_box": 14}),
    ("R206", P15, {"ballots_from_envelopes": 21}, {"ballots_from_envelopes": 20}),
    ("R207", P15, {"ballots_from_envelopes": 15}, {"ballots_from_envelopes": 14}),
    ("R208", P15, {"ballots_from_envelopes": 13}, {"ballots_from_envelopes": 14}),
    ("R301", P15, {"ballots_from_box": 515}, {}),
    ("R302", P15, {"invalid_votes": 5}, {}),
    ("R303", P25, {"invalid_votes_no_mark": 2}, {}),
    ("R304", P15, {"ballots_from_box": 515}, {}),
    ("R305", P15, {"ballots_from_box": 513}, {"ballots_from_box": 514}),
    ("R306", P15, {"ballots_from_box": 515}, {"ballots_from_box": 514}),
    ("R307", P15, {"invalid_ballots": 1}, {"invalid_ballots": 0}),
    ("R308", P15, {"invalid_ballots": 4}, {"invalid_ballots": 3}),
    ("R309", P15, {"invalid_ballots": 1, "invalid_votes": 0},
     {"invalid_ballots": 1, "invalid_votes": 1}),
    ("R310", P15, {"valid_ballots": 521}, {"valid_ballots": 520}),
    ("R311", P15, {"valid_ballots": 1001}, {"valid_ballots": 1000}),
    ("R401", P15, {"valid_votes": 511}, {}),
    ("R402", P15, {"candidates_total": 511}, {}),
    ("R403", P15, CANDIDATES_3_STRUCK,
     {**CANDIDATES_3_STRUCK, "candidates": (CandidateVotes(position=1, votes=300),
      CandidateVotes(position=2, votes=150), CandidateVotes(position=3, votes=0))}),
    ("R404", LISTS, {"lists": lists_with(1, total=311)}, {}),
    ("R405", LISTS, {"lists": lists_with(2, total=149)}, {"lists": lists_with(2, total=150)}),
    ("R406", LISTS, {"lists": lists_with(3, total=1)}, {}),
    ("R407", P15, {"candidates": (*president_2015().candidates,
                                  CandidateVotes(position=4, votes=0))}, {}),
    ("R408", YESNO, {"votes_yes": 401}, {}),
    ("R409", P15, {"candidates": president_2015().candidates[:2]}, {}),
    ("R410", LISTS, {"valid_votes": 511}, {}),
    ("R411", LISTS, {"lists": lists_with(1, candidates_total=311)}, {}),
    ("R501", MAYOR, {"ballots_issued_eu": 21}, {"ballots_issued_eu": 20}),
    ("R502", MAYOR, {"eligible_voters_eu": 600}, {"eligible_voters_eu": 508}),
    ("R503", MAYOR, {"eligible_voters_eu": 1001}, {"eligible_voters_eu": 1000}),
    ("R504", MAYOR, {"eligible_voters_eu": 500}, {"eligible_voters_eu": 499}),
    ("R505", MAYOR, {"eligible_voters_eu": 21}, {"eligible_voters_eu": 20}),
    ("R506", MAYOR, {"eligible_voters_eu": 19}, {"eligible_voters_eu": 20}),
    ("R507", MAYOR, {"ctx": {"contest_kind": "county-council"}},
     {"eligible_voters_eu": 0, "ballots_issued_eu": 0, "ctx": {"contest_kind": "county-council"}}),
    ("R601", MAYOR, {"ctx": {"siblings": (Sibling(contest_kind="senate",
                                                  content=local_mayor(eligible_voters=999)),)}},
     {"ctx": {"siblings": (Sibling(contest_kind="senate", content=local_mayor()),)}}),
    ("R602", MAYOR, {"ctx": {"council_districts": (1, 2), "siblings": (
        council_sibling(1, eligible_voters=600), council_sibling(2, eligible_voters=399))}},
     {"ctx": {"council_districts": (1, 2), "districts_without_vote": frozenset({2}),
              "siblings": (council_sibling(1, eligible_voters=600),)}}),
    ("R603", MAYOR, {"ctx": {"council_districts": (1,), "siblings": (
        council_sibling(1, ballots_issued=499),)}},
     {"ctx": {"council_districts": (1,), "siblings": (council_sibling(1),)}}),
    ("R604", MAYOR, {"ctx": {"council_districts": (1,), "siblings": (
        council_sibling(1, proxy=4),)}}, {}),
    ("R605", MAYOR, {"ctx": {"council_districts": (1,), "siblings": (
        council_sibling(1, packages_sent=19),)}}, {}),
    ("R606", MAYOR, {"ctx": {"council_districts": (1,), "siblings": (
        council_sibling(1, ballots_from_envelopes=13),)}}, {}),
    ("R607", MAYOR, {"ctx": {"siblings": (regional_sibling("county-council", 981),)}},
     {"ctx": {"siblings": (regional_sibling("county-council", 980),
                           regional_sibling("regional-assembly", 980))}}),
    ("R801", P15, {"ballots_issued_total": 520}, {}),
    ("R802", P15, {"voting_ended": dt.time(6, 59)}, {"voting_ended": dt.time(7)}),
]  # fmt: skip


def fired(base: str, changes: dict[str, Any]) -> set[str]:
    content_builder, context_builder = BUILDERS[base]
    changes = dict(changes)
    context = context_builder(**changes.pop("ctx", {}))
    content = content_builder(**changes)
    result = validate(content, context, profile_for("", content.form))
    return {finding.code for finding in result.findings}


@pytest.mark.parametrize(
    ("code", "base", "breaking", "edge"),
    [pytest.param(*case, id=case[0]) for case in CASES],
)
def test_rule_fires_when_broken_and_not_at_the_edge(
    code: str, base: str, breaking: dict[str, Any], edge: dict[str, Any]
) -> None:
    """The rule's code is among the findings of the broken protocol, not of the edge one."""
    assert code in fired(base, breaking)
    assert code not in fired(base, edge)


def test_districts_without_a_vote_leave_the_council_sums_short() -> None:
    """Where one of the precinct's council districts has no vote (art. 380), its voters get the
    mayor's ballot and no council ballot: fewer council ballots issued is no discrepancy."""
    short = {"council_districts": (1, 2), "districts_without_vote": frozenset({2}),
             "siblings": (council_sibling(1, ballots_issued=300, proxy=3),)}  # fmt: skip
    assert {"R603", "R604"}.isdisjoint(fired(MAYOR, {"ctx": short}))
    whole = {"council_districts": (1,), "siblings": (council_sibling(1, ballots_issued=300),)}
    assert "R603" in fired(MAYOR, {"ctx": whole})


def test_separate_precincts_may_count_more_voters_the_higher_the_tier() -> None:
    """A hospital's patients may live outside the gmina (C3): gmina ≤ powiat ≤ sejmik holds."""
    hospital = {"precinct_type": PrecinctType.HOSPITAL}
    ordered = (regional_sibling("county-council", 990), regional_sibling("regional-assembly", 995))
    assert "R607" not in fired(MAYOR, {"ctx": {**hospital, "siblings": ordered}})
    reversed_ = (
        regional_sibling("county-council", 990),
        regional_sibling("regional-assembly", 985),
    )
    assert "R607" in fired(MAYOR, {"ctx": {**hospital, "siblings": reversed_}})
    assert "R607" in fired(MAYOR, {"ctx": {"siblings": ordered}})


def test_the_second_form_of_r407_and_r409_is_the_list_ballot() -> None:
    """An unknown list is refused, a missing list is missing."""
    extra = ListVotes(number=9, total=0, candidates=())
    assert "R407" in fired(LISTS, {"lists": (*council_lists().lists, extra)})
    assert "R409" in fired(LISTS, {"lists": council_lists().lists[:2]})


def test_impossible_numbers_name_the_field_that_holds_them() -> None:
    """2^63 votes for a candidate, or a list beyond the ballots: refused, naming the place."""
    content_builder, context_builder = BUILDERS[P15]
    huge = content_builder(candidates=(CandidateVotes(position=1, votes=2**63),
                                       *content_builder().candidates[1:]))  # fmt: skip
    findings = validate(huge, context_builder(), profile_for("", "2015")).findings
    beyond = [f for f in findings if f.code == "R122"]
    assert [("candidates[1]",)] == [f.fields for f in beyond]
    assert Severity.ERROR is beyond[0].severity
    assert "candidates[1]" in beyond[0].message_en


def test_a_reason_of_invalid_votes_left_blank_did_not_apply() -> None:
    """A "w tym" reason nobody had may be blank (PKW's 2020 runoff): the form is complete, and
    the reasons given add up to the invalid votes; with no breakdown at all there is no sum."""
    base = BUILDERS[P25][0]()
    assert base.invalid_votes is not None
    struck = base.invalid_votes_struck_off_only or 0
    blank = {"invalid_votes_struck_off_only": None,
             "invalid_votes_no_mark": (base.invalid_votes_no_mark or 0) + struck}  # fmt: skip
    assert {"R303", "R801"}.isdisjoint(fired(P25, blank))
    assert "R303" in fired(P25, {**blank, "invalid_votes_no_mark": base.invalid_votes_no_mark})
    nothing = dict.fromkeys(INVALID_VOTE_REASONS)
    assert {"R303", "R801"}.isdisjoint(fired(P25, nothing))


TURNOUT_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("R701", {"ballots_issued": 1001}, {"ballots_issued": 1000}),
    ("R702", {"eligible_voters": 899}, {"eligible_voters": 900}),
    ("R703", {"ballots_issued": 299}, {"ballots_issued": 300}),
    ("R704", {"eligible_voters": 999}, {"eligible_voters": 1000}),
    ("R705", {"ctx": {"precinct_type": PrecinctType.HOSPITAL}}, {}),
]


def turnout_fired(changes: dict[str, Any]) -> set[str]:
    changes = dict(changes)
    previous = TurnoutContent(hour=dt.time(12), eligible_voters=1000, ballots_issued=300)
    context = TurnoutContext(estimate=1000, previous=previous, **changes.pop("ctx", {}))
    report = TurnoutContent(
        **({"hour": dt.time(17), "eligible_voters": 1000, "ballots_issued": 600} | changes)
    )
    return {f.code for f in validate_turnout(report, context, profile_for("", "2025")).findings}


@pytest.mark.parametrize(
    ("code", "breaking", "edge"), [pytest.param(*case, id=case[0]) for case in TURNOUT_CASES]
)
def test_turnout_rule_fires_when_broken_and_not_at_the_edge(
    code: str, breaking: dict[str, Any], edge: dict[str, Any]
) -> None:
    """Turnout reports are judged by the R7xx rules alone."""
    assert code in turnout_fired(breaking)
    assert code not in turnout_fired(edge)
    assert set() == turnout_fired({})


def test_every_rule_has_a_test_case() -> None:
    """A rule added without its test fails here."""
    tested = {case[0] for case in CASES} | {case[0] for case in TURNOUT_CASES}
    assert set(RULES) == tested
