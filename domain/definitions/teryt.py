"""PKW's 6-digit TERYT codes of gminas (``WWPPGG``) and the special units PKW adds to them."""

from __future__ import annotations

from typing import Final

from schemas.definition import UnitKind

ABROAD: Final = "149901"
SHIPS: Final = "149801"
WARSAW: Final = "146501"
WARSAW_DISTRICTS: Final = frozenset(f"1465{n:02d}" for n in range(2, 20))
CITY_POWIAT_FROM: Final = 61  # powiat codes 61-99 are cities with powiat rights


def teryt_problem(teryt: str, kind: UnitKind) -> str | None:
    """Why ``teryt`` cannot be a unit of ``kind``, or None when it can."""
    special = {ABROAD: UnitKind.ABROAD, SHIPS: UnitKind.SHIPS}
    if teryt in special or kind in special.values():
        expected = special.get(teryt)
        if expected is not kind:
            return f"{ABROAD} is the unit 'zagranica' and {SHIPS} the unit 'statki', and only they"
        return None
    if (teryt in WARSAW_DISTRICTS) != (kind is UnitKind.WARSAW_DISTRICT):
        return "Warsaw's districts are 146502-146519, each of kind 'dzielnica w m.st. Warszawa'"
    voivodeship, powiat, gmina = int(teryt[:2]), int(teryt[2:4]), int(teryt[4:])
    if voivodeship % 2 or not 2 <= voivodeship <= 32:
        return f"voivodeship code {teryt[:2]} is not one of 02, 04, ... 32"
    if powiat == 0 or gmina == 0:
        return "powiat and gmina codes start at 01"
    return None


def is_city_with_powiat_rights(teryt: str) -> bool:
    return int(teryt[2:4]) >= CITY_POWIAT_FROM
