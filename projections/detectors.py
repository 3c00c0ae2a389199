"""Discrepancy detectors, version 1: pure checks over protocol numbers and their neighbours.

Arithmetic rules judge one protocol; these look wider: at turnout reports, at the other contests of
the precinct, at plausible ranges, at the gmina's other precincts and at the first round. The
2025 swapped protocols balanced every sum; only comparisons like these catch them. Thresholds are
part of the detector version: changing one is a new ``DETECTORS_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from projections import robust

DETECTORS_VERSION: Final = "2026.2"
BALLOT_STOCK: Final = (0.5, 0.8)
"""Shares of the ballots delivered (the planned print run) whose crossing raises an alert."""
PLAUSIBLE: Final = {"certificate": (0.2, 20), "proxy": (0.05, 10), "invalid_ballots": (0.05, 10)}
"""field: (share of ballots issued, slack): a value above share * issued + slack is implausible."""
OUTLIER_Z: Final = 4.0
OUTLIER_MAD_FLOOR: Final = 0.02
"""Spreads below 2 points count as 2 points: a 0.1 % candidate at 0.6 % is noise, not news."""
OUTLIER_MIN_PRECINCTS: Final = 8
SWAP_MARGIN: Final = 0.10


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    detail: str
    message: str
    """In English (the API's and the log's language)."""
    message_pl: str = ""
    """The same in Polish, for the coordinator's pages."""


def implausible(numbers: dict[str, int]) -> list[Finding]:
    issued = numbers.get("ballots_issued", 0)
    found = []
    for name, (share, slack) in PLAUSIBLE.items():
        value = numbers.get(name, 0)
        if value > share * issued + slack:
            found.append(
                Finding(
                    "implausible-number",
                    "warning",
                    name,
                    f"{name} = {value} with {issued} ballots issued: typed wrong?",
                    f"{name} = {value} przy {issued} wydanych kartach: pomyłka przy wpisywaniu?",
                )
            )
    return found


def ballot_stock(issued: int, delivered: int | None) -> list[Finding]:
    if not delivered:
        return []
    return [
        Finding(
            "ballot-stock",
            "info",
            f"{int(level * 100)}%",
            f"ballots issued ({issued}) crossed {int(level * 100)}% of those delivered "
            f"({delivered}): check the reserve",
            f"wydano {issued} kart, ponad {int(level * 100)}% otrzymanych ({delivered}): "
            "sprawdź zapas",
        )
        for level in BALLOT_STOCK
        if issued >= level * delivered
    ]


def shares(numbers: dict[str, int]) -> dict[str, float]:
    """Each candidate's (or list's) share of the valid votes, and the invalid-vote share."""
    valid = numbers.get("valid_votes", 0)
    ballots = numbers.get("valid_ballots", 0)
    found = {
        name: votes / valid
        for name, votes in numbers.items()
        if valid and (name.startswith("c.") or (name.startswith("l.") and name.count(".") == 1))
    }
    if ballots:
        found["invalid"] = numbers.get("invalid_votes", 0) / ballots
    return found


def outliers(
    group: robust.Group, previous: robust.Group | None = None, changed: str | None = None
) -> dict[str, list[Finding]]:
    """Precincts whose share of something sits far from the gmina's other precincts (robust
    z-score on median and MAD). ``previous`` and ``changed``: ``group`` is ``previous`` but for
    that one precinct (its sorted shares are then updated rather than sorted again)."""
    found: dict[str, list[Finding]] = {}
    columns = robust.columns(group, previous, changed)
    if len(group) < OUTLIER_MIN_PRECINCTS:
        return found
    for name in sorted(columns):
        ordered = columns[name]
        if len(ordered) < OUTLIER_MIN_PRECINCTS:
            continue
        median = robust.median(ordered)
        mad = max(robust.spread(ordered, median), OUTLIER_MAD_FLOOR)
        # |z| only grows towards either end of the sorted values: ends within bounds, none out.
        if not (_far(ordered[0], median, mad) or _far(ordered[-1], median, mad)):
            continue
        for precinct, values in group.items():
            value = values.get(name)
            if value is not None and _far(value, median, mad):
                found.setdefault(precinct, []).append(
                    Finding(
                        "outlier",
                        "warning",
                        name,
                        f"{name} share {value:.1%} against the gmina's median {median:.1%}",
                        f"udział {name} {value:.1%} wobec mediany gminy {median:.1%}",
                    )
                )
    return found


def _far(value: float, median: float, mad: float) -> bool:
    return abs(0.6745 * (value - median) / mad) > OUTLIER_Z


def swapped(
    first: dict[str, float],
    runoff: dict[str, float],
    gmina: dict[str, float],
    pair: tuple[str, str],
) -> Finding | None:
    """A runoff protocol whose two candidates look swapped: its result disagrees with both its own
    first round and its gmina's runoff, by a clear margin, and swapping them would agree."""
    a, b = pair
    if not all(name in values for values in (first, runoff, gmina) for name in pair):
        return None
    margin = runoff[a] - runoff[b]
    if abs(margin) < SWAP_MARGIN:
        return None
    against_first = (first[a] - first[b]) * margin < 0
    against_gmina = (gmina[a] - gmina[b]) * margin < 0
    if against_first and against_gmina:
        return Finding(
            "runoff-swap",
            "warning",
            f"{a}/{b}",
            f"{a} {runoff[a]:.1%} vs {b} {runoff[b]:.1%} runs against both the first "
            "round here and the gmina's runoff: candidates swapped when copied?",
            f"{a} {runoff[a]:.1%} wobec {b} {runoff[b]:.1%}: odwrotnie niż w I turze w tym "
            "obwodzie i w II turze w gminie; zamienieni kandydaci przy przepisywaniu?",
        )
    return None
