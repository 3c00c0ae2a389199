"""The synthetic national election: the country's shape, a sample's consistency with the rules
and the loader, and a plant for every alert kind."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from functools import cache

import msgspec

from domain.definition_plan import Recorded, plan_load
from projections import alerts
from schemas.definition import (
    CountyCouncilContest,
    MayorContest,
    RegionalAssemblyContest,
    UnitKind,
)
from schemas.drill import AttemptEntry, CorrectionEntry, ExpectEntry, TurnoutEntry
from schemas.protocol import Severity
from services.tools.drill.national.generate import PROFILE, Generated, generate
from services.tools.drill.national.judge import Judge
from services.tools.drill.national.territory import country


@cache
def sample() -> Generated:
    return generate(11, gminas=40)


def test_the_country_has_polands_shape() -> None:
    """~2,500 gminas, ~31,500 precincts, most gminas 5-20 precincts, Warsaw ~850 in 18."""
    land = country(random.Random(5))
    sizes = [len(g.precincts) for g in land.gminas]
    assert 2_200 <= len(land.gminas) <= 2_700
    assert 29_000 <= sum(sizes) <= 34_000
    assert 5 <= statistics.median(sizes) <= 20
    assert sum(5 <= s <= 20 for s in sizes) / len(sizes) > 0.6
    warsaw = [g for g in land.gminas if g.kind is UnitKind.WARSAW_DISTRICT]
    assert 18 == len(warsaw)
    assert 800 <= sum(len(g.precincts) for g in warsaw) <= 900
    assert max(sizes) >= 400


def test_the_same_seed_writes_the_same_election() -> None:
    again = generate(11, gminas=40)
    assert msgspec.json.encode(sample().definition) == msgspec.json.encode(again.definition)
    assert msgspec.json.encode(sample().protocols) == msgspec.json.encode(again.protocols)


def test_the_definition_loads_without_a_problem() -> None:
    """Every consistency rule of the loader holds, including powiat and sejmik districts."""
    definition = sample().definition
    assert [] == plan_load(definition, Recorded(), digest="d").problems
    kinds = Counter(type(c) for c in definition.contests)
    assert kinds[CountyCouncilContest]
    assert kinds[RegionalAssemblyContest]
    assert not any(isinstance(c, MayorContest) and c.runoff for c in definition.contests)
    assert any(isinstance(c, MayorContest) and len(c.candidates) == 1 for c in definition.contests)


def test_every_protocol_passes_and_explains_its_warnings() -> None:
    """Judged again here: no error, every warning explained; hard warnings only where planted."""
    generated = sample()
    definition = generated.definition
    # Round 2 is judged with the pair establishing round 1 opens (its protocols' two candidates).
    pairs = {p.key.contest: tuple(sorted(v.position for v in p.content.candidates))
             for p in generated.protocols if p.key.round == 2}  # fmt: skip
    contests = [msgspec.structs.replace(c, runoff=pairs[f"mayor:{c.gmina}"])
                if isinstance(c, MayorContest) and f"mayor:{c.gmina}" in pairs else c
                for c in definition.contests]  # fmt: skip
    judge = Judge(contests,
                  {(u.teryt, p.number): p for u in definition.units for p in u.precincts},
                  PROFILE)  # fmt: skip
    by_precinct: dict[tuple[str, int, int], list[object]] = {}
    for p in generated.protocols:
        by_precinct.setdefault((p.key.teryt, p.key.precinct, p.key.round), []).append(p)
    planted_hard = {(e.teryt, e.precinct) for e in generated.entries
                    if isinstance(e, ExpectEntry) and e.kind == "hard-warning"}  # fmt: skip
    for protocol in generated.protocols:
        siblings = by_precinct[protocol.key.teryt, protocol.key.precinct, protocol.key.round]
        found = judge.findings(protocol.key, protocol.content, siblings)  # type: ignore[arg-type]
        assert not [f for f in found if f.severity is Severity.ERROR], protocol.key
        warnings = {f.code for f in found if f.severity is Severity.WARNING}
        assert warnings <= set(protocol.content.explanations), protocol.key
        if any(f.severity is Severity.HARD_WARNING for f in found):
            assert (protocol.key.teryt, protocol.key.precinct) in planted_hard


def test_every_alert_kind_is_planted_and_the_night_is_scripted() -> None:
    entries = sample().entries
    planted = {e.kind for e in entries if isinstance(e, ExpectEntry)}
    assert set(alerts.KINDS) == planted
    assert all(e.refused_by for e in entries if isinstance(e, AttemptEntry))
    assert any(isinstance(e, CorrectionEntry) and e.after_confirmation for e in entries)
    assert any(isinstance(e, CorrectionEntry) and not e.after_confirmation for e in entries)
    hours = Counter(e.report.hour.hour for e in entries if isinstance(e, TurnoutEntry))
    assert {12, 17} == set(hours)


def test_runoff_protocols_carry_the_two_best_of_round_one() -> None:
    """The definition names no runoff pair (establishing round 1 opens it); round 2 is played
    by the two candidates with the most round-1 votes in gminas without a majority."""
    generated = sample()
    totals: dict[str, Counter[int]] = {}
    for protocol in generated.protocols:
        if protocol.key.round == 1 and protocol.key.contest.startswith("mayor:"):
            votes = totals.setdefault(protocol.key.contest, Counter())
            votes.update({v.position: v.votes for v in protocol.content.candidates})
    second = [p for p in generated.protocols if p.key.round == 2]
    assert second
    for protocol in second:
        votes = totals[protocol.key.contest]
        assert max(votes.values()) * 2 <= sum(votes.values())
        best = {position for position, _ in votes.most_common(2)}
        assert best == {v.position for v in protocol.content.candidates}
