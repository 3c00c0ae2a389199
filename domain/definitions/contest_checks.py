"""Consistency rules for contests: districts, the precincts they cover, lists and candidates."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Final

from domain.definitions.common import (
    Known,
    area_of,
    contest_key_of,
    covered_units,
    duplicates,
    regional_units,
)
from domain.definitions.teryt import ABROAD, SHIPS, is_city_with_powiat_rights
from schemas.definition import (
    Candidate,
    ContestDefinition,
    CouncilContest,
    CouncilDistrict,
    CouncilSystem,
    CountyCouncilContest,
    ListCandidate,
    MayorContest,
    PresidentContest,
    RegionalAssemblyContest,
    SenateContest,
)
from schemas.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from schemas.definition import RegionalContest

SINGLE_MEMBER_LIMIT: Final = (
    20_000  # inhabitants; above it (and in cities with powiat rights) lists
)


def check_contests(contests: tuple[ContestDefinition, ...], known: Known) -> Iterator[Problem]:
    yield from duplicates(
        (contest_key_of(c) for c in contests),
        "$.contests[{}]",
        "definition.contest.duplicate",
        "contest {} is defined twice",
    )
    for index, contest in enumerate(contests):
        path = f"$.contests[{index}]"
        if isinstance(contest, CouncilContest):
            yield from _council(contest, path, known)
        elif isinstance(contest, SenateContest):
            yield from _senate(contest, path, known)
        elif isinstance(contest, CountyCouncilContest | RegionalAssemblyContest):
            yield from _regional(contest, path, known)
        else:
            if isinstance(contest, MayorContest):
                yield from _unknown_units(contest, path, known)
            yield from _candidates(contest.candidates, f"{path}.candidates", known)
            yield from _runoff(contest, path, known)


def _unknown_units(
    contest: CouncilContest | MayorContest, path: str, known: Known
) -> Iterator[Problem]:
    field = f"{path}.units[{{}}]" if contest.units else f"{path}.gmina"
    for index, teryt in enumerate(covered_units(contest)):
        if teryt not in known.units:
            yield Problem(
                path=field.format(index),
                rule="definition.contest.unknown_unit",
                message=f"unit {teryt} is neither in this file nor recorded",
            )


def _council(contest: CouncilContest, path: str, known: Known) -> Iterator[Problem]:
    yield from _unknown_units(contest, path, known)
    yield from _council_system(contest, path, known)
    yield from _districts(contest, path, known, set(covered_units(contest)))
    yield from _coverage(contest, covered_units(contest), path, known)


def _regional(contest: RegionalContest, path: str, known: Known) -> Iterator[Problem]:
    """A powiat's or voivodeship's council: lists in districts of the area's gminas' precincts."""
    area = area_of(contest)
    inside = {
        teryt
        for teryt in regional_units(contest)
        if teryt.startswith(area)
        and not (isinstance(contest, CountyCouncilContest) and is_city_with_powiat_rights(teryt))
        and teryt not in (ABROAD, SHIPS)
    }
    yield from _districts(contest, path, known, inside)
    yield from _coverage(contest, sorted(inside), path, known)


def _districts(
    contest: CouncilContest | RegionalContest, path: str, known: Known, units: set[str]
) -> Iterator[Problem]:
    yield from duplicates(
        (d.number for d in contest.districts),
        path + ".districts[{}].number",
        "definition.district.duplicate",
        "district {} is defined twice",
    )
    if sum(d.seats for d in contest.districts) != contest.seats:
        yield Problem(
            path=f"{path}.seats",
            rule="definition.council.seats_total",
            message=f"the council has {contest.seats} seats but its districts add up to "
            f"{sum(d.seats for d in contest.districts)}",
        )
    single = isinstance(contest, CouncilContest) and contest.system is CouncilSystem.SINGLE_MEMBER
    for index, district in enumerate(contest.districts):
        district_path = f"{path}.districts[{index}]"
        yield from _district(single, units, district, district_path, known)
    yield from _list_numbers(contest, path)


def _council_system(contest: CouncilContest, path: str, known: Known) -> Iterator[Problem]:
    units = [known.units.get(teryt) for teryt in covered_units(contest)]
    counts = [unit.inhabitants for unit in units if unit is not None]
    if len(counts) != len(units) or None in counts:
        return
    inhabitants = sum(count for count in counts if count is not None)
    proportional = inhabitants > SINGLE_MEMBER_LIMIT or is_city_with_powiat_rights(contest.gmina)
    expected = CouncilSystem.PROPORTIONAL if proportional else CouncilSystem.SINGLE_MEMBER
    if contest.system is not expected:
        yield Problem(
            path=f"{path}.system",
            rule="definition.council.system",
            message=f"a gmina of {inhabitants} inhabitants "
            f"{'(a city with powiat rights) ' if is_city_with_powiat_rights(contest.gmina) else ''}"
            f"elects its council in {expected.value} districts",
        )


def _district(
    single: bool,  # noqa: FBT001 - the district's system, computed once by the caller
    units: set[str],
    district: CouncilDistrict,
    path: str,
    known: Known,
) -> Iterator[Problem]:
    if single and district.seats != 1:
        yield Problem(
            path=f"{path}.seats",
            rule="definition.district.seats",
            message="a single-member district has 1 seat",
        )
    if (single and district.lists) or (not single and district.candidates):
        wrong = "lists" if single else "candidates"
        yield Problem(
            path=f"{path}.{wrong}",
            rule="definition.district.ballot",
            message="single-member districts have candidates, proportional districts lists",
        )
    yield from duplicates(
        district.precincts,
        path + ".precincts[{}]",
        "definition.district.precinct_twice",
        "precinct {} is listed twice",
    )
    for index, ref in enumerate(district.precincts):
        teryt, number = ref.split("-")
        unit = known.units.get(teryt)
        if teryt not in units:
            yield Problem(
                path=f"{path}.precincts[{index}]",
                rule="definition.district.unknown_unit",
                message=f"{ref} is in unit {teryt}, which this council does not cover "
                "(a county council never covers a city with powiat rights)",
            )
        elif unit is not None and int(number) not in {p.number for p in unit.precincts}:
            yield Problem(
                path=f"{path}.precincts[{index}]",
                rule="definition.district.unknown_precinct",
                message=f"unit {teryt} has no precinct {number}",
            )
    yield from _candidates(district.candidates, f"{path}.candidates", known)
    yield from duplicates(
        (lst.committee for lst in district.lists),
        path + ".lists[{}].committee",
        "definition.list.duplicate",
        "committee {} has two lists in this district",
    )
    for index, candidate_list in enumerate(district.lists):
        list_path = f"{path}.lists[{index}]"
        if candidate_list.committee not in known.committees:
            yield _unknown_committee(f"{list_path}.committee", candidate_list.committee)
        yield from _positions(candidate_list.candidates, f"{list_path}.candidates")


def _coverage(
    contest: CouncilContest | RegionalContest, units: Iterable[str], path: str, known: Known
) -> Iterator[Problem]:
    covered = {ref for district in contest.districts for ref in district.precincts}
    for teryt in units:
        unit = known.units.get(teryt)
        if unit is None or teryt in (ABROAD, SHIPS):
            continue
        for precinct in unit.precincts:
            ref = f"{teryt}-{precinct.number}"
            if ref not in covered:
                yield Problem(
                    path=f"{path}.districts",
                    rule="definition.district.uncovered_precinct",
                    message=f"precinct {ref} votes in no district of this council",
                )


def _list_numbers(contest: CouncilContest | RegionalContest, path: str) -> Iterator[Problem]:
    numbers: dict[str, set[int]] = defaultdict(set)
    committees: dict[int, set[str]] = defaultdict(set)
    first_path: dict[str, str] = {}
    for d_index, district in enumerate(contest.districts):
        for l_index, candidate_list in enumerate(district.lists):
            if candidate_list.number is None:
                continue
            numbers[candidate_list.committee].add(candidate_list.number)
            committees[candidate_list.number].add(candidate_list.committee)
            first_path.setdefault(
                candidate_list.committee, f"{path}.districts[{d_index}].lists[{l_index}].number"
            )
    for committee, used in sorted(numbers.items()):
        if len(used) > 1:
            yield Problem(
                path=first_path[committee],
                rule="definition.list.number_conflict",
                message=f"committee {committee} has list numbers {sorted(used)}; "
                "a committee's lists carry one number in every district",
            )
    for number, holders in sorted(committees.items()):
        if len(holders) > 1:
            yield Problem(
                path=first_path[sorted(holders)[1]],
                rule="definition.list.number_reused",
                message=f"list number {number} is used by {', '.join(sorted(holders))}",
            )


def _senate(contest: SenateContest, path: str, known: Known) -> Iterator[Problem]:
    yield from duplicates(
        (d.number for d in contest.districts),
        path + ".districts[{}].number",
        "definition.district.duplicate",
        "district {} is defined twice",
    )
    owner: dict[str, int] = {}
    for index, district in enumerate(contest.districts):
        district_path = f"{path}.districts[{index}]"
        for u_index, teryt in enumerate(district.units):
            if teryt not in known.units:
                yield Problem(
                    path=f"{district_path}.units[{u_index}]",
                    rule="definition.contest.unknown_unit",
                    message=f"unit {teryt} is neither in this file nor recorded",
                )
            if teryt in owner:
                yield Problem(
                    path=f"{district_path}.units[{u_index}]",
                    rule="definition.senate.unit_twice",
                    message=f"unit {teryt} is already in senate district {owner[teryt]}",
                )
            owner.setdefault(teryt, district.number)
        yield from _candidates(district.candidates, f"{district_path}.candidates", known)


def _candidates(candidates: tuple[Candidate, ...], path: str, known: Known) -> Iterator[Problem]:
    """Ballot candidates: positions 1..n, a known committee, one candidate per committee."""
    yield from _positions(candidates, path)
    yield from duplicates(
        (c.committee for c in candidates),
        path + "[{}].committee",
        "definition.candidate.committee_twice",
        "committee {} already has a candidate on this ballot",
    )
    for index, candidate in enumerate(candidates):
        if candidate.committee not in known.committees:
            yield _unknown_committee(f"{path}[{index}].committee", candidate.committee)


def _positions(candidates: tuple[Candidate | ListCandidate, ...], path: str) -> Iterator[Problem]:
    positions = [c.position for c in candidates]
    yield from duplicates(
        positions,
        path + "[{}].position",
        "definition.candidate.position_duplicate",
        "position {} is taken twice",
    )
    if len(set(positions)) == len(positions) and sorted(positions) != list(
        range(1, len(positions) + 1)
    ):
        yield Problem(
            path=path,
            rule="definition.candidate.positions",
            message=f"positions must be 1 to {len(positions)} without gaps: {sorted(positions)}",
        )


def _runoff(contest: MayorContest | PresidentContest, path: str, known: Known) -> Iterator[Problem]:
    if not contest.runoff:
        return
    if not known.has_runoff:
        yield Problem(
            path=f"{path}.runoff",
            rule="definition.runoff.no_round",
            message="a runoff needs round 2 among the election's rounds",
        )
    eligible = {c.position for c in contest.candidates if c.withdrawn is None}
    yield from duplicates(
        contest.runoff,
        path + ".runoff[{}]",
        "definition.runoff.candidate",
        "candidate {} is named twice",
    )
    for index, position in enumerate(contest.runoff):
        if position not in eligible:
            yield Problem(
                path=f"{path}.runoff[{index}]",
                rule="definition.runoff.candidate",
                message=f"no candidate at ballot position {position} stands in the runoff",
            )


def _unknown_committee(path: str, committee: str) -> Problem:
    return Problem(
        path=path,
        rule="definition.candidate.unknown_committee",
        message=f"committee {committee} is neither in this file nor recorded",
    )
