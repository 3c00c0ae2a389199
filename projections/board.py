"""The coordinator's board of one gmina, read from the progress and turnout views' rows: every
precinct with the state of each protocol it owes (contest x district x round) and of each turnout
report, the counts per contest, and what is missing. Pure: the caller fetches the rows (a few
prefix queries, ``<election>|<teryt>|``) and says what time it is.

"Late" is judged at ``now`` against the round's schedule: a turnout report is due at its hour
plus the 30 minutes of grace the turnout rules give (``domain.turnout.GRACE``); a protocol at the
polls' close plus the election's ``protocols_due_after_close`` (02:00 unless the definition says
otherwise). A round the schedule does not know has no due time, so nothing in it is late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from domain.clock import civil_instant
from domain.turnout import GRACE
from schemas.board import (
    CELL_STATES,
    TURNOUT_STATES,
    Board,
    BoardCell,
    BoardPrecinct,
    ContestSummary,
    MissingItem,
    MissingPage,
    TurnoutCell,
    TurnoutSummary,
)
from schemas.definition import PrecinctType
from schemas.protocol import ProtocolStatus

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

KIND_ORDER: Final = ("council", "mayor", "county-council", "regional-assembly", "president",
                     "senate")  # fmt: skip
_RANK: Final = {state: rank for rank, state in enumerate(CELL_STATES)}
_TURNOUT_AS_CELL: Final = {"late": "late", "missing": "missing", "reported_late": "accepted",
                           "reported": "accepted"}  # fmt: skip


@dataclass(frozen=True)
class BoardRows:
    """One gmina's rows of one election, as the views hold them."""

    schedule: dict[str, Any] | None
    """The progress view's ``schedules`` row of the election."""
    precincts: Sequence[dict[str, Any]]
    expected: Sequence[dict[str, Any]]
    """The progress view's ``expected`` rows: per contest, the protocols owed here."""
    protocols: Sequence[dict[str, Any]]
    turnout: Sequence[dict[str, Any]]
    """The turnout view's ``reports`` rows."""
    position: int = 0
    name: str = ""
    """The gmina's name."""


@dataclass(frozen=True)
class _Due:
    """When things are due in one round (None: not known)."""

    protocols: dt.datetime | None
    turnout: dict[str, dt.datetime]
    polls_close: dt.datetime | None = None


def rounds_of(rows: BoardRows) -> tuple[int, ...]:
    """The rounds with protocols owed in the gmina (round 1 at least)."""
    return tuple(sorted({1, *(r for row in rows.expected if row["slots"] for r in row["rounds"])}))


@dataclass(frozen=True)
class Plan:
    """What one round of a gmina owes, and when (from the definitions' rows only)."""

    round: int
    rounds: tuple[int, ...]
    due: _Due
    expected: tuple[dict[str, Any], ...]
    """The ``expected`` rows of the round, in the order the board shows contests."""
    owed: dict[int, tuple[tuple[str, int], ...]]
    """Per precinct, the (contest, district) of each protocol it owes."""

    def turnout_from(self, number: int, kind: str) -> bool:
        """Whether a precinct reports turnout: permanent precincts only; in round 1 all of
        them, in a runoff those voting in it."""
        voting = self.round == 1 or number in self.owed
        return voting and kind == PrecinctType.STANDARD.value


def plan(rows: BoardRows, round_number: int | None = None) -> Plan:
    """The plan of one round (the latest with protocols owed, unless ``round_number``)."""
    rounds = rounds_of(rows)
    chosen = round_number if round_number is not None else rounds[-1]
    expected = tuple(sorted((row for row in rows.expected if chosen in row["rounds"]),
                            key=_contest_order))  # fmt: skip
    owed: dict[int, list[tuple[str, int]]] = {}
    for row in expected:
        for slot in row["slots"]:
            precinct, district = slot.split("/")
            owed.setdefault(int(precinct), []).append((row["contest"], int(district)))
    return Plan(chosen, rounds, _due(rows.schedule, chosen), expected,
                {n: tuple(pairs) for n, pairs in owed.items()})  # fmt: skip


