"""The contest aggregate: one contest of one election (a council, a mayor, the president...).

It holds what the protocols of the contest are checked against: its districts and what votes in
them, the registered lists with their numbers and candidates, the ballot candidates, withdrawals,
annulments and the runoff pair. Everything arrives from definition files (``update``), which may
add and strike off but never rewrite what is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec
from eventsourcing.domain import Aggregate, event

from domain.definitions.shape import ballot_entries, contest_shape, list_entries, runoff_of
from domain.ids import contest_id
from domain.tags import tag
from schemas import definition_events as ev
from schemas.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from uuid import UUID

    from schemas.definition import (
        Annulment,
        Candidate,
        ContestDefinition,
        ListDefinition,
        Withdrawal,
    )


@dataclass
class RecordedList:
    candidates: dict[int, str]
    annulment: Annulment | None = None
    withdrawn: dict[int, Withdrawal] = field(default_factory=dict)


@dataclass
class RecordedCandidate:
    name: str
    committee: str
    withdrawal: Withdrawal | None = None


class DefinitionConflictError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


@tag("contest")
class Contest(Aggregate):
    class Defined(Aggregate.Created):
        data: ev.ContestDefined

    class DistrictPrecinctsAdded(Aggregate.Event):
        data: ev.DistrictPrecinctsAdded

    class ListRegistered(Aggregate.Event):
        data: ev.ListRegistered

    class ListNumberAssigned(Aggregate.Event):
        data: ev.ListNumberAssigned

    class ListAnnulled(Aggregate.Event):
        data: ev.ListAnnulled

    class CandidateRegistered(Aggregate.Event):
        data: ev.CandidateRegistered

    class CandidateWithdrawn(Aggregate.Event):
        data: ev.CandidateWithdrawn

    class RunoffCandidatesSet(Aggregate.Event):
        data: ev.RunoffCandidatesSet

    @classmethod
    def create_id(cls, data: ev.ContestDefined) -> UUID:
        return contest_id(data.election, data.contest)

    @event(Defined)
    def __init__(self, data: ev.ContestDefined) -> None:
        self.shape = data
        self.lists: dict[tuple[int, str], RecordedList] = {}
        self.list_numbers: dict[str, int] = {}
        self.candidates: dict[tuple[int, int], RecordedCandidate] = {}
        self.runoff: tuple[int, ...] = ()

    @classmethod
    def define(cls, election: str, definition: ContestDefinition) -> Contest:
        contest = cls(data=contest_shape(election, definition))
        contest.update(definition, "$")
        return contest

    # Queries.

    def standing(self, round_number: int = 1, district: int = 0) -> tuple[int, ...]:
        """Ballot positions of the candidates on a round's ballot, struck-off ones left out."""
        if round_number == 2:
            positions: tuple[int, ...] = self.runoff
        else:
            positions = tuple(sorted(p for d, p in self.candidates if d == district))
        return tuple(p for p in positions if self.candidates[district, p].withdrawal is None)

    def yes_no_ballot(self, round_number: int = 1) -> bool:
        """A mayor contest with one candidate standing is voted on YES/NO (art. 487): he or she
        needs more than half of the valid votes to be "TAK"."""
        return self.shape.kind == "mayor" and len(self.standing(round_number)) == 1

    # Commands.

    def refusals(self, definition: ContestDefinition, path: str) -> list[Problem]:
        """What in ``definition`` contradicts what is recorded (nothing is changed)."""
        return sorted(self._refusals(definition, path))

    def update(self, definition: ContestDefinition, path: str) -> None:
        """Record whatever ``definition`` adds: lists, numbers, candidates, strikes, the runoff."""
        problems = self.refusals(definition, path)
        if problems:
            raise DefinitionConflictError(problems)
        recorded = {d.number: d.precincts for d in self.shape.districts}
        for district in contest_shape(self.shape.election, definition).districts:
            added = tuple(p for p in district.precincts if p not in recorded[district.number])
            if added:
                self._add_precincts(
                    ev.DistrictPrecinctsAdded(district=district.number, precincts=added)
                )
        for at in list_entries(definition, path):
            self._update_list(at.district, at.definition)
        for entry in ballot_entries(definition, path):
            self._update_candidate(entry.district, entry.candidate)
        runoff = runoff_of(definition)
        if runoff and not self.runoff:
            self._set_runoff(ev.RunoffCandidatesSet(positions=runoff))

    def open_runoff(self, positions: tuple[int, ...]) -> None:
        """The runoff pair a round-1 result without a majority decided (``domain.result``); a
        pair recorded already (from a definition file) must be the same."""
        pair = tuple(sorted(positions))
        if self.runoff and tuple(sorted(self.runoff)) != pair:
            raise DefinitionConflictError([_refusal(
                "$.key", "results.runoff_differs",
                f"the runoff is recorded between positions {list(self.runoff)}, the result "
                f"says {list(pair)}")])  # fmt: skip
        if not self.runoff:
            self._set_runoff(ev.RunoffCandidatesSet(positions=pair))

    def _update_list(self, district: int, definition: ListDefinition) -> None:
        committee = definition.committee
        if (district, committee) not in self.lists:
            entries = tuple(
                ev.ListEntry(position=c.position, name=c.name) for c in definition.candidates
            )
            self._register_list(
                ev.ListRegistered(district=district, committee=committee, candidates=entries)
            )
        if definition.number is not None and committee not in self.list_numbers:
            self._assign_number(
                ev.ListNumberAssigned(committee=committee, number=definition.number)
            )
        recorded = self.lists[district, committee]
        if definition.annulled and recorded.annulment is None:
            self._annul_list(
                ev.ListAnnulled(
                    district=district, committee=committee, annulment=definition.annulled
                )
            )
        for candidate in definition.candidates:
            if candidate.withdrawn and candidate.position not in recorded.withdrawn:
                self._withdraw(
                    ev.CandidateWithdrawn(
                        district=district,
                        list=committee,
                        position=candidate.position,
                        withdrawal=candidate.withdrawn,
                    )
                )

    def _update_candidate(self, district: int, candidate: Candidate) -> None:
        key = (district, candidate.position)
        if key not in self.candidates:
            self._register_candidate(
                ev.CandidateRegistered(
                    district=district,
                    position=candidate.position,
                    name=candidate.name,
                    committee=candidate.committee,
                )
            )
        if candidate.withdrawn and self.candidates[key].withdrawal is None:
            self._withdraw(
                ev.CandidateWithdrawn(
                    district=district, position=candidate.position, withdrawal=candidate.withdrawn
                )
            )

    def _refusals(self, definition: ContestDefinition, path: str) -> Iterator[Problem]:
        key = self.shape.contest
        shape = contest_shape(self.shape.election, definition)
        if _fixed(shape) != _fixed(self.shape):
            yield Problem(
                path=path,
                rule="definition.contest.changed",
                message=f"contest {key} is recorded with other districts, seats, units or form; "
                "a recorded contest keeps its shape",
            )
        else:
            yield from _coverage_refusals(shape, self.shape, path)
        listed = {
            (at.district, at.definition.committee): at for at in list_entries(definition, path)
        }
        for (district, committee), recorded in sorted(self.lists.items()):
            at = listed.get((district, committee))
            if at is None:
                yield _refusal(
                    path,
                    "definition.list.missing",
                    f"the list of {committee} in district {district} is recorded but missing",
                )
                continue
            yield from _list_refusals(at.path, at.definition, recorded)
            number = self.list_numbers.get(committee)
            if number is not None and at.definition.number != number:
                yield _refusal(
                    f"{at.path}.number",
                    "definition.list.number_changed",
                    f"{committee} has list number {number}; a list number is never changed",
                )
        ballot = {(e.district, e.candidate.position): e for e in ballot_entries(definition, path)}
        for (district, position), candidate in sorted(self.candidates.items()):
            entry = ballot.get((district, position))
            if entry is None:
                yield _refusal(
                    path,
                    "definition.candidate.missing",
                    f"candidate {candidate.name} (district {district}, position {position}) "
                    "is recorded but missing",
                )
                continue
            if (entry.candidate.name, entry.candidate.committee) != (
                candidate.name,
                candidate.committee,
            ):
                yield _refusal(
                    entry.path,
                    "definition.candidate.changed",
                    f"position {position} is recorded as {candidate.name} ({candidate.committee})",
                )
            yield from _withdrawal_refusals(
                entry.path, candidate.withdrawal, entry.candidate.withdrawn
            )
        runoff = runoff_of(definition)
        if self.runoff and runoff != self.runoff:
            yield _refusal(
                f"{path}.runoff",
                "definition.runoff.changed",
                f"the runoff is recorded between positions {list(self.runoff)}",
            )

    # Mutators: they only assign, so every recorded event replays.

    @event(DistrictPrecinctsAdded)
    def _add_precincts(self, data: ev.DistrictPrecinctsAdded) -> None:
        self.shape = msgspec.structs.replace(
            self.shape,
            districts=tuple(
                msgspec.structs.replace(d, precincts=d.precincts + data.precincts)
                if d.number == data.district
                else d
                for d in self.shape.districts
            ),
        )

    @event(ListRegistered)
    def _register_list(self, data: ev.ListRegistered) -> None:
        candidates = {c.position: c.name for c in data.candidates}
        self.lists[data.district, data.committee] = RecordedList(candidates=candidates)

    @event(ListNumberAssigned)
    def _assign_number(self, data: ev.ListNumberAssigned) -> None:
        self.list_numbers[data.committee] = data.number

    @event(ListAnnulled)
    def _annul_list(self, data: ev.ListAnnulled) -> None:
        self.lists[data.district, data.committee].annulment = data.annulment

    @event(CandidateRegistered)
    def _register_candidate(self, data: ev.CandidateRegistered) -> None:
        self.candidates[data.district, data.position] = RecordedCandidate(
            name=data.name, committee=data.committee
        )

    @event(CandidateWithdrawn)
    def _withdraw(self, data: ev.CandidateWithdrawn) -> None:
        if data.list:
            self.lists[data.district, data.list].withdrawn[data.position] = data.withdrawal
        else:
            self.candidates[data.district, data.position].withdrawal = data.withdrawal

    @event(RunoffCandidatesSet)
    def _set_runoff(self, data: ev.RunoffCandidatesSet) -> None:
        self.runoff = data.positions


