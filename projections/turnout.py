"""Turnout per reporting hour: per precinct, and rolled up per gmina, powiat, województwo and the
country (voters on the lists and ballots issued so far, precincts reporting, late reports).
A correction replaces the precinct's numbers for that hour."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from schemas import protocol_events as ev

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "turnout"
VERSION: Final = 1
RECORDS, REPORTS, TOTALS = "records", "reports", "totals"
TABLES: Final[tuple[str, ...]] = (RECORDS, REPORTS, TOTALS)


def levels(teryt: str) -> list[tuple[str, str]]:
    return [("gmina", teryt), ("powiat", teryt[:4]), ("wojewodztwo", teryt[:2]), ("country", "PL")]


def apply(view: View, event: Event) -> list[Change]:
    data = event.data
    if isinstance(data, ev.TurnoutOpened):
        opened = {"election": data.election, "teryt": data.teryt, "precinct": data.precinct,
                  "round": data.round}  # fmt: skip
        return [Put(RECORDS, event.aggregate_id, opened)]
    if not isinstance(data, ev.TurnoutReported | ev.TurnoutCorrected):
        return []
    place = view.get(RECORDS, event.aggregate_id)
    if place is None:
        return []
    hour = data.report.hour.strftime("%H:%M")
    key = "|".join(map(str, (place["election"], place["teryt"], place["precinct"], place["round"],
                             hour)))  # fmt: skip
    old = view.get(REPORTS, key)
    late = old["late"] if old else bool(getattr(data, "late", False))
    new = place | {"hour": hour, "eligible_voters": data.report.eligible_voters,
                   "ballots_issued": data.report.ballots_issued,
                   "late": late}  # fmt: skip
    changes: list[Change] = [Put(REPORTS, key, new)]
    for level, code in levels(place["teryt"]):
        total_key = "|".join(map(str, (place["election"], place["round"], hour, level, code)))
        row = view.get(TOTALS, total_key) or {
            "election": place["election"], "round": place["round"], "hour": hour,
            "level": level, "code": code, "eligible_voters": 0, "ballots_issued": 0,
            "precincts": 0, "late": 0,
        }  # fmt: skip
        changes.append(Put(TOTALS, total_key, _shifted(row, old, new)))
    return changes


def _shifted(
    row: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any]
) -> dict[str, Any]:
    shifted = dict(row)
    for name in ("eligible_voters", "ballots_issued"):
        shifted[name] += new[name] - (old[name] if old else 0)
    if old is None:
        shifted["precincts"] += 1
        shifted["late"] += int(new["late"])
    return shifted