def precinct_row(plan: Plan, info: dict[str, Any], protocols: Iterable[dict[str, Any]],
                 reports: Iterable[dict[str, Any]], now: dt.datetime) -> BoardPrecinct:  # fmt: skip
    """One precinct's row: its ``protocols`` and turnout ``reports`` rows (any round)."""
    number, chosen = info["number"], plan.round
    recorded = {(p["contest"], p["district"]): p for p in protocols if p["round"] == chosen}
    owed = list(plan.owed.get(number, ()))
    owed += [pair for pair in recorded if pair not in owed]  # recorded, no longer expected
    cells = tuple(_cell(recorded.get(pair), *pair, chosen, plan.due.protocols, now)
                  for pair in owed)  # fmt: skip
    turnout: tuple[TurnoutCell, ...] = ()
    if plan.turnout_from(number, info["type"]):
        hours = {r["hour"]: r for r in reports if r["round"] == chosen}
        turnout = tuple(_turnout_cell(hours.get(hour), chosen, hour, at, now)
                        for hour, at in plan.due.turnout.items())  # fmt: skip
    return BoardPrecinct(number=number, address=info["address"], type=info["type"], cells=cells,
                         turnout=turnout, worst=_worst(cells, turnout))  # fmt: skip


def assembled(election: str, teryt: str, name: str, plan: Plan,
              precincts: Sequence[BoardPrecinct], now: dt.datetime,
              position: int) -> Board:  # fmt: skip
    """The board from its precincts' rows (in precinct order), with the counts."""
    return Board(
        election=election, teryt=teryt, name=name, round=plan.round, rounds=plan.rounds,
        as_of=_iso(now), contests=tuple(_summary(row, plan.round, precincts)
                                        for row in plan.expected),
        turnout=_turnout_summaries(precincts, plan.round, plan.due),
        precincts=tuple(precincts), position=position,
    )  # fmt: skip


def board(election: str, teryt: str, rows: BoardRows, now: dt.datetime,
          round_number: int | None = None) -> Board:  # fmt: skip
    """The board of one round (the latest with protocols owed, unless ``round_number``)."""
    chosen = plan(rows, round_number)
    protocols: dict[int, list[dict[str, Any]]] = {}
    for row in rows.protocols:
        protocols.setdefault(row["precinct"], []).append(row)
    reports: dict[int, list[dict[str, Any]]] = {}
    for row in rows.turnout:
        reports.setdefault(row["precinct"], []).append(row)
    precincts = [precinct_row(chosen, info, protocols.get(info["number"], ()),
                              reports.get(info["number"], ()), now)
                 for info in sorted(rows.precincts, key=lambda p: p["number"])]  # fmt: skip
    return assembled(election, teryt, rows.name, chosen, precincts, now, rows.position)


def missing(election: str, teryt: str, rows: BoardRows, now: dt.datetime,
            round_number: int | None = None) -> MissingPage:  # fmt: skip
    """Every protocol and turnout report not received, of one round or of all of them."""
    rounds = (round_number,) if round_number is not None else rounds_of(rows)
    items: list[MissingItem] = []
    for chosen in rounds:
        for precinct in board(election, teryt, rows, now, chosen).precincts:
            items += [MissingItem(precinct=precinct.number, address=precinct.address,
                                  what="protocol", round=chosen, contest=cell.contest,
                                  district=cell.district, due=cell.due,
                                  late=cell.state == "late", late_s=cell.late_s)
                      for cell in precinct.cells if cell.state in ("missing", "late")]  # fmt: skip
            items += [MissingItem(precinct=precinct.number, address=precinct.address,
                                  what="turnout", round=chosen, hour=cell.hour, due=cell.due,
                                  late=cell.state == "late", late_s=cell.late_s)
                      for cell in precinct.turnout
                      if cell.state in ("missing", "late")]  # fmt: skip
    return MissingPage(election=election, gmina=teryt, as_of=_iso(now), position=rows.position,
                       rows=tuple(items))  # fmt: skip


def state_of(row: dict[str, Any]) -> str:
    """A received protocol's state on the board."""
    status = row["status"]
    if status == ProtocolStatus.REJECTED:
        return "rejected"
    if status == ProtocolStatus.AWAITING_APPROVAL:
        return "awaiting_approval"
    if status == ProtocolStatus.CONFIRMED:
        return "confirmed"
    if row["corrected_after_confirmation"]:
        return "corrected"
    return "warnings" if row["warnings"] else "accepted"


