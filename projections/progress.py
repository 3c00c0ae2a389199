"""Progress per election x contest x round x gmina: protocols expected (from the definitions:
every precinct of the contest's units, or of each council district, round 2 only where a runoff
is called, no district where no vote takes place), reported, waiting for approval, with open
warnings, confirmed, corrected after confirmation, rejected; missing is expected - reported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from projections.protocol_state import PROTOCOL_EVENTS, next_state
from schemas import definition_events as de
from schemas.protocol import ProtocolStatus

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "progress"
VERSION: Final = 1
UNITS, CONTESTS, ELECTIONS, PROTOCOLS, PROGRESS = (
    "units", "contests", "elections", "protocols", "progress")  # fmt: skip
TABLES: Final = (UNITS, CONTESTS, ELECTIONS, PROTOCOLS, PROGRESS)
COUNTERS: Final = ("reported", "awaiting_approval", "open_warnings", "confirmed",
                   "corrected_after_confirmation", "rejected")  # fmt: skip
NATIONAL: Final = frozenset({"president", "senate"})
CONTEST_EVENTS: Final = (
    de.ContestDefined, de.DistrictPrecinctsAdded, de.CandidateRegistered, de.ListRegistered,
    de.CandidateWithdrawn, de.RunoffCandidatesSet,
)  # fmt: skip
"""The contest events that change what a contest expects (who stands where, runoffs)."""


def progress_key(election: str, contest: str, round_number: int, teryt: str) -> str:
    return f"{election}|{contest}|{round_number}|{teryt}"


def apply(view: View, event: Event) -> list[Change]:
    data = event.data
    if isinstance(data, PROTOCOL_EVENTS):
        return _protocol(view, event)
    election = event.routing.get("election", "")
    if isinstance(data, de.UnitDefined | de.PrecinctsEstablished):
        return _unit(view, event, election)
    if isinstance(data, CONTEST_EVENTS):
        return _contest(view, event, election)
    return []


def _unit(view: View, event: Event, election: str) -> list[Change]:
    data = event.data
    defined = isinstance(data, de.UnitDefined)
    teryt = data.unit.teryt if defined else event.routing["gmina"]
    added = data.unit.precincts if defined else data.precincts
    unit_key = f"{election}|{teryt}"
    unit = view.get(UNITS, unit_key) or {"precincts": []}
    unit = {"precincts": sorted({*unit["precincts"], *(p.number for p in added)})}
    changes: list[Change] = [Put(UNITS, unit_key, unit)]
    registry = view.get(ELECTIONS, election) or {"units": [], "contests": []}
    if teryt not in registry["units"]:
        registry = registry | {"units": sorted({*registry["units"], teryt})}
        changes.append(Put(ELECTIONS, election, registry))
    overlay = _Pending(view, changes)
    for contest in registry["contests"]:
        changes += _expected(overlay, election, contest, only=teryt)
    return changes


def _contest(view: View, event: Event, election: str) -> list[Change]:
    key = event.routing.get("contest", "")
    contest_key = f"{election}|{key}"
    row = view.get(CONTESTS, contest_key)
    data = event.data
    if isinstance(data, de.ContestDefined):
        row = {"kind": data.kind, "area": data.area, "units": list(data.units), "runoff": False,
               "districts": {str(d.number): {"seats": d.seats, "precincts": list(d.precincts),
                                             "units": list(d.units)} for d in data.districts},
               "standing": {}}  # fmt: skip
    elif row is None:
        return []
    else:
        row = _amended(row, event)
    changes: list[Change] = [Put(CONTESTS, contest_key, row)]
    registry = view.get(ELECTIONS, election) or {"units": [], "contests": []}
    if key not in registry["contests"]:
        contests = sorted({*registry["contests"], key})
        changes.append(Put(ELECTIONS, election, registry | {"contests": contests}))
    return changes + _expected(_Pending(view, changes), election, key)


def _amended(row: dict[str, Any], event: Event) -> dict[str, Any]:
    data, row = event.data, dict(row)
    standing = dict(row["standing"])
    if isinstance(data, de.DistrictPrecinctsAdded):
        districts = dict(row["districts"])
        district = dict(districts[str(data.district)])
        district["precincts"] = [*district["precincts"], *data.precincts]
        districts[str(data.district)] = district
        row["districts"] = districts
    elif isinstance(data, de.CandidateRegistered):
        standing[str(data.district)] = standing.get(str(data.district), 0) + 1
    elif isinstance(data, de.ListRegistered):
        standing[str(data.district)] = standing.get(str(data.district), 0) + len(data.candidates)
    elif isinstance(data, de.CandidateWithdrawn):
        standing[str(data.district)] = standing.get(str(data.district), 0) - 1
    elif isinstance(data, de.RunoffCandidatesSet):
        row["runoff"] = True
    row["standing"] = standing
    return row


def _expected(view: View, election: str, contest: str, only: str | None = None) -> list[Change]:
    """Recount the protocols expected of a contest, per gmina (just ``only`` when given)."""
    row = view.get(CONTESTS, f"{election}|{contest}")
    if row is None:
        return []
    rounds = (1, 2) if row["runoff"] else (1,)
    changes: list[Change] = []
    for teryt, expected in _slots(view, election, row).items():
        if only is not None and teryt != only:
            continue
        for round_number in rounds:
            key = progress_key(election, contest, round_number, teryt)
            current = view.get(PROGRESS, key) or _empty(election, contest, round_number, teryt)
            if current["expected"] != len(expected):
                changes.append(Put(PROGRESS, key, current | {"expected": len(expected)}))
    return changes


def _slots(view: View, election: str, row: dict[str, Any]) -> dict[str, set[str]]:
    """Per gmina, the protocols a contest expects there: ``<precinct>/<district>``."""
    slots: dict[str, set[str]] = {}
    if not row["districts"]:
        registry = view.get(ELECTIONS, election) or {"units": []}
        units = registry["units"] if row["kind"] in NATIONAL else (row["units"] or [row["area"]])
        for teryt in units:
            slots.setdefault(teryt, set()).update(_whole(view, election, teryt, "0"))
        return slots
    for number, district in row["districts"].items():
        if row["kind"] == "council" and row["standing"].get(number, 0) <= district["seats"]:
            continue  # art. 380: no more candidates than seats, no vote, no protocol
        for ref in district["precincts"]:
            teryt, precinct = ref.split("-")
            slots.setdefault(teryt, set()).add(f"{precinct}/{number}")
        for teryt in district["units"]:
            slots.setdefault(teryt, set()).update(_whole(view, election, teryt, number))
    return slots


def _whole(view: View, election: str, teryt: str, district: str) -> set[str]:
    unit = view.get(UNITS, f"{election}|{teryt}") or {"precincts": []}
    return {f"{number}/{district}" for number in unit["precincts"]}


def _protocol(view: View, event: Event) -> list[Change]:
    old = view.get(PROTOCOLS, event.aggregate_id)
    new = next_state(old, event)
    if new is None:
        return []
    key = progress_key(new["election"], new["contest"], new["round"], new["teryt"])
    row = view.get(PROGRESS, key) or _empty(new["election"], new["contest"], new["round"],
                                            new["teryt"])  # fmt: skip
    before, after = _counts(old), _counts(new)
    row = row | {name: row[name] - before[name] + after[name] for name in COUNTERS}
    return [Put(PROTOCOLS, event.aggregate_id, new), Put(PROGRESS, key, row)]


def _counts(state: dict[str, Any] | None) -> dict[str, int]:
    if state is None:
        return dict.fromkeys(COUNTERS, 0)
    status = state["status"]
    return {
        "reported": 1,
        "awaiting_approval": int(status == ProtocolStatus.AWAITING_APPROVAL),
        "open_warnings": int(state["warnings"] > 0 and status != ProtocolStatus.CONFIRMED),
        "confirmed": int(status == ProtocolStatus.CONFIRMED),
        "corrected_after_confirmation": int(state["corrected_after_confirmation"]),
        "rejected": int(status == ProtocolStatus.REJECTED),
    }


def _empty(election: str, contest: str, round_number: int, teryt: str) -> dict[str, Any]:
    return {"election": election, "contest": contest, "round": round_number, "gmina": teryt,
            "expected": 0, **dict.fromkeys(COUNTERS, 0)}  # fmt: skip


class _Pending:
    """The view with changes not yet returned: definitions refer to rows written just before."""

    def __init__(self, view: View, changes: list[Change]) -> None:
        self._view = view
        self._changes = changes

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        for change in reversed(self._changes):
            if change.table == table and change.key == key:
                return change.value if isinstance(change, Put) else None
        return self._view.get(table, key)
