"""A file loaded over recorded definitions: what it may add, and what it may not rewrite."""

from __future__ import annotations

from typing import Any

import pytest

from domain import tags
from domain.definition_plan import Plan, Recorded, plan_load
from tests.definitions import decode, mutated, recorded_from, small_city, small_gmina


def reload(base: dict[str, Any], change: Any) -> Plan:
    return plan_load(decode(mutated(base, change)), recorded_from(base), digest="second")


def event_tags(plan: Plan) -> list[str]:
    return [tags.tag_of(type(e)) for a in plan.changed for e in a.pending_events]


def test_loading_the_same_file_again_plans_nothing() -> None:
    """Reloading is a no-op: not even a definition_loaded event."""
    for document in (small_gmina(), small_city()):
        plan = plan_load(decode(document), recorded_from(document), digest="again")
        assert ([], []) == (plan.problems, plan.changed)


ALLOWED = [
    ("a precinct is added",
     lambda d: d["units"][0]["precincts"].append({"number": 4, "address": "Remiza OSP"})
     or d["contests"][0]["districts"][0]["precincts"].append("021501-4"),
     ["unit.precincts_established.v1", "contest.district_precincts_added.v1"]),
    ("a precinct moves",
     lambda d: d["units"][0]["precincts"][0].update(address="Nowa szkoła"),
     ["unit.precinct_changed.v1"]),
    ("the gmina's population is revised", lambda d: d["units"][0].update(inhabitants=9100),
     ["unit.details_changed.v1"]),
    ("a candidate is struck off",
     lambda d: d["contests"][1]["candidates"][2].update(withdrawn={"reason": "zgon"}),
     ["contest.candidate_withdrawn.v1"]),
    ("the runoff pair becomes known", lambda d: d["contests"][1].update(runoff=[1, 2]),
     ["contest.runoff_candidates_set.v1"]),
    ("a committee registers",
     lambda d: d["committees"].append({"code": "KWW-D", "name": "Komitet D"}),
     ["election.committees_registered.v1"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"), [pytest.param(c, e, id=name) for name, c, e in ALLOWED]
)
def test_additions_are_recorded_as_events(change: Any, expected: list[str]) -> None:
    """Each allowed change is one event of its own type, then the load's own record."""
    plan = reload(small_gmina(), change)
    assert [] == plan.problems
    assert [*expected, "election.definition_loaded.v1"] == event_tags(plan)


def test_a_list_gets_its_number_and_an_annulment_later() -> None:
    """List numbers are assigned and lists annulled after registration."""

    def unnumbered(d: dict[str, Any]) -> None:
        for district in d["contests"][0]["districts"]:
            del district["lists"][2]["number"]

    base = mutated(small_city(), unnumbered)

    def later(d: dict[str, Any]) -> None:
        for district in d["contests"][0]["districts"]:
            district["lists"][2]["number"] = 3
        d["contests"][0]["districts"][1]["lists"][2]["annulled"] = {"reason": "unieważnienie"}

    plan = reload(base, later)
    assert [
        "contest.list_number_assigned.v1",
        "contest.list_annulled.v1",
        "election.definition_loaded.v1",
    ] == event_tags(plan)


REFUSED = [
    ("a district's seats change",
     lambda d: d["contests"][0].update(seats=4) or d["contests"][0]["districts"].append(
         {"number": 4, "seats": 1, "precincts": ["021501-1"], "candidates": []}),
     "definition.contest.changed", "$.contests[0]"),
    ("a precinct leaves a district",
     lambda d: d["contests"][0]["districts"][0]["precincts"].append("021501-2")
     or d["contests"][0]["districts"][1].update(precincts=["021501-3"]),
     "definition.district.precinct_removed", "$.contests[0].districts[1].precincts"),
    ("a precinct disappears",
     lambda d: d["units"][0]["precincts"].pop() and d["contests"][0]["districts"][2].update(
         precincts=["021501-1"]),
     "definition.precinct.missing", "$.units[0].precincts"),
    ("a candidate disappears", lambda d: d["contests"][1]["candidates"].pop(),
     "definition.candidate.missing", "$.contests[1]"),
    ("a candidate is renamed",
     lambda d: d["contests"][1]["candidates"][0].update(name="Ewa WÓJCIK-NOWAK"),
     "definition.candidate.changed", "$.contests[1].candidates[0]"),
    ("a committee is renamed", lambda d: d["committees"][0].update(name="Inny komitet"),
     "definition.committee.changed", "$.committees[0]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "rule", "path"), [pytest.param(c, r, p, id=n) for n, c, r, p in REFUSED]
)
def test_rewriting_the_record_is_refused(change: Any, rule: str, path: str) -> None:
    """History is added to, never edited: the rule fires and nothing is planned."""
    plan = reload(small_gmina(), change)
    assert (rule, path) in [(p.rule, p.path) for p in plan.problems]
    assert [] == plan.changed


def test_struck_off_stays_struck_off() -> None:
    """A withdrawal cannot be undone by leaving it out of a later file."""
    base = mutated(
        small_gmina(), lambda d: d["contests"][1]["candidates"][2].update(withdrawn={"reason": "x"})
    )
    plan = reload(base, lambda d: d["contests"][1]["candidates"][2].pop("withdrawn"))
    assert ["definition.candidate.withdrawal_changed"] == [p.rule for p in plan.problems]


def test_list_rewrites_are_refused() -> None:
    """A registered list keeps its candidates, number, annulment and presence."""
    base = mutated(
        small_city(),
        lambda d: d["contests"][0]["districts"][0]["lists"][2].update(annulled={"reason": "x"}),
    )

    def rewrite(d: dict[str, Any]) -> None:
        district = d["contests"][0]["districts"][0]
        district["lists"][0]["candidates"][0]["name"] = "Ktoś Inny"
        district["lists"][1]["number"] = 9
        district["lists"][2].pop("annulled")
        d["contests"][0]["districts"][1]["lists"].pop()

    plan = reload(base, rewrite)
    assert {
        "definition.list.changed",
        "definition.list.number_changed",
        "definition.list.annulment_changed",
        "definition.list.missing",
    } <= {p.rule for p in plan.problems}


def test_the_runoff_pair_is_set_once() -> None:
    """Once recorded, the runoff candidates do not change."""
    base = mutated(small_gmina(), lambda d: d["contests"][1].update(runoff=[1, 2]))
    plan = reload(base, lambda d: d["contests"][1].update(runoff=[1, 3]))
    assert ["definition.runoff.changed"] == [p.rule for p in plan.problems]


def test_a_mayor_with_one_candidate_standing_is_a_yes_no_ballot() -> None:
    """Struck-off candidates leave the ballot; one left means TAK/NIE, in either round."""
    contest = recorded_from(small_gmina()).contests["mayor:021501"]
    assert (1, 2, 3) == contest.standing()
    assert not contest.yes_no_ballot()

    def one_left(d: dict[str, Any]) -> None:
        for candidate in d["contests"][1]["candidates"][1:]:
            candidate["withdrawn"] = {"reason": "rezygnacja"}

    single = recorded_from(mutated(small_gmina(), one_left)).contests["mayor:021501"]
    assert ((1,), True) == (single.standing(), single.yes_no_ballot())
    runoff = recorded_from(
        mutated(small_gmina(), lambda d: d["contests"][1].update(runoff=[1, 2]))
    ).contests["mayor:021501"]
    assert ((1, 2), False) == (runoff.standing(2), runoff.yes_no_ballot(2))


def test_thousands_of_committees_fit_one_atomic_save() -> None:
    """A national local election registers a committee per gmina: grouped, the election's
    events stay far below the 1,000 messages of one atomic batch."""
    document = small_gmina()
    document["committees"] += [{"code": f"KWW-{n}", "name": f"Komitet {n}"} for n in range(2500)]
    plan = plan_load(decode(document), Recorded(), digest="d")
    assert [] == plan.problems
    election = next(a for a in plan.changed if type(a).__name__ == "Election")
    assert len(election.pending_events) < 10
    assert 2500 + 3 == len(election.committees)
