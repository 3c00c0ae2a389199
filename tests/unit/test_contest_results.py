"""A contest's result from its tallies: single-member councils, proportional councils with the
threshold, list seats and margins, mayors with majority, runoff and YES/NO, and lots that wait
for the commission's draw."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from domain.results.contest_result import (
    Counts,
    UnsupportedContestError,
    contest_result,
    needs_precincts,
)
from schemas.results import DrawLot, ResultKey
from tests.definitions import CITY, GMINA, recorded_from, small_city, small_gmina

ALL_IN = Counts(expected=3, counted=3)


def _contest(document: dict[str, Any], key: str) -> Any:
    return recorded_from(document).contests[key]


def test_a_single_member_council_elects_the_most_voted_in_each_district() -> None:
    contest = _contest(small_gmina(), f"council:{GMINA}")
    tallies = {1: {"c.1": 300, "c.2": 200}, 2: {"c.1": 100, "c.2": 250}, 3: {"c.1": 90, "c.2": 90}}
    found = contest_result(contest, 1, tallies, flavour="accepted", position=40, counts=ALL_IN)
    assert [("c.1",), ("c.2",), ()] == [tuple(e.id for e in d.elected) for d in found.districts]
    assert "Anna NOWAK 1" == found.districts[0].elected[0].name
    assert "kw.443.1" == found.districts[0].elected[0].rule
    lot = found.districts[2].lots[0]
    assert (("c.1", "c.2"), 1, "winner") == (lot.among, lot.places, lot.what)
    assert 1 == found.lots_pending
    assert needs_precincts(found)
    draw = DrawLot(key=ResultKey(election="test-2026", contest=f"council:{GMINA}"), district=3,
                   among=("c.1", "c.2"), drawn=("c.2",), drawn_by="Przewodnicząca GKW")  # fmt: skip
    drawn = contest_result(contest, 1, tallies, flavour="accepted", position=40, counts=ALL_IN,
                           draws=[draw])  # fmt: skip
    assert 0 == drawn.lots_pending
    assert ("c.2", "lot") == (drawn.districts[2].elected[0].id, drawn.districts[2].elected[0].rule)


def test_precinct_figures_settle_a_tie_before_any_lot() -> None:
    contest = _contest(small_gmina(), f"council:{GMINA}")
    tallies = {1: {"c.1": 300, "c.2": 200}, 2: {"c.1": 100, "c.2": 250}, 3: {"c.1": 90, "c.2": 90}}
    precincts = {3: [{"c.1": 50, "c.2": 40}]}
    found = contest_result(contest, 1, tallies, flavour="confirmed", position=1, counts=ALL_IN,
                           precincts=precincts)  # fmt: skip
    assert ("c.1", "kw.443.2") == (
        found.districts[2].elected[0].id,
        found.districts[2].elected[0].rule,
    )
    assert 0 == found.lots_pending


def test_a_proportional_council_applies_the_threshold_dhondt_and_the_candidates_votes() -> None:
    contest = _contest(small_city(), f"council:{CITY}")
    one = {"l.1": 500, "l.2": 300, "l.3": 20, "l.1.1": 60, "l.1.2": 400, "l.1.3": 40,
           "l.2.1": 300}  # fmt: skip
    two = {"l.1": 500, "l.2": 500, "l.3": 30, "l.1.5": 500, "l.2.4": 500}
    found = contest_result(contest, 1, {1: one, 2: two}, flavour="accepted", position=9,
                           counts=Counts(expected=4, counted=4))  # fmt: skip
    first, second = found.districts
    assert {"l.1": 3, "l.2": 2, "l.3": 0} == {s.id: s.seats for s in first.standing}
    assert not next(s for s in first.standing if s.id == "l.3").passed  # 50 of 1,850: 2.7%
    assert ["l.1.2", "l.1.1", "l.1.3"] == [e.id for e in first.elected if e.list == "l.1"]
    assert "Kandydat KWW-A 1-2" in {e.name for e in first.elected}
    assert second.lots[0].what == "seat"  # 500 and 500: five seats, equal last quotients
    assert ("l.1", "l.2") == second.lots[0].among
    assert {"kw.416.1", "kw.444.1"} <= set(found.rules)
    a = next(s for s in first.standing if s.id == "l.1")
    assert a.to_gain is not None
    assert a.to_lose is not None
    assert a.to_lose >= 1


def test_a_mayor_is_elected_by_a_majority_or_goes_to_a_runoff() -> None:
    contest = _contest(small_gmina(), f"mayor:{GMINA}")
    found = contest_result(contest, 1, {0: {"c.1": 501, "c.2": 300, "c.3": 199}},
                           flavour="confirmed", position=3, counts=ALL_IN)  # fmt: skip
    assert found.mayor is not None
    assert ("elected", "c.1", "kw.472.1") == (
        found.mayor.decision,
        found.mayor.elected,
        found.mayor.rule,
    )
    found = contest_result(contest, 1, {0: {"c.1": 400, "c.2": 300, "c.3": 300}},
                           flavour="confirmed", position=3, counts=ALL_IN)  # fmt: skip
    assert found.mayor is not None
    assert ("lot", ("c.1",)) == (found.mayor.decision, found.mayor.runoff)
    assert 1 == found.lots_pending


def test_president_results_are_not_established_in_a_gmina() -> None:
    contest = _contest(small_gmina(), f"council:{GMINA}")

    shape = msgspec.structs.replace(contest.shape, kind="president")
    contest.shape = shape
    with pytest.raises(UnsupportedContestError):
        contest_result(contest, 1, {}, flavour="accepted", position=0, counts=ALL_IN)
