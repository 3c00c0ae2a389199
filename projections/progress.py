"""Progress per election x contest x round x gmina: protocols expected (from the definitions:
every precinct of the contest's units, or of each council district, round 2 only where a runoff
is called, no district where no vote takes place), reported, waiting for approval, with open
warnings, confirmed, corrected after confirmation, rejected; missing is expected - reported.

Besides the counts it keeps what the coordinator's board reads of one gmina with a few prefix
queries (``projections.board`` reads them): the precincts with their addresses and the state of
every protocol, keyed ``<election>|<teryt>|<precinct, 5 digits>[|<contest>|<district>|<round>]``
so a gmina's rows sort by precinct number, and each election's schedule (the rounds' days,
closing and turnout hours, how long after the close protocols are due), and per gmina and
contest the protocols expected there (``<election>|<teryt>|<contest>``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from projections.protocol_state import PROTOCOL_EVENTS, next_state
from schemas import definition_events as de
from schemas.catalog import PROXY
from schemas.protocol import ProtocolStatus

if TYPE_CHECKING:
    from projections.core import Event, View
    from schemas.definition import ElectionInfo, PrecinctDefinition

NAME: Final = "progress"
VERSION: Final = 2
UNITS, CONTESTS, ELECTIONS, PROTOCOLS, PROGRESS = (
    "units", "contests", "elections", "protocols", "progress")  # fmt: skip
PRECINCTS, EXPECTED, SCHEDULES = "precincts", "expected", "schedules"
TABLES: Final[tuple[str, ...]] = (
    UNITS,
    CONTESTS,
    ELECTIONS,
    PROTOCOLS,
    PROGRESS,
    PRECINCTS,
    EXPECTED,
    SCHEDULES,
)
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


def precinct_key(election: str, teryt: str, precinct: int | str) -> str:
    return f"{election}|{teryt}|{int(precinct):05d}"


def slot_key(election: str, teryt: str, precinct: int | str, contest: str, district: int | str,
             round_number: int | str) -> str:  # fmt: skip
    """A protocol's row: the precinct's key and where in the contest it counts."""
    return f"{precinct_key(election, teryt, precinct)}|{contest}|{district}|{round_number}"


def apply(view: View, event: Event) -> list[Change]:
    data = event.data
    if isinstance(data, PROTOCOL_EVENTS):
        return _protocol(view, event)
    election = event.routing.get("election", "")
    if isinstance(data, de.UnitDefined | de.PrecinctsEstablished):
        return _unit(view, event, election)
    if isinstance(data, CONTEST_EVENTS):
        return _contest(view, event, election)
    if isinstance(data, de.PrecinctChanged):
        return [_precinct(election, event.routing.get("gmina", ""), data.precinct)]
    if isinstance(data, de.ElectionDefined | de.ElectionDetailsChanged):
        return [_schedule(data.election)]
    return []


def _precinct(election: str, teryt: str, precinct: PrecinctDefinition) -> Put:
    return Put(PRECINCTS, precinct_key(election, teryt, precinct.number),
               {"number": precinct.number, "address": precinct.address,
                "type": precinct.type.value})  # fmt: skip


def _schedule(info: ElectionInfo) -> Put:
    """The election's days and hours, as the board needs them to say what is late."""
    rounds = {str(r.number): {"date": r.date.isoformat(), "polls_close": f"{r.polls_close:%H:%M}",
                              "turnout_hours": [f"{h:%H:%M}" for h in r.turnout_hours]}
              for r in info.rounds}  # fmt: skip
    return Put(
        SCHEDULES,
        info.code,
        {
            "election": info.code,
            "rounds": rounds,
            "protocols_due_after_close": info.protocols_due_after_close,
        },
    )


