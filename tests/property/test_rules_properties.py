"""Properties of the rule catalogue over generated protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.controlcode import canonical_encoding, control_code
from domain.rules import RULES, profile_for, validate
from domain.rules.forms import POINTS
from schemas.definition import PrecinctType
from schemas.protocol import COUNT_FIELDS, CandidateVotes, ListVotes, ProtocolContent
from schemas.validation import BallotList, RuleContext

EQUALITY_RULES = ("R107", "R110", "R111", "R301", "R302", "R303", "R304", "R305", "R306",
                  "R207", "R208", "R401", "R402", "R404", "R408", "R410")  # fmt: skip
"""Rules that together demand equalities: a changed field they read always breaks one."""


def _split(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` non-negative numbers."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def consistent(draw: st.DrawFn) -> tuple[ProtocolContent, RuleContext]:
    form = draw(st.sampled_from(sorted(POINTS)))
    fields = POINTS[form]
    shape = draw(st.sampled_from(["candidates", "lists", "yes-no"] if form == "2024"
                                 else ["candidates"]))  # fmt: skip
    kind = {"lists": "council", "yes-no": "mayor"}.get(shape, "president")
    precinct_type = draw(st.sampled_from([PrecinctType.STANDARD, PrecinctType.HOSPITAL]))
    postal = draw(st.booleans())
    eligible = draw(st.integers(50, 3000))
    issued = draw(st.integers(1, eligible * 9 // 10))
    certificate = 0
    if "certificate" in fields:
        certificate = draw(st.integers(0, min(eligible // 20, issued - 1)))
    proxy = 0
    if precinct_type is PrecinctType.STANDARD:
        proxy = draw(st.integers(0, max(0, issued - certificate - 1)))
    estimate = eligible - certificate
    received = draw(st.integers(max(issued, -(-65 * estimate // 100)), 105 * estimate // 100))
    packages = envelopes = in_box = 0
    faults = [0, 0, 0, 0]
    if postal:
        packages = draw(st.integers(0, eligible - issued))
        envelopes = draw(st.integers(0, packages))
        faults = [*_split(draw, draw(st.integers(0, envelopes)), 2),
                  *_split(draw, draw(st.integers(0, envelopes)), 2)]  # fmt: skip
        in_box = draw(st.integers(0, max(0, envelopes - sum(faults))))
        if envelopes - sum(faults) < 0:
            faults = [0, 0, 0, 0]
    valid_ballots = issued + in_box
    invalid_votes = draw(st.integers(0, valid_ballots))
    valid_votes = valid_ballots - invalid_votes
    values: dict[str, Any] = {
        "eligible_voters": eligible, "ballots_received": received,
        "ballots_unused": received - issued,
        "ballots_issued": issued,
        "proxy": proxy, "certificate": certificate, "packages_sent": packages,
        "ballots_issued_total": issued + packages, "envelopes_received": envelopes,
        "envelopes_no_statement": faults[0], "envelopes_unsigned_statement": faults[1],
        "envelopes_no_ballot_envelope": faults[2], "envelopes_unsealed": faults[3],
        "ballot_envelopes_in_box": in_box, "ballots_from_box": valid_ballots,
        "ballots_from_envelopes": in_box, "invalid_ballots": 0, "valid_ballots": valid_ballots,
        "invalid_votes": invalid_votes, "valid_votes": valid_votes,
    }  # fmt: skip
    reasons = _split(draw, invalid_votes, 3)
    values |= dict(zip(("invalid_votes_multiple_marks", "invalid_votes_no_mark",
                        "invalid_votes_struck_off_only"), reasons, strict=True))  # fmt: skip
    content: dict[str, Any] = {"form": form} | {k: v for k, v in values.items() if k in fields}
    context: dict[str, Any] = {"contest_kind": kind, "precinct_type": precinct_type,
                               "postal": postal, "estimate": estimate,
                               "ballots_planned": received}  # fmt: skip
    if shape == "candidates":
        count = draw(st.integers(1, 6))
        votes = _split(draw, valid_votes, count)
        content["candidates"] = tuple(
            CandidateVotes(position=n, votes=v) for n, v in enumerate(votes, start=1)
        )
        content["candidates_total"] = valid_votes
        context["candidates"] = frozenset(range(1, count + 1))
    elif shape == "yes-no":
        content["votes_yes"], content["votes_no"] = _split(draw, valid_votes, 2)
        context |= {"yes_no": True, "candidates": frozenset({1})}
    else:
        totals = _split(draw, valid_votes, draw(st.integers(1, 4)))
        lists, ballot = [], []
        for number, total in enumerate(totals, start=1):
            size = draw(st.integers(1, 5))
            lists.append(ListVotes(number=number, total=total, candidates=tuple(
                CandidateVotes(position=n, votes=v)
                for n, v in enumerate(_split(draw, total, size), start=1))))  # fmt: skip
            ballot.append(BallotList(number=number, positions=frozenset(range(1, size + 1))))
        content["lists"], context["lists"] = tuple(lists), tuple(ballot)
    content |= {"voting_started": dt.time(7), "voting_ended": dt.time(21)}
    return msgspec.convert(content, ProtocolContent), RuleContext(**context)


def judge(content: ProtocolContent, context: RuleContext) -> set[str]:
    return {f.code for f in validate(content, context, profile_for("", content.form)).findings}


@given(consistent())
@settings(max_examples=400, deadline=None)
def test_a_consistent_protocol_raises_no_finding(case: tuple[ProtocolContent, RuleContext]) -> None:
    """Built to satisfy every rule, a protocol is judged clean under every form and ballot."""
    content, context = case
    assert set() == judge(content, context)


@st.composite
def perturbed(draw: st.DrawFn) -> tuple[ProtocolContent, RuleContext, str, ProtocolContent]:
    content, context = draw(consistent())
    present = [name for name in COUNT_FIELDS if getattr(content, name) is not None]
    field = draw(st.sampled_from([*present, "candidates"] if content.candidates else present))
    delta = draw(st.integers(-3, 3).filter(bool))
    if field == "candidates":
        entries = list(content.candidates)
        index = draw(st.integers(0, len(entries) - 1))
        votes = max(0, entries[index].votes + delta)
        if votes == entries[index].votes:
            votes += 1
        entries[index] = CandidateVotes(position=entries[index].position, votes=votes)
        changed = msgspec.structs.replace(content, candidates=tuple(entries))
    else:
        value = getattr(content, field)
        new = value + delta if value + delta >= 0 else value + abs(delta)
        changed = msgspec.structs.replace(content, **{field: new})
    return content, context, field, changed


@given(perturbed())
@settings(max_examples=600, deadline=None)
def test_changing_one_field_fires_only_rules_that_read_it(
    case: tuple[ProtocolContent, RuleContext, str, ProtocolContent],
) -> None:
    """Every finding after the change comes from a rule that reads the changed field, and a field
    that takes part in an equality always breaks one."""
    _, context, field, changed = case
    codes = judge(changed, context)
    assert all(field in RULES[code].reads for code in codes), (field, codes)
    equality_fields = {name for code in EQUALITY_RULES for name in RULES[code].reads}
    applicable = field in equality_fields and any(
        field in RULES[code].reads and all(getattr(changed, n) is not None
                                           for n in RULES[code].counts)
        for code in EQUALITY_RULES
    )  # fmt: skip
    if applicable:
        assert codes, field


@given(perturbed())
@settings(max_examples=300, deadline=None)
def test_the_control_code_is_stable_and_changes_with_any_number(
    case: tuple[ProtocolContent, RuleContext, str, ProtocolContent],
) -> None:
    """Re-encoding the same content gives the same code; any changed number another code."""
    content, _, _, changed = case

    def code(of: ProtocolContent) -> str:
        return control_code(canonical_encoding(election="e-2025", teryt="021501", precinct=1,
                                               contest="president:PL", district=0,
                                               round_number=1, content=of))  # fmt: skip

    again = msgspec.json.decode(msgspec.json.encode(content), type=ProtocolContent)
    assert code(content) == code(again)
    assert code(content) != code(changed)
