"""The unit aggregate: one gmina (as PKW counts units) of one election, with its precincts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from domain.ids import unit_id
from domain.tags import tag
from schemas import definition_events as ev
from schemas.definition import PrecinctDefinition, UnitDefinition
from schemas.problems import Problem

if TYPE_CHECKING:
    from uuid import UUID


@tag("unit")
class Unit(Aggregate):
    class Defined(Aggregate.Created):
        data: ev.UnitDefined

    class DetailsChanged(Aggregate.Event):
        data: ev.UnitDetailsChanged

    class PrecinctsEstablished(Aggregate.Event):
        data: ev.PrecinctsEstablished

    class PrecinctChanged(Aggregate.Event):
        data: ev.PrecinctChanged

    @classmethod
    def create_id(cls, data: ev.UnitDefined) -> UUID:
        return unit_id(data.election, data.unit.teryt)

    @event(Defined)
    def __init__(self, data: ev.UnitDefined) -> None:
        self.election = data.election
        self.teryt = data.unit.teryt
        self.details = ev.UnitDetailsChanged(
            name=data.unit.name, kind=data.unit.kind, inhabitants=data.unit.inhabitants
        )
        self.precincts: dict[int, PrecinctDefinition] = {p.number: p for p in data.unit.precincts}

    @classmethod
    def define(cls, election: str, definition: UnitDefinition) -> Unit:
        return cls(data=ev.UnitDefined(election=election, unit=definition))

    def definition(self) -> UnitDefinition:
        return UnitDefinition(
            teryt=self.teryt,
            name=self.details.name,
            kind=self.details.kind,
            inhabitants=self.details.inhabitants,
            precincts=tuple(self.precincts[n] for n in sorted(self.precincts)),
        )

    def refusals(self, definition: UnitDefinition, path: str) -> list[Problem]:
        """Precincts are established, amended, never removed."""
        stated = {p.number for p in definition.precincts}
        return [
            Problem(
                path=f"{path}.precincts",
                rule="definition.precinct.missing",
                message=f"precinct {number} of {self.teryt} is recorded but missing; "
                "precincts are never removed",
            )
            for number in sorted(self.precincts)
            if number not in stated
        ]

    def update(self, definition: UnitDefinition) -> None:
        details = ev.UnitDetailsChanged(
            name=definition.name, kind=definition.kind, inhabitants=definition.inhabitants
        )
        if details != self.details:
            self._change_details(details)
        new = tuple(p for p in definition.precincts if p.number not in self.precincts)
        if new:
            self._establish(ev.PrecinctsEstablished(precincts=new))
        for precinct in definition.precincts:
            if self.precincts[precinct.number] != precinct:
                self._change_precinct(ev.PrecinctChanged(precinct=precinct))

    @event(DetailsChanged)
    def _change_details(self, data: ev.UnitDetailsChanged) -> None:
        self.details = data

    @event(PrecinctsEstablished)
    def _establish(self, data: ev.PrecinctsEstablished) -> None:
        self.precincts.update((p.number, p) for p in data.precincts)

    @event(PrecinctChanged)
    def _change_precinct(self, data: ev.PrecinctChanged) -> None:
        self.precincts[data.precinct.number] = data.precinct