def _unit(view: View, event: Event, election: str) -> list[Change]:
    data = event.data
    defined = isinstance(data, de.UnitDefined)
    teryt = data.unit.teryt if defined else event.routing["gmina"]
    added = data.unit.precincts if defined else data.precincts
    unit_key = f"{election}|{teryt}"
    unit = view.get(UNITS, unit_key) or {"precincts": [], "name": ""}
    unit = {"precincts": sorted({*unit["precincts"], *(p.number for p in added)}),
            "name": data.unit.name if defined else unit["name"]}  # fmt: skip
    changes: list[Change] = [Put(UNITS, unit_key, unit)]
    changes += [_precinct(election, teryt, precinct) for precinct in added]
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
        row = {"election": election, "contest": key, "kind": data.kind, "area": data.area,
               "units": list(data.units), "runoff": False,
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
    """Recount the protocols expected of a contest, per gmina (just ``only`` when given), and
    keep the list of them for the board; a gmina that no longer expects any gets none."""
    row = view.get(CONTESTS, f"{election}|{contest}")
    if row is None:
        return []
    rounds = [1, 2] if row["runoff"] else [1]
    found = _slots(view, election, row, only)
    if only is None:
        found |= {teryt: set() for teryt in row.get("gminas", []) if teryt not in found}
    changes: list[Change] = []
    for teryt, expected in found.items():
        listed = {"election": election, "teryt": teryt, "contest": contest, "kind": row["kind"],
                  "rounds": rounds, "slots": sorted(expected, key=_slot_order)}  # fmt: skip
        if view.get(EXPECTED, f"{election}|{teryt}|{contest}") != listed:
            changes.append(Put(EXPECTED, f"{election}|{teryt}|{contest}", listed))
        for round_number in rounds:
            key = progress_key(election, contest, round_number, teryt)
            current = view.get(PROGRESS, key) or _empty(election, contest, round_number, teryt)
            if current["expected"] != len(expected):
                changes.append(Put(PROGRESS, key, current | {"expected": len(expected)}))
    gminas = sorted({*row.get("gminas", []), *(t for t, e in found.items() if e)} - {
        t for t, e in found.items() if not e})  # fmt: skip
    if gminas != row.get("gminas"):
        changes.append(Put(CONTESTS, f"{election}|{contest}", row | {"gminas": gminas}))
    return changes


def _slot_order(slot: str) -> tuple[int, int]:
    precinct, district = slot.split("/")
    return int(precinct), int(district)


def _slots(view: View, election: str, row: dict[str, Any],
           only: str | None = None) -> dict[str, set[str]]:  # fmt: skip
    """Per gmina (just ``only`` when given), the protocols a contest expects there:
    ``<precinct>/<district>``."""
    found: dict[str, set[str]] = {}

    def wanted(teryt: str) -> bool:
        return only is None or teryt == only

    if not row["districts"]:
        registry = view.get(ELECTIONS, election) or {"units": []}
        units = registry["units"] if row["kind"] in NATIONAL else (row["units"] or [row["area"]])
        for teryt in filter(wanted, units):
            found.setdefault(teryt, set()).update(_whole(view, election, teryt, "0"))
        return found
    for number, district in row["districts"].items():
        if row["kind"] == "council" and row["standing"].get(number, 0) <= district["seats"]:
            continue  # art. 380: no more candidates than seats, no vote, no protocol
        for ref in district["precincts"]:
            teryt, precinct = ref.split("-")
            if wanted(teryt):
                found.setdefault(teryt, set()).add(f"{precinct}/{number}")
        for teryt in filter(wanted, district["units"]):
            found.setdefault(teryt, set()).update(_whole(view, election, teryt, number))
    return found


def _whole(view: View, election: str, teryt: str, district: str) -> set[str]:
    unit = view.get(UNITS, f"{election}|{teryt}") or {"precincts": []}
    return {f"{number}/{district}" for number in unit["precincts"]}


def _protocol(view: View, event: Event) -> list[Change]:
    r = event.routing
    if "precinct" not in r:
        return []
    row_key = slot_key(r.get("election", ""), r.get("gmina", ""), r["precinct"],
                       r.get("contest", ""), r.get("district", ""), r.get("round", ""))  # fmt: skip
    old = view.get(PROTOCOLS, row_key)
    new = next_state(old, event)
    if new is None:
        return []
    # The board's needs, not the numbers (the tally keeps those): when, and whether a version
    # was entered on the commission's behalf.
    at = event.envelope.get("recorded_at", "")
    proxy = event.envelope.get("channel") == PROXY or bool(old and old["proxy"])
    new = {name: value for name, value in new.items() if name != "numbers"} | {
        "at": at,
        "first_at": old["first_at"] if old else at,
        "proxy": proxy,
    }
    key = progress_key(new["election"], new["contest"], new["round"], new["teryt"])
    row = view.get(PROGRESS, key) or _empty(new["election"], new["contest"], new["round"],
                                            new["teryt"])  # fmt: skip
    before, after = _counts(old), _counts(new)
    row = row | {name: row[name] - before[name] + after[name] for name in COUNTERS}
    return [Put(PROTOCOLS, row_key, new), Put(PROGRESS, key, row)]


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