def _list_refusals(
    path: str, definition: ListDefinition, recorded: RecordedList
) -> Iterator[Problem]:
    names = {c.position: c.name for c in definition.candidates}
    if names != recorded.candidates:
        yield _refusal(
            f"{path}.candidates",
            "definition.list.changed",
            f"the list of {definition.committee} is recorded with other candidates; "
            "strike candidates off with 'withdrawn' instead",
        )
    if recorded.annulment is not None and definition.annulled != recorded.annulment:
        yield _refusal(
            f"{path}.annulled",
            "definition.list.annulment_changed",
            f"the list of {definition.committee} is recorded as annulled "
            f"({recorded.annulment.reason}); that stays",
        )
    by_position = {c.position: c for c in definition.candidates}
    for position, withdrawal in sorted(recorded.withdrawn.items()):
        candidate = by_position.get(position)
        index = definition.candidates.index(candidate) if candidate else 0
        yield from _withdrawal_refusals(
            f"{path}.candidates[{index}]", withdrawal, candidate.withdrawn if candidate else None
        )


def _fixed(shape: ev.ContestDefined) -> ev.ContestDefined:
    """The part of a contest's shape that never changes: all but the precincts of districts."""
    districts = tuple(msgspec.structs.replace(d, precincts=()) for d in shape.districts)
    return msgspec.structs.replace(shape, districts=districts)


def _coverage_refusals(
    stated: ev.ContestDefined, recorded: ev.ContestDefined, path: str
) -> Iterator[Problem]:
    for index, (new, old) in enumerate(zip(stated.districts, recorded.districts, strict=True)):
        for ref in old.precincts:
            if ref not in new.precincts:
                yield _refusal(
                    f"{path}.districts[{index}].precincts",
                    "definition.district.precinct_removed",
                    f"precinct {ref} is recorded as voting in district {old.number}; "
                    "precincts are added to districts, never removed",
                )


def _withdrawal_refusals(
    path: str, recorded: Withdrawal | None, stated: Withdrawal | None
) -> Iterator[Problem]:
    if recorded is not None and stated != recorded:
        yield _refusal(
            f"{path}.withdrawn",
            "definition.candidate.withdrawal_changed",
            f"the candidate is recorded as struck off ({recorded.reason}); that stays",
        )


def _refusal(path: str, rule: str, message: str) -> Problem:
    return Problem(path=path, rule=rule, message=message)
