"""Severity profiles: which severity each rule has in one election.

PKW changes severities between elections, and real published data breaks rules that were hard in
2015 (in both rounds of 2020 two precincts abroad report proxy voters). A profile names the
severity of every rule for one election; the default severities of the catalogue are the 2015
ones, the last the brief could verify. The 2024 and 2025 arithmetic annexes were not readable, so
their profiles keep the 2015 severities except where real data of later elections disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from domain.rules.catalogue import RULES
from schemas.protocol import Severity

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    overrides: Mapping[str, Severity]

    def severity(self, code: str) -> Severity:
        return self.overrides.get(code, RULES[code].severity)


_ABROAD_PROXY: Final = {"R105": Severity.WARNING}

PROFILES: Final = {
    profile.name: profile
    for profile in (
        Profile("pkw-2015", "PKW wytyczne and KBW list of 2015 (verified)", {}),
        Profile(
            "pkw-2020",
            "2015, but proxy voters in separate precincts and abroad only warn: both 2020 "
            "rounds have two precincts abroad reporting them",
            _ABROAD_PROXY,
        ),
        Profile("pkw-2023", "as pkw-2020 (senate)", _ABROAD_PROXY),
        Profile("pkw-2024", "local elections: the 2015 severities", {}),
        Profile("pkw-2025", "as pkw-2020", _ABROAD_PROXY),
    )
}

DEFAULT_FOR_FORM: Final = {
    "2015": "pkw-2015",
    "2020": "pkw-2020",
    "2023": "pkw-2023",
    "2024": "pkw-2024",
    "2025": "pkw-2025",
}


class UnknownProfileError(LookupError):
    pass


def profile_for(name: str, form: str) -> Profile:
    """The election's named profile, or the default one for the protocol's form."""
    chosen = name or DEFAULT_FOR_FORM.get(form, "pkw-2025")
    try:
        return PROFILES[chosen]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UnknownProfileError(f"no rules profile {chosen!r}; known: {known}") from None
