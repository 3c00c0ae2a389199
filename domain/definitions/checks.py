"""Consistency of a definition file beyond its types: every rule yields problems with JSON paths.

``check_definition`` runs every rule and returns every problem; an empty list means the file can be
loaded. References (a district's precincts, a candidate's committee) resolve against the file
together with what the event store already holds (``Known``), so a file may build on earlier ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.definitions.common import Known, duplicates
from domain.definitions.contest_checks import check_contests
from domain.definitions.teryt import ABROAD, SHIPS, teryt_problem
from schemas.definition import (
    ElectionDefinition,
    PrecinctType,
    RoundDefinition,
    UnitDefinition,
)
from schemas.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Iterator


def check_definition(definition: ElectionDefinition, known: Known) -> list[Problem]:
    problems = [
        *_check_rounds(definition.election.rounds),
        *_check_units(definition.units),
        *duplicates(
            (c.code for c in definition.committees),
            "$.committees[{}].code",
            "definition.committee.duplicate",
            "committee {} is defined twice",
        ),
        *check_contests(definition.contests, known),
    ]
    return sorted(set(problems))


def _check_rounds(rounds: tuple[RoundDefinition, ...]) -> Iterator[Problem]:
    yield from duplicates(
        (r.number for r in rounds),
        "$.election.rounds[{}].number",
        "definition.round.duplicate",
        "round {} is defined twice",
    )
    by_number = {r.number: (index, r) for index, r in enumerate(rounds)}
    if 1 not in by_number:
        yield Problem(
            path="$.election.rounds",
            rule="definition.round.first_missing",
            message="round 1 (the election day) is not defined",
        )
    elif 2 in by_number and by_number[2][1].date <= by_number[1][1].date:
        yield Problem(
            path=f"$.election.rounds[{by_number[2][0]}].date",
            rule="definition.round.order",
            message="the runoff (round 2) must come after round 1",
        )
    for index, voting in enumerate(rounds):
        path = f"$.election.rounds[{index}]"
        if voting.polls_open >= voting.polls_close:
            yield Problem(
                path=f"{path}.polls_close",
                rule="definition.round.hours",
                message="polls must close after they open",
            )
        hours = list(voting.turnout_hours)
        if hours != sorted(set(hours)) or any(
            not voting.polls_open < hour < voting.polls_close for hour in hours
        ):
            yield Problem(
                path=f"{path}.turnout_hours",
                rule="definition.round.turnout_hours",
                message="turnout hours must be distinct, in order, and while the polls are open",
            )


def _check_units(units: tuple[UnitDefinition, ...]) -> Iterator[Problem]:
    yield from duplicates(
        (u.teryt for u in units),
        "$.units[{}].teryt",
        "definition.unit.duplicate",
        "unit {} is defined twice",
    )
    special = {ABROAD: PrecinctType.ABROAD, SHIPS: PrecinctType.SHIP}
    for index, unit in enumerate(units):
        path = f"$.units[{index}]"
        reason = teryt_problem(unit.teryt, unit.kind)
        if reason:
            yield Problem(path=f"{path}.teryt", rule="definition.unit.teryt", message=reason)
        yield from duplicates(
            (p.number for p in unit.precincts),
            path + ".precincts[{}].number",
            "definition.precinct.duplicate",
            f"precinct {{}} of {unit.teryt} is defined twice",
        )
        for p_index, precinct in enumerate(unit.precincts):
            expected = special.get(unit.teryt)
            if (expected or precinct.type) is not precinct.type or (
                expected is None and precinct.type in special.values()
            ):
                yield Problem(
                    path=f"{path}.precincts[{p_index}].type",
                    rule="definition.precinct.type",
                    message="precincts abroad are of type 'zagranica' and only in unit "
                    f"{ABROAD}; on ships of type 'statek' and only in unit {SHIPS}",
                )
