"""The election aggregate: its name and rounds, the committees, and the record of each load."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from eventsourcing.domain import Aggregate, event

from domain.clock import civil_instant
from domain.ids import election_id
from domain.tags import tag
from schemas import definition_events as ev
from schemas import result_events as results
from schemas.problems import Problem

if TYPE_CHECKING:
    import datetime as dt
    from uuid import UUID

    from schemas.definition import CommitteeDefinition, ElectionDefinition, ElectionInfo


COMMITTEES_PER_EVENT: Final = 500
"""About 50 KB of names per event, far below a NATS message's limit."""


@tag("election")
class Election(Aggregate):
    class Defined(Aggregate.Created):
        data: ev.ElectionDefined

    class DetailsChanged(Aggregate.Event):
        data: ev.ElectionDetailsChanged

    class CommitteeRegistered(Aggregate.Event):
        data: ev.CommitteeRegistered

    class CommitteesRegistered(Aggregate.Event):
        data: ev.CommitteesRegistered

    class DefinitionLoaded(Aggregate.Event):
        data: ev.DefinitionLoaded

    class ResultRecorded(Aggregate.Event):
        data: results.ResultRecorded

    class SoleCoordinatorSet(Aggregate.Event):
        data: ev.SoleCoordinatorSet

    @classmethod
    def create_id(cls, data: ev.ElectionDefined) -> UUID:
        return election_id(data.election.code)

    @event(Defined)
    def __init__(self, data: ev.ElectionDefined) -> None:
        self.info = data.election
        self.committees: dict[str, CommitteeDefinition] = {}
        self.loads: list[ev.DefinitionLoaded] = []
        self.contests_by_area: dict[str, set[str]] = {}
        """Area (gmina, powiat, voivodeship, PL) -> the contests the loads recorded there: a
        command finds its precinct's contests without scanning the country's."""
        self.sole_coordinator: set[str] = set()
        """Gminas whose coordinator works alone (separation of duties relaxed, and marked)."""

    @classmethod
    def define(cls, info: ElectionInfo) -> Election:
        return cls(data=ev.ElectionDefined(election=info))

    @property
    def code(self) -> str:
        return self.info.code

    def refusals(self, definition: ElectionDefinition) -> list[Problem]:
        """A committee keeps the name it was registered with."""
        return [
            Problem(
                path=f"$.committees[{index}]",
                rule="definition.committee.changed",
                message=f"committee {committee.code} is recorded as "
                f"{self.committees[committee.code].name!r}",
            )
            for index, committee in enumerate(definition.committees)
            if self.committees.get(committee.code, committee) != committee
        ]

    def update(self, definition: ElectionDefinition) -> None:
        if definition.election != self.info:
            self._change_details(ev.ElectionDetailsChanged(election=definition.election))
        new = [c for c in definition.committees if c.code not in self.committees]
        for start in range(0, len(new), COMMITTEES_PER_EVENT):
            group = tuple(new[start : start + COMMITTEES_PER_EVENT])
            self._register_committees(ev.CommitteesRegistered(committees=group))

    def record_load(self, loaded: ev.DefinitionLoaded) -> None:
        self._record_load(loaded)

    def set_sole_coordinator(self, gmina: str, *, allowed: bool, reason: str) -> None:
        if not reason.strip():
            raise ValueError("a reason is required")
        if allowed != (gmina in self.sole_coordinator):
            self._set_sole(ev.SoleCoordinatorSet(gmina=gmina, allowed=allowed,
                                                 reason=reason.strip()))  # fmt: skip

    def mark_result(self, contest: str, round_number: int, state: str) -> None:
        """A result of this election changed state: whoever caches its definitions reads again
        (``services.apps.definition_cache``), so the next command sees it."""
        self._mark_result(results.ResultRecorded(contest=contest, round=round_number, state=state))

    @event(ResultRecorded)
    def _mark_result(self, data: results.ResultRecorded) -> None:
        del data  # the mark is in the history; the election itself does not change

    @event(DetailsChanged)
    def _change_details(self, data: ev.ElectionDetailsChanged) -> None:
        self.info = data.election

    @event(CommitteeRegistered)
    def _register_committee(self, data: ev.CommitteeRegistered) -> None:
        self.committees[data.committee.code] = data.committee

    @event(CommitteesRegistered)
    def _register_committees(self, data: ev.CommitteesRegistered) -> None:
        self.committees |= {committee.code: committee for committee in data.committees}

    @event(SoleCoordinatorSet)
    def _set_sole(self, data: ev.SoleCoordinatorSet) -> None:
        if data.allowed:
            self.sole_coordinator.add(data.gmina)
        else:
            self.sole_coordinator.discard(data.gmina)

    @event(DefinitionLoaded)
    def _record_load(self, data: ev.DefinitionLoaded) -> None:
        self.loads.append(data)
        for key in data.contests:
            self.contests_by_area.setdefault(key.split(":", 1)[1], set()).add(key)


def polls_close(info: ElectionInfo, round_number: int) -> dt.datetime | None:
    """When a round's polls close (an instant, UTC); None when the election has no such round."""
    for day in info.rounds:
        if day.number == round_number:
            return civil_instant(day.date, day.polls_close)
    return None
