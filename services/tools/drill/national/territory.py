"""A synthetic Poland: voivodeships, powiats, gminas and their precincts, with the real spread of
sizes (most gminas have 5-20 precincts, big cities hundreds, Warsaw ~850 in 18 districts).

Codes follow TERYT as PKW uses them (``WWPPGG``; powiat 61 and above is a city with powiat
rights; Warsaw's districts are 146502-146519), so every TERYT-based rule of the project applies.
Sizes come from a seeded generator: the same seed gives the same country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from domain.definitions.teryt import is_city_with_powiat_rights
from schemas.definition import PrecinctDefinition, PrecinctType, UnitKind

if TYPE_CHECKING:
    import random

VOIVODESHIPS: Final = tuple(f"{code:02d}" for code in range(2, 33, 2))
BIG_CITIES: Final = {
    # TERYT: precincts (the order of magnitude PKW reports for these cities)
    "126101": 454,
    "106101": 421,
    "026401": 330,
    "306401": 259,
    "226101": 230,
    "326201": 210,
    "046101": 180,
    "066101": 175,
    "206101": 140,
    "246901": 130,
}
WARSAW_DISTRICTS: Final = tuple(f"1465{n:02d}" for n in range(2, 20))
WARSAW_PRECINCTS: Final = 850
OTHER_CITIES_PER_VOIVODESHIP: Final = 3
LAND_POWIATS_PER_VOIVODESHIP: Final = (17, 22)
GMINAS_PER_POWIAT: Final = (4, 11)
SEPARATE_TYPES: Final = (
    PrecinctType.HOSPITAL,
    PrecinctType.SOCIAL_CARE_HOME,
    PrecinctType.PRISON,
    PrecinctType.STUDENT_HOUSE,
)
INHABITANTS_PER_VOTER: Final = 1.22


@dataclass
class Gmina:
    teryt: str
    name: str
    kind: UnitKind
    precincts: list[PrecinctDefinition] = field(default_factory=list)

    @property
    def powiat(self) -> str:
        return self.teryt[:4]

    @property
    def eligible(self) -> int:
        return sum(p.eligible_voters for p in self.precincts)

    @property
    def inhabitants(self) -> int:
        return round(self.eligible * INHABITANTS_PER_VOTER)


@dataclass
class Country:
    gminas: list[Gmina]

    def powiats(self) -> dict[str, list[Gmina]]:
        """Powiat code -> its gminas (cities with powiat rights are powiats of one unit)."""
        found: dict[str, list[Gmina]] = {}
        for gmina in self.gminas:
            found.setdefault(gmina.powiat, []).append(gmina)
        return found


def precinct_count(rng: random.Random) -> int:
    """A rural or small-town gmina: median ~9, mostly 5-20, a tail to ~40."""
    return max(3, min(45, round(rng.lognormvariate(2.25, 0.45))))


def precincts(
    rng: random.Random, teryt: str, count: int, *, city: bool
) -> list[PrecinctDefinition]:
    """Standard precincts of 700-2,600 voters and, in larger places, a few separate ones."""
    separate = 0 if count < 6 else max(1, round(count * rng.uniform(0.02, 0.07)))
    made = []
    for number in range(1, count + 1):
        kind = PrecinctType.STANDARD
        if number > count - separate:
            kind = SEPARATE_TYPES[(number + int(teryt)) % len(SEPARATE_TYPES)]
        voters = (
            rng.randint(40, 420)
            if kind is not PrecinctType.STANDARD
            else rng.randint(1300, 2600)
            if city
            else rng.randint(700, 2100)
        )
        made.append(
            PrecinctDefinition(
                number=number,
                address=f"{'ul. Szkolna' if city else 'Szkoła Podstawowa'} {number}, {teryt}",
                type=kind,
                eligible_voters=voters,
            )
        )
    return made


def country(rng: random.Random, gmina_limit: int | None = None) -> Country:
    """The whole country, or its first ``gmina_limit`` gminas (voivodeship by voivodeship) for a
    national-shaped sample small enough for a test."""
    gminas: list[Gmina] = []
    for voivodeship in VOIVODESHIPS:
        gminas += _voivodeship(rng, voivodeship)
    if gmina_limit is not None:
        gminas = _sample(gminas, gmina_limit)
    return Country(gminas=gminas)


def _voivodeship(rng: random.Random, code: str) -> list[Gmina]:
    found: list[Gmina] = []
    for teryt, count in BIG_CITIES.items():
        if teryt.startswith(code):
            found.append(_city(rng, teryt, count))
    if code == "14":
        shares = [rng.uniform(0.6, 1.4) for _ in WARSAW_DISTRICTS]
        for teryt, share in zip(WARSAW_DISTRICTS, shares, strict=True):
            count = round(WARSAW_PRECINCTS * share / sum(shares))
            found.append(_city(rng, teryt, count, kind=UnitKind.WARSAW_DISTRICT))
    taken = {g.powiat for g in found}
    cities = [p for p in range(61, 70) if f"{code}{p}" not in taken]
    found += [
        _city(rng, f"{code}{powiat}01", rng.randint(30, 110))
        for powiat in cities[:OTHER_CITIES_PER_VOIVODESHIP]
    ]
    for powiat in range(1, rng.randint(*LAND_POWIATS_PER_VOIVODESHIP) + 1):
        for number in range(1, rng.randint(*GMINAS_PER_POWIAT) + 1):
            kind = rng.choices(
                (UnitKind.RURAL, UnitKind.URBAN_RURAL, UnitKind.URBAN), weights=(62, 26, 12)
            )[0]
            digit = {UnitKind.URBAN: 1, UnitKind.RURAL: 2, UnitKind.URBAN_RURAL: 3}[kind]
            teryt = f"{code}{powiat:02d}{number:02d}"
            found.append(
                Gmina(
                    teryt=teryt,
                    name=f"Gmina {teryt}-{digit}",
                    kind=kind,
                    precincts=precincts(
                        rng, teryt, precinct_count(rng), city=kind is UnitKind.URBAN
                    ),
                )
            )
    return found


def _city(rng: random.Random, teryt: str, count: int, kind: UnitKind = UnitKind.URBAN) -> Gmina:
    return Gmina(
        teryt=teryt,
        name=f"Miasto {teryt}",
        kind=kind,
        precincts=precincts(rng, teryt, count, city=True),
    )


def _sample(gminas: list[Gmina], limit: int) -> list[Gmina]:
    """Up to ``limit`` gminas in whole powiats: the smallest city with powiat rights first (it
    brings a proportional council), then land powiats spread over the voivodeships."""
    by_powiat: dict[str, list[Gmina]] = {}
    for gmina in gminas:
        by_powiat.setdefault(gmina.powiat, []).append(gmina)
    cities = sorted(
        (g for g in by_powiat.values() if is_city_with_powiat_rights(g[0].teryt)),
        key=lambda group: sum(len(g.precincts) for g in group),
    )
    land = sorted(
        (g for g in by_powiat.values() if not is_city_with_powiat_rights(g[0].teryt)),
        key=lambda group: (group[0].teryt[2:4], group[0].teryt),
    )
    chosen: list[Gmina] = []
    for group in cities[:1] + land:
        if len(chosen) + len(group) <= limit:
            chosen += group
    return sorted(chosen, key=lambda g: g.teryt)
