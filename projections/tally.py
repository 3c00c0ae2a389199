"""Tallies per election x contest x district x round, per gmina and, for national contests, rolled
up per powiat, województwo and the country: every protocol number summed, votes per candidate
(or list and list candidate), over each protocol's CURRENT version only. A correction replaces
that precinct's numbers; it never adds.

Two flavours: ``accepted`` (current versions accepted or confirmed: not waiting for approval, not
rejected) and ``confirmed`` (confirmed against the paper copy only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from projections.protocol_state import PROTOCOL_EVENTS, next_state
from schemas.protocol import ProtocolStatus

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "tally"
VERSION: Final = 1
PROTOCOLS, TALLIES = "protocols", "tallies"
TABLES: Final = (PROTOCOLS, TALLIES)
FLAVOURS: Final = {
    "accepted": frozenset({ProtocolStatus.ACCEPTED, ProtocolStatus.CONFIRMED}),
    "confirmed": frozenset({ProtocolStatus.CONFIRMED}),
}
NATIONAL: Final = frozenset({"president", "senate"})


def areas(teryt: str, contest: str) -> list[tuple[str, str]]:
    """(level, code) of every roll-up a protocol of this gmina counts in."""
    if contest.split(":", 1)[0] in NATIONAL:
        return [("gmina", teryt), ("powiat", teryt[:4]), ("wojewodztwo", teryt[:2]),
                ("country", "PL")]  # fmt: skip
    return [("gmina", teryt)]


def tally_key(flavour: str, state: dict[str, Any], level: str, code: str) -> str:
    election, contest, district, round_ = (
        state["election"], state["contest"], state["district"], state["round"])  # fmt: skip
    return f"{flavour}|{election}|{contest}|{district}|{round_}|{level}|{code}"


def apply(view: View, event: Event) -> list[Change]:
    if not isinstance(event.data, PROTOCOL_EVENTS):
        return []
    old = view.get(PROTOCOLS, event.aggregate_id)
    new = next_state(old, event)
    if new is None:
        return []
    changes: list[Change] = [Put(PROTOCOLS, event.aggregate_id, new)]
    for flavour, statuses in FLAVOURS.items():
        before = old["numbers"] if old and old["status"] in statuses else None
        after = new["numbers"] if new["status"] in statuses else None
        if before == after:
            continue
        delta = _delta(before, after)
        counted = (after is not None) - (before is not None)
        for level, code in areas(new["teryt"], new["contest"]):
            key = tally_key(flavour, new, level, code)
            row = view.get(TALLIES, key) or _empty(flavour, new, level, code)
            changes.append(Put(TALLIES, key, _shifted(row, delta, counted)))
    return changes


def _empty(flavour: str, state: dict[str, Any], level: str, code: str) -> dict[str, Any]:
    return {
        "flavour": flavour,
        "election": state["election"],
        "contest": state["contest"],
        "district": state["district"],
        "round": state["round"],
        "level": level,
        "code": code,
        "precincts": 0,
        "numbers": {},
    }


def _delta(before: dict[str, int] | None, after: dict[str, int] | None) -> dict[str, int]:
    """What each number moves by, once for all roll-ups; names in the order they first appear
    (the old version's, then the new one's), which is the order a row lacking them takes."""
    delta = {name: -value for name, value in (before or {}).items()}
    for name, value in (after or {}).items():
        delta[name] = delta.get(name, 0) + value
    return {name: value for name, value in delta.items() if value}


def _shifted(row: dict[str, Any], delta: dict[str, int], counted: int) -> dict[str, Any]:
    totals = dict(row["numbers"])
    emptied = False
    for name, value in delta.items():
        total = totals.get(name, 0) + value
        totals[name] = total
        emptied = emptied or not total
    if emptied:  # a row keeps no zero (every row is written here, so only these can be)
        totals = {name: value for name, value in totals.items() if value}
    return row | {"numbers": totals, "precincts": row["precincts"] + counted}