def _cell(row: dict[str, Any] | None, contest: str, district: int, round_number: int,
          due: dt.datetime | None, now: dt.datetime) -> BoardCell:  # fmt: skip
    due_text = _iso(due) if due else ""
    if row is None:
        late = due is not None and now > due
        return BoardCell(contest=contest, district=district, round=round_number,
                         state="late" if late else "missing", due=due_text,
                         late_s=_seconds(now - due) if late and due else 0)  # fmt: skip
    arrived = dt.datetime.fromisoformat(row["first_at"]) if row.get("first_at") else None
    late_s = _seconds(arrived - due) if arrived and due and arrived > due else 0
    return BoardCell(contest=contest, district=district, round=round_number, state=state_of(row),
                     version=row["version"], warnings=row["warnings"], at=row.get("at", ""),
                     due=due_text, late_s=late_s, proxy=bool(row.get("proxy")),
                     corrected=bool(row["corrected_after_confirmation"]))  # fmt: skip


def _turnout_cell(report: dict[str, Any] | None, round_number: int, hour: str,
                  due: dt.datetime, now: dt.datetime) -> TurnoutCell:  # fmt: skip
    if report is None:
        late = now > due
        return TurnoutCell(round=round_number, hour=hour, state="late" if late else "missing",
                           due=_iso(due), late_s=_seconds(now - due) if late else 0)  # fmt: skip
    return TurnoutCell(round=round_number, hour=hour,
                       state="reported_late" if report["late"] else "reported", due=_iso(due),
                       eligible_voters=report["eligible_voters"],
                       ballots_issued=report["ballots_issued"])  # fmt: skip


def _due(schedule: dict[str, Any] | None, round_number: int) -> _Due:
    day = (schedule or {}).get("rounds", {}).get(str(round_number))
    if schedule is None or day is None:
        return _Due(protocols=None, turnout={})
    date = dt.date.fromisoformat(day["date"])
    hours, minutes = map(int, schedule["protocols_due_after_close"].split(":"))
    closing = civil_instant(date, dt.time.fromisoformat(day["polls_close"]))
    return _Due(
        protocols=closing + dt.timedelta(hours=hours, minutes=minutes),
        polls_close=closing,
        turnout={hour: civil_instant(date, dt.time.fromisoformat(hour)) + GRACE
                 for hour in day["turnout_hours"]},
    )  # fmt: skip


def _worst(cells: Iterable[BoardCell], turnout: Iterable[TurnoutCell]) -> str:
    states = [c.state for c in cells] + [_TURNOUT_AS_CELL[t.state] for t in turnout]
    return min(states, key=_RANK.__getitem__) if states else ""


def _summary(row: dict[str, Any], round_number: int,
             precincts: Iterable[BoardPrecinct]) -> ContestSummary:  # fmt: skip
    counts = dict.fromkeys(CELL_STATES, 0)
    for precinct in precincts:
        for cell in precinct.cells:
            if cell.contest == row["contest"]:
                counts[cell.state] += 1
    return ContestSummary(contest=row["contest"], kind=row["kind"], round=round_number,
                          expected=len(row["slots"]), counts=counts)  # fmt: skip


def _turnout_summaries(precincts: Iterable[BoardPrecinct], round_number: int,
                       due: _Due) -> tuple[TurnoutSummary, ...]:  # fmt: skip
    counts = {hour: dict.fromkeys(TURNOUT_STATES, 0) for hour in due.turnout}
    sums = {hour: [0, 0] for hour in due.turnout}
    for precinct in precincts:
        for cell in precinct.turnout:
            counts[cell.hour][cell.state] += 1
            sums[cell.hour][0] += cell.eligible_voters
            sums[cell.hour][1] += cell.ballots_issued
    return tuple(TurnoutSummary(round=round_number, hour=hour, expected=sum(c.values()), counts=c,
                                eligible_voters=sums[hour][0], ballots_issued=sums[hour][1])
                 for hour, c in counts.items())  # fmt: skip


def _contest_order(row: dict[str, Any]) -> tuple[int, str]:
    kind = row["kind"]
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)), row["contest"]


def _seconds(delta: dt.timedelta) -> int:
    return int(delta.total_seconds())


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
