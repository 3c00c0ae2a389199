"""What definition checks share: the catalogue references resolve against, duplicate detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.ids import contest_key
from schemas.definition import (
    NATIONAL_AREA,
    CouncilContest,
    CountyCouncilContest,
    MayorContest,
    RegionalAssemblyContest,
)
from schemas.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Iterator, Mapping

    from schemas.definition import (
        ContestDefinition,
        ElectionDefinition,
        RegionalContest,
        UnitDefinition,
    )


@dataclass(frozen=True)
class Known:
    """What references may point at: the units and committees of the file and of the store."""

    units: Mapping[str, UnitDefinition] = field(default_factory=dict)
    committees: frozenset[str] = frozenset()
    has_runoff: bool = False

    @classmethod
    def merge(
        cls,
        definition: ElectionDefinition,
        units: Mapping[str, UnitDefinition],
        committees: frozenset[str],
    ) -> Known:
        merged = dict(units)
        merged.update((unit.teryt, unit) for unit in definition.units)
        return cls(
            units=merged,
            committees=committees | {c.code for c in definition.committees},
            has_runoff=any(r.number == 2 for r in definition.election.rounds),
        )


def duplicates(values: Iterable[Hashable], path: str, rule: str, message: str) -> Iterator[Problem]:
    """A problem at each repeated occurrence of a value (the first one is not the culprit)."""
    seen: set[Hashable] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield Problem(path=path.format(index), rule=rule, message=message.format(value))
        seen.add(value)


def contest_kind(contest: ContestDefinition) -> str:
    return str(type(contest).__struct_config__.tag)


def area_of(contest: ContestDefinition) -> str:
    """The territory a contest elects for: a gmina, a powiat, a voivodeship or the country."""
    if isinstance(contest, CouncilContest | MayorContest):
        return contest.gmina
    if isinstance(contest, CountyCouncilContest):
        return contest.powiat
    if isinstance(contest, RegionalAssemblyContest):
        return contest.voivodeship
    return NATIONAL_AREA


def contest_key_of(contest: ContestDefinition) -> str:
    return contest_key(contest_kind(contest), area_of(contest))


def covered_units(contest: CouncilContest | MayorContest) -> tuple[str, ...]:
    """The units whose precincts vote in a local contest: its gmina unless it lists them."""
    return contest.units or (contest.gmina,)


def regional_units(contest: RegionalContest) -> tuple[str, ...]:
    """The gmina units whose precincts vote in a powiat or voivodeship contest, in file order."""
    units = (ref.split("-")[0] for district in contest.districts for ref in district.precincts)
    return tuple(dict.fromkeys(units))
