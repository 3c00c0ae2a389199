"""The contests of a synthetic local ballot day: rada gminy (single-member up to 20,000
inhabitants, lists above and in cities with powiat rights), wójt / burmistrz / prezydent miasta
(YES/NO where one candidate stands), rada powiatu and sejmik województwa.

Six national committees run lists everywhere (the same list number in every contest, as PKW draws
them nationally); each gmina with a list council adds one local committee. Small gminas have
fewer precincts than their 15 single-member districts, so a precinct there votes in several
districts, as in real life.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Final, TypeVar

from domain.definitions.teryt import is_city_with_powiat_rights
from schemas.definition import (
    Candidate,
    CommitteeDefinition,
    CouncilContest,
    CouncilDistrict,
    CouncilSystem,
    CountyCouncilContest,
    ListCandidate,
    ListDefinition,
    MayorContest,
    Office,
    RegionalAssemblyContest,
    UnitKind,
)

if TYPE_CHECKING:
    import random

    from schemas.definition import ContestDefinition
    from services.tools.drill.national.territory import Country, Gmina

NATIONAL: Final = tuple(
    CommitteeDefinition(code=f"KW-{letter}", name=f"Komitet Wyborczy {name}", short_name=name)
    for letter, name in zip(
        "ABCDEF", ("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"), strict=True
    )
)
T = TypeVar("T")
LOCAL_LIST_NUMBER: Final = len(NATIONAL) + 1
SINGLE_MEMBER_SEATS: Final = 15
SINGLE_MEMBER_LIMIT: Final = 20_000
FIRST: Final = (
    "Anna",
    "Piotr",
    "Maria",
    "Krzysztof",
    "Katarzyna",
    "Tomasz",
    "Małgorzata",
    "Paweł",
    "Agnieszka",
    "Marcin",
    "Barbara",
    "Michał",
    "Ewa",
    "Jan",
    "Zofia",
)
LAST: Final = (
    "NOWAK",
    "KOWALSKA",
    "WIŚNIEWSKI",
    "WÓJCIK",
    "KOWALCZYK",
    "KAMIŃSKA",
    "LEWANDOWSKI",
    "ZIELIŃSKA",
    "SZYMAŃSKI",
    "WOŹNIAK",
    "DĄBROWSKA",
    "KOZŁOWSKI",
    "JANKOWSKA",
    "MAZUR",
    "KWIATKOWSKI",
    "KRAWCZYK",
    "PIOTROWSKA",
    "GRABOWSKI",
)


def name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}"


def local_committee(area: str) -> CommitteeDefinition:
    return CommitteeDefinition(code=f"KWW-{area}", name=f"KWW Wspólnota {area}")


def council_seats(inhabitants: int, *, warsaw: bool) -> int:
    """Art. 373-like scale: 15 up to 20,000 inhabitants, then 21, 23, 25 ... (Warsaw 60)."""
    if warsaw:
        return 60
    for limit, seats in ((20_000, 15), (50_000, 21), (100_000, 23), (200_000, 25)):
        if inhabitants <= limit:
            return seats
    return min(31, 25 + 3 * ((inhabitants - 200_000) // 100_000 + 1))


def split_seats(seats: int, low: int, high: int) -> list[int]:
    """Seats of multi-member districts, each between ``low`` and ``high`` when possible."""
    count = max(1, -(-seats // high))
    while seats / count > high:
        count += 1
    while count > 1 and seats / count < low:
        count -= 1
    base, extra = divmod(seats, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def chunks(items: list[T], weights: list[int]) -> list[list[T]]:
    """``items`` cut into consecutive runs proportional to ``weights``, none empty."""
    total, count = sum(weights), len(weights)
    bounds = [0]
    for index, made in enumerate(itertools.accumulate(weights[:-1]), start=1):
        wanted = round(len(items) * made / total)
        bounds.append(min(max(wanted, bounds[-1] + 1), len(items) - (count - index)))
    bounds.append(len(items))
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def lists(rng: random.Random, seats: int, local: str | None) -> tuple[ListDefinition, ...]:
    """The national committees' lists (and a local committee's) in one district."""
    committees = [(c.code, number) for number, c in enumerate(NATIONAL, start=1)]
    if local is not None:
        committees.append((local, LOCAL_LIST_NUMBER))
    size = min(seats + 2, 10)
    return tuple(
        ListDefinition(
            committee=code,
            number=number,
            candidates=tuple(
                ListCandidate(position=position, name=name(rng)) for position in range(1, size + 1)
            ),
        )
        for code, number in committees
    )


def candidates(rng: random.Random, count: int, local: str) -> tuple[Candidate, ...]:
    """A ballot of single candidates, each of another committee."""
    codes = [*[c.code for c in NATIONAL][: count - 1], local]
    return tuple(
        Candidate(position=position, name=name(rng), committee=code)
        for position, code in enumerate(codes[:count], start=1)
    )


def council(rng: random.Random, area: str, units: list[Gmina]) -> CouncilContest:
    precincts = [f"{u.teryt}-{p.number}" for u in units for p in u.precincts]
    inhabitants = sum(u.inhabitants for u in units)
    warsaw = len(units) > 1
    proportional = warsaw or inhabitants > SINGLE_MEMBER_LIMIT or is_city_with_powiat_rights(area)
    seats = council_seats(inhabitants, warsaw=warsaw)
    if proportional:
        district_seats = split_seats(seats, 5, 8)
        districts = tuple(
            CouncilDistrict(
                number=n,
                seats=s,
                precincts=tuple(refs),
                lists=lists(rng, s, local_committee(area).code),
            )
            for n, (s, refs) in enumerate(
                zip(district_seats, chunks(precincts, district_seats), strict=True), start=1
            )
        )
        return CouncilContest(
            gmina=area,
            units=tuple(u.teryt for u in units) if warsaw else (),
            system=CouncilSystem.PROPORTIONAL,
            seats=seats,
            districts=districts,
        )
    if len(precincts) >= SINGLE_MEMBER_SEATS:
        covered = chunks(precincts, [1] * SINGLE_MEMBER_SEATS)
    else:
        covered = [[precincts[d % len(precincts)]] for d in range(SINGLE_MEMBER_SEATS)]
    districts = tuple(
        CouncilDistrict(
            number=number,
            seats=1,
            precincts=tuple(refs),
            # One district in ten has a single candidate: no vote there (art. 380).
            candidates=candidates(
                rng, 1 if rng.random() < 0.1 else rng.randint(2, 4), local_committee(area).code
            ),
        )
        for number, refs in enumerate(covered, start=1)
    )
    return CouncilContest(
        gmina=area, system=CouncilSystem.SINGLE_MEMBER, seats=seats, districts=districts
    )


def mayor(rng: random.Random, area: str, units: list[Gmina]) -> MayorContest:
    kind = units[0].kind
    office = (
        Office.PREZYDENT_MIASTA
        if is_city_with_powiat_rights(area)
        else Office.WOJT
        if kind is UnitKind.RURAL
        else Office.BURMISTRZ
    )
    count = 1 if rng.random() < 0.16 else rng.randint(2, 5)
    return MayorContest(
        gmina=area,
        units=tuple(u.teryt for u in units) if len(units) > 1 else (),
        office=office,
        candidates=candidates(rng, count, local_committee(area).code),
    )


def county(rng: random.Random, powiat: str, gminas: list[Gmina]) -> CountyCouncilContest:
    voters = sum(g.eligible for g in gminas)
    seats = min(29, 15 + voters // 40_000 * 2)
    return CountyCouncilContest(
        powiat=powiat, seats=seats, districts=_regional_districts(rng, gminas, seats, 3, 10)
    )


def regional(rng: random.Random, voivodeship: str, gminas: list[Gmina]) -> RegionalAssemblyContest:
    voters = sum(g.eligible for g in gminas)
    seats = min(51, 30 + voters // 500_000 * 3)
    return RegionalAssemblyContest(
        voivodeship=voivodeship,
        seats=seats,
        districts=_regional_districts(rng, gminas, seats, 5, 15),
    )


def _regional_districts(
    rng: random.Random, gminas: list[Gmina], seats: int, low: int, high: int
) -> tuple[CouncilDistrict, ...]:
    district_seats = split_seats(seats, low, high)
    if len(district_seats) > len(gminas):
        district_seats = split_seats(seats, seats, seats)
    groups = chunks(gminas, district_seats) if len(district_seats) > 1 else [gminas]
    return tuple(
        CouncilDistrict(
            number=number,
            seats=s,
            precincts=tuple(f"{g.teryt}-{p.number}" for g in group for p in g.precincts),
            lists=lists(rng, s, None),
        )
        for number, (s, group) in enumerate(zip(district_seats, groups, strict=True), start=1)
    )


def contests(rng: random.Random, country: Country) -> tuple[list[ContestDefinition], list[str]]:
    """Every contest of the day and the areas of local committees."""
    made: list[ContestDefinition] = []
    locals_: list[str] = []
    warsaw = [g for g in country.gminas if g.kind is UnitKind.WARSAW_DISTRICT]
    areas = [(g.teryt, [g]) for g in country.gminas if g.kind is not UnitKind.WARSAW_DISTRICT]
    if warsaw:
        areas.append(("146501", warsaw))
    for area, units in sorted(areas):
        made += [council(rng, area, units), mayor(rng, area, units)]
        locals_.append(area)
    for powiat, gminas in sorted(country.powiats().items()):
        if not is_city_with_powiat_rights(gminas[0].teryt):
            made.append(county(rng, powiat, gminas))
    by_voivodeship = itertools.groupby(country.gminas, key=lambda g: g.teryt[:2])
    for voivodeship, members in by_voivodeship:
        made.append(regional(rng, voivodeship, list(members)))
    return made, locals_
