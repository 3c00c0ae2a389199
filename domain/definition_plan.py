"""Planning a load: check a definition file against itself and against what is recorded, then
turn it into pending events on the aggregates. Either every problem is reported and no aggregate
is touched, or every aggregate carries the events that record the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.contest import Contest
from domain.definitions.checks import check_definition
from domain.definitions.common import Known, contest_key_of, covered_units
from domain.election import Election
from domain.unit import Unit
from schemas import definition_events as ev
from schemas.definition import (
    CouncilContest,
    CountyCouncilContest,
    ElectionDefinition,
    MayorContest,
    RegionalAssemblyContest,
    SenateContest,
)

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from schemas.problems import Problem


@dataclass
class Recorded:
    """The aggregates a file touches or refers to, as the event store holds them."""

    election: Election | None = None
    units: dict[str, Unit] = field(default_factory=dict)
    contests: dict[str, Contest] = field(default_factory=dict)


@dataclass
class Plan:
    problems: list[Problem]
    changed: list[Aggregate]
    """Aggregates with pending events; the election, if changed, is last."""

    @property
    def event_count(self) -> int:
        return sum(len(aggregate.pending_events) for aggregate in self.changed)


def referenced_units(definition: ElectionDefinition) -> set[str]:
    """Every unit a file mentions: its own and those its contests cover."""
    units = {unit.teryt for unit in definition.units}
    for contest in definition.contests:
        if isinstance(contest, CouncilContest | MayorContest):
            units.update(covered_units(contest))
        if isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest):
            units.update(ref.split("-")[0] for d in contest.districts for ref in d.precincts)
        if isinstance(contest, SenateContest):
            units.update(teryt for d in contest.districts for teryt in d.units)
    return units


def plan_load(definition: ElectionDefinition, recorded: Recorded, digest: str) -> Plan:
    problems = _problems(definition, recorded)
    if problems:
        return Plan(problems=problems, changed=[])
    code = definition.election.code
    election = recorded.election or Election.define(definition.election)
    election.update(definition)
    changed: list[Aggregate] = []
    for unit_definition in definition.units:
        unit = recorded.units.get(unit_definition.teryt)
        if unit is None:
            unit = Unit.define(code, unit_definition)
        else:
            unit.update(unit_definition)
        changed.append(unit)
    for index, contest_definition in enumerate(definition.contests):
        contest = recorded.contests.get(contest_key_of(contest_definition))
        if contest is None:
            contest = Contest.define(code, contest_definition)
        else:
            contest.update(contest_definition, f"$.contests[{index}]")
        changed.append(contest)
    changed = [aggregate for aggregate in changed if aggregate.pending_events]
    events = sum(len(a.pending_events) for a in changed) + len(election.pending_events)
    if events:
        election.record_load(
            ev.DefinitionLoaded(
                digest=digest,
                events=events + 1,
                units=tuple(sorted(u.teryt for u in definition.units)),
                contests=tuple(sorted(contest_key_of(c) for c in definition.contests)),
            )
        )
        changed.append(election)
    return Plan(problems=[], changed=changed)


def _problems(definition: ElectionDefinition, recorded: Recorded) -> list[Problem]:
    recorded_units = {teryt: unit.definition() for teryt, unit in recorded.units.items()}
    committees = frozenset(recorded.election.committees) if recorded.election else frozenset()
    problems = check_definition(definition, Known.merge(definition, recorded_units, committees))
    if recorded.election is not None:
        problems += recorded.election.refusals(definition)
    for index, unit_definition in enumerate(definition.units):
        unit = recorded.units.get(unit_definition.teryt)
        if unit is not None:
            problems += unit.refusals(unit_definition, f"$.units[{index}]")
    for index, contest_definition in enumerate(definition.contests):
        contest = recorded.contests.get(contest_key_of(contest_definition))
        if contest is not None:
            problems += contest.refusals(contest_definition, f"$.contests[{index}]")
    return sorted(set(problems))
