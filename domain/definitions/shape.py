"""A contest definition taken apart: its fixed shape and the entries (lists, candidates) in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec

from domain.definitions.common import (
    area_of,
    contest_key_of,
    contest_kind,
    covered_units,
    regional_units,
)
from schemas.definition import (
    NATIONAL_AREA,
    Candidate,
    ContestDefinition,
    CouncilContest,
    CouncilDistrict,
    CouncilSystem,
    CountyCouncilContest,
    ListDefinition,
    MayorContest,
    PresidentContest,
    RegionalAssemblyContest,
    SenateContest,
    SenateDistrict,
)
from schemas.definition_events import ContestDefined, DistrictShape

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemas.definition import RegionalContest


@dataclass(frozen=True)
class BallotEntry:
    """A candidate outside lists, where the file puts it."""

    district: int
    path: str
    candidate: Candidate


@dataclass(frozen=True)
class ListEntryAt:
    district: int
    path: str
    definition: ListDefinition


def contest_shape(election: str, contest: ContestDefinition) -> ContestDefined:
    def shape(**fields: object) -> ContestDefined:
        return msgspec.convert(
            {
                "election": election,
                "contest": contest_key_of(contest),
                "kind": contest_kind(contest),
                "form": contest.form,
                **fields,
            },
            ContestDefined,
        )

    if isinstance(contest, CouncilContest):
        return shape(
            area=contest.gmina,
            units=covered_units(contest),
            system=contest.system.value,
            **_seats(contest),
        )
    if isinstance(contest, CountyCouncilContest | RegionalAssemblyContest):
        return shape(
            area=area_of(contest),
            units=regional_units(contest),
            system=CouncilSystem.PROPORTIONAL.value,
            **_seats(contest),
        )
    if isinstance(contest, MayorContest):
        return shape(area=contest.gmina, units=covered_units(contest), office=contest.office.value)
    if isinstance(contest, SenateContest):
        return shape(
            area=NATIONAL_AREA,
            districts=[DistrictShape(number=d.number, units=d.units) for d in contest.districts],
        )
    return shape(area=NATIONAL_AREA)


def _seats(contest: CouncilContest | RegionalContest) -> dict[str, object]:
    return {
        "seats": contest.seats,
        "districts": [
            DistrictShape(number=d.number, seats=d.seats, precincts=d.precincts)
            for d in contest.districts
        ],
    }


def ballot_entries(contest: ContestDefinition, path: str) -> Iterator[BallotEntry]:
    if isinstance(contest, MayorContest | PresidentContest):
        for index, candidate in enumerate(contest.candidates):
            yield BallotEntry(0, f"{path}.candidates[{index}]", candidate)
        return
    districts: tuple[CouncilDistrict | SenateDistrict, ...] = contest.districts
    for d_index, district in enumerate(districts):
        for index, candidate in enumerate(district.candidates):
            yield BallotEntry(
                district.number, f"{path}.districts[{d_index}].candidates[{index}]", candidate
            )


def list_entries(contest: ContestDefinition, path: str) -> Iterator[ListEntryAt]:
    if not isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest):
        return
    for d_index, district in enumerate(contest.districts):
        for index, definition in enumerate(district.lists):
            yield ListEntryAt(
                district.number, f"{path}.districts[{d_index}].lists[{index}]", definition
            )


def runoff_of(contest: ContestDefinition) -> tuple[int, ...]:
    return contest.runoff if isinstance(contest, MayorContest | PresidentContest) else ()
