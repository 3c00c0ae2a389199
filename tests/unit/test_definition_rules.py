"""Every inconsistency a definition file can have is refused with its rule and JSON path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from domain.definition_plan import Recorded, plan_load
from tests.definitions import CITY, GMINA, decode, mutated, small_city, small_gmina

if TYPE_CHECKING:
    from collections.abc import Callable


def problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    plan = plan_load(decode(document), Recorded(), digest="d")
    return [(p.rule, p.path) for p in plan.problems]


def council(d: dict[str, Any]) -> dict[str, Any]:
    return d["contests"][0]


def mayor(d: dict[str, Any]) -> dict[str, Any]:
    return d["contests"][1]


def test_the_builders_make_consistent_files() -> None:
    """No rule fires on the base files the other tests break."""
    assert [] == problems(small_gmina())
    assert [] == problems(small_city())


GMINA_BREAKS: list[tuple[str, Callable[[dict[str, Any]], object], str, str]] = [
    ("round numbers are unique",
     lambda d: d["election"]["rounds"].append({"number": 2, "date": "2026-05-10"}),
     "definition.round.duplicate", "$.election.rounds[2].number"),
    ("round 1 exists", lambda d: d["election"]["rounds"].pop(0),
     "definition.round.first_missing", "$.election.rounds"),
    ("the runoff comes after round 1",
     lambda d: d["election"]["rounds"][1].update(date="2026-04-01"),
     "definition.round.order", "$.election.rounds[1].date"),
    ("polls close after they open",
     lambda d: d["election"]["rounds"][0].update(polls_open="21:00:00", polls_close="07:00:00"),
     "definition.round.hours", "$.election.rounds[0].polls_close"),
    ("turnout hours are while polls are open",
     lambda d: d["election"]["rounds"][0].update(turnout_hours=["06:00:00"]),
     "definition.round.turnout_hours", "$.election.rounds[0].turnout_hours"),
    ("a unit is defined once", lambda d: d["units"].append(d["units"][0]),
     "definition.unit.duplicate", "$.units[1].teryt"),
    ("a TERYT has an even voivodeship code", lambda d: d["units"][0].update(teryt="031501"),
     "definition.unit.teryt", "$.units[0].teryt"),
    ("149901 is abroad", lambda d: d["units"][0].update(teryt="149901"),
     "definition.unit.teryt", "$.units[0].teryt"),
    ("Warsaw's districts are of their own kind", lambda d: d["units"][0].update(teryt="146505"),
     "definition.unit.teryt", "$.units[0].teryt"),
    ("a precinct number is used once",
     lambda d: d["units"][0]["precincts"][2].update(number=1),
     "definition.precinct.duplicate", "$.units[0].precincts[2].number"),
    ("ship precincts are only in 149801",
     lambda d: d["units"][0]["precincts"][0].update(type="statek"),
     "definition.precinct.type", "$.units[0].precincts[0].type"),
    ("a committee is defined once", lambda d: d["committees"].append(d["committees"][0]),
     "definition.committee.duplicate", "$.committees[3].code"),
    ("a contest is defined once", lambda d: d["contests"].append(d["contests"][1]),
     "definition.contest.duplicate", "$.contests[2]"),
    ("a contest's gmina is known", lambda d: mayor(d).update(gmina="021502"),
     "definition.contest.unknown_unit", "$.contests[1].gmina"),
    ("up to 20,000 inhabitants councils are single-member",
     lambda d: council(d).update(system="proportional"),
     "definition.council.system", "$.contests[0].system"),
    ("district seats add up to the council",
     lambda d: council(d).update(seats=4),
     "definition.council.seats_total", "$.contests[0].seats"),
    ("a district number is used once",
     lambda d: council(d)["districts"][2].update(number=1),
     "definition.district.duplicate", "$.contests[0].districts[2].number"),
    ("a single-member district has one seat",
     lambda d: council(d)["districts"][0].update(seats=2),
     "definition.district.seats", "$.contests[0].districts[0].seats"),
    ("single-member districts have candidates, not lists",
     lambda d: council(d)["districts"][0].update(
         lists=[{"committee": "KWW-A", "candidates": [{"position": 1, "name": "X"}]}]),
     "definition.district.ballot", "$.contests[0].districts[0].lists"),
    ("a district's precincts are listed once",
     lambda d: council(d)["districts"][0]["precincts"].append(f"{GMINA}-1"),
     "definition.district.precinct_twice", "$.contests[0].districts[0].precincts[1]"),
    ("a district's precincts are in the council's gmina",
     lambda d: council(d)["districts"][0]["precincts"].append("146502-1"),
     "definition.district.unknown_unit", "$.contests[0].districts[0].precincts[1]"),
    ("a district's precincts exist",
     lambda d: council(d)["districts"][0]["precincts"].append(f"{GMINA}-9"),
     "definition.district.unknown_precinct", "$.contests[0].districts[0].precincts[1]"),
    ("every precinct votes in some district",
     lambda d: d["units"][0]["precincts"].append({"number": 4, "address": "Remiza"}),
     "definition.district.uncovered_precinct", "$.contests[0].districts"),
    ("ballot positions are unique",
     lambda d: mayor(d)["candidates"][1].update(position=1),
     "definition.candidate.position_duplicate", "$.contests[1].candidates[1].position"),
    ("ballot positions have no gaps",
     lambda d: mayor(d)["candidates"][2].update(position=7),
     "definition.candidate.positions", "$.contests[1].candidates"),
    ("a committee has one candidate on a ballot",
     lambda d: mayor(d)["candidates"][2].update(committee="KWW-A"),
     "definition.candidate.committee_twice", "$.contests[1].candidates[2].committee"),
    ("a candidate's committee exists",
     lambda d: mayor(d)["candidates"][2].update(committee="KWW-Z"),
     "definition.candidate.unknown_committee", "$.contests[1].candidates[2].committee"),
    ("a runoff needs round 2",
     lambda d: (d["election"]["rounds"].pop(), mayor(d).update(runoff=[1, 2])),
     "definition.runoff.no_round", "$.contests[1].runoff"),
    ("runoff candidates are on the ballot and not struck off",
     lambda d: (mayor(d).update(runoff=[1, 2]),
                mayor(d)["candidates"][1].update(withdrawn={"reason": "rezygnacja"})),
     "definition.runoff.candidate", "$.contests[1].runoff[1]"),
    ("a runoff candidate is named once", lambda d: mayor(d).update(runoff=[1, 1]),
     "definition.runoff.candidate", "$.contests[1].runoff[1]"),
]  # fmt: skip

CITY_BREAKS: list[tuple[str, Callable[[dict[str, Any]], object], str, str]] = [
    ("above 20,000 inhabitants councils are proportional",
     lambda d: council(d).update(system="single-member"),
     "definition.council.system", "$.contests[0].system"),
    ("cities with powiat rights are proportional whatever their size",
     lambda d: d["units"][0].update(inhabitants=15000) or council(d).update(
         system="single-member"),
     "definition.council.system", "$.contests[0].system"),
    ("proportional districts have lists, not candidates",
     lambda d: council(d)["districts"][0].update(
         candidates=[{"position": 1, "name": "X", "committee": "KWW-A"}]),
     "definition.district.ballot", "$.contests[0].districts[0].candidates"),
    ("a list's committee exists",
     lambda d: council(d)["districts"][0]["lists"][0].update(committee="KWW-Z"),
     "definition.candidate.unknown_committee", "$.contests[0].districts[0].lists[0].committee"),
    ("a committee has one list in a district",
     lambda d: council(d)["districts"][0]["lists"][1].update(committee="KWW-A", number=1),
     "definition.list.duplicate", "$.contests[0].districts[0].lists[1].committee"),
    ("a committee's lists carry one number",
     lambda d: council(d)["districts"][1]["lists"][0].update(number=7),
     "definition.list.number_conflict", "$.contests[0].districts[0].lists[0].number"),
    ("a list number is used by one committee",
     lambda d: council(d)["districts"][1]["lists"][1].update(number=1)
     or council(d)["districts"][0]["lists"][1].update(number=1),
     "definition.list.number_reused", "$.contests[0].districts[0].lists[1].number"),
    ("list positions are unique",
     lambda d: council(d)["districts"][0]["lists"][0]["candidates"][1].update(position=1),
     "definition.candidate.position_duplicate",
     "$.contests[0].districts[0].lists[0].candidates[1].position"),
    ("a senate district's units are known",
     lambda d: d["contests"].append({"kind": "senate", "districts": [
         {"number": 1, "units": [CITY, "021502"]}]}),
     "definition.contest.unknown_unit", "$.contests[1].districts[0].units[1]"),
    ("a unit is in one senate district",
     lambda d: d["contests"].append({"kind": "senate", "districts": [
         {"number": 1, "units": [CITY]}, {"number": 2, "units": [CITY]}]}),
     "definition.senate.unit_twice", "$.contests[1].districts[1].units[0]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "rule", "path"),
    [pytest.param(change, rule, path, id=name) for name, change, rule, path in GMINA_BREAKS],
)
def test_a_broken_gmina_file_is_refused(change: Any, rule: str, path: str) -> None:
    """The rule fires at the path, and nothing is planned."""
    document = mutated(small_gmina(), change)
    assert (rule, path) in problems(document)
    assert [] == plan_load(decode(document), Recorded(), digest="d").changed


@pytest.mark.parametrize(
    ("change", "rule", "path"),
    [pytest.param(change, rule, path, id=name) for name, change, rule, path in CITY_BREAKS],
)
def test_a_broken_city_file_is_refused(change: Any, rule: str, path: str) -> None:
    """The rule fires at the path."""
    assert (rule, path) in problems(mutated(small_city(), change))


def test_all_problems_of_a_file_are_listed_together() -> None:
    """Several independent mistakes: every one is reported, in path order."""

    def breaks(d: dict[str, Any]) -> None:
        d["units"][0]["precincts"][2]["number"] = 1
        mayor(d)["candidates"][2]["committee"] = "KWW-Z"
        council(d)["seats"] = 5

    found = problems(mutated(small_gmina(), breaks))
    assert {
        "definition.precinct.duplicate",
        "definition.candidate.unknown_committee",
        "definition.council.seats_total",
    } <= {rule for rule, _ in found}
    paths = [path for _, path in found]
    assert sorted(paths) == paths
