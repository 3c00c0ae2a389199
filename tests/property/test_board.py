"""The board is a faithful reading of the views' rows: every protocol a precinct owes is one
cell, counted once in its contest; a cell is late exactly when nothing arrived and its due time
has passed; what is missing is exactly the cells and turnout hours without a report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from projections.board import BoardRows, board, missing, state_of
from schemas.board import CELL_STATES, TURNOUT_STATES

ELECTION, TERYT = "e-2026", "021501"
SCHEDULE = {"election": ELECTION, "protocols_due_after_close": "02:00",
            "rounds": {"1": {"date": "2026-04-12", "polls_close": "21:00",
                             "turnout_hours": ["12:00", "17:00"]},
                       "2": {"date": "2026-04-26", "polls_close": "21:00",
                             "turnout_hours": ["12:00"]}}}  # fmt: skip
# 23:00 in Warsaw on 12 April 2026 (summer time, UTC+2): protocols of round 1 are due then.
DUE_1 = dt.datetime(2026, 4, 12, 21, 0, tzinfo=dt.UTC)
STATUSES = ("accepted", "awaiting-approval", "confirmed", "rejected")


@st.composite
def gminas(draw: st.DrawFn) -> BoardRows:
    count = draw(st.integers(1, 12))
    precincts = [{"number": n, "address": f"ul. Testowa {n}",
                  "type": draw(st.sampled_from(["stały", "stały", "zakład leczniczy"]))}
                 for n in range(1, count + 1)]  # fmt: skip
    expected, protocols = [], []
    for kind in draw(st.lists(st.sampled_from(["council", "mayor"]), min_size=1, max_size=2,
                              unique=True)):  # fmt: skip
        contest = f"{kind}:{TERYT}"
        owed = draw(st.lists(st.integers(1, count), unique=True))
        slots = [f"{n}/{n % 3 + 1 if kind == 'council' else 0}" for n in sorted(owed)]
        rounds = [1, 2] if kind == "mayor" and draw(st.booleans()) else [1]
        expected.append({"election": ELECTION, "teryt": TERYT, "contest": contest, "kind": kind,
                         "rounds": rounds, "slots": slots})  # fmt: skip
        for slot in slots:
            for round_number in rounds:
                if draw(st.booleans()):
                    precinct, district = map(int, slot.split("/"))
                    protocols.append(_protocol(draw, contest, precinct, district, round_number))
    turnout = [{"election": ELECTION, "teryt": TERYT, "precinct": p["number"], "round": 1,
                "hour": hour, "eligible_voters": 100, "ballots_issued": 40,
                "late": draw(st.booleans())}
               for p in precincts for hour in ("12:00", "17:00")
               if draw(st.booleans())]  # fmt: skip
    return BoardRows(schedule=SCHEDULE, precincts=precincts, expected=expected,
                     protocols=protocols, turnout=turnout, position=7, name="Test")  # fmt: skip


def _protocol(draw: st.DrawFn, contest: str, precinct: int, district: int,
              round_number: int) -> dict[str, Any]:  # fmt: skip
    at = (DUE_1 + dt.timedelta(minutes=draw(st.integers(-300, 300)))).isoformat()
    return {"election": ELECTION, "teryt": TERYT, "precinct": precinct, "contest": contest,
            "district": district, "round": round_number, "status": draw(st.sampled_from(STATUSES)),
            "version": draw(st.integers(1, 3)), "warnings": draw(st.integers(0, 2)),
            "corrected_after_confirmation": draw(st.booleans()), "at": at, "first_at": at,
            "proxy": draw(st.booleans())}  # fmt: skip


instants = st.integers(-600, 600).map(lambda m: DUE_1 + dt.timedelta(minutes=m))


@given(gminas(), instants, st.sampled_from([1, 2]))
@settings(max_examples=300, deadline=None)
def test_every_owed_protocol_is_one_cell_counted_once(rows: BoardRows, now: dt.datetime,
                                                       round_number: int) -> None:  # fmt: skip
    shown = board(ELECTION, TERYT, rows, now, round_number)
    cells = [(c.contest, p.number, c.district) for p in shown.precincts for c in p.cells]
    owed = [(e["contest"], int(s.split("/")[0]), int(s.split("/")[1]))
            for e in rows.expected if round_number in e["rounds"] for s in e["slots"]]  # fmt: skip
    assert sorted(owed) == sorted(cells)
    for summary in shown.contests:
        assert summary.expected == sum(summary.counts.values())
        assert set(summary.counts) == set(CELL_STATES)
    for hour in shown.turnout:
        assert hour.expected == sum(hour.counts.values())
        assert set(hour.counts) == set(TURNOUT_STATES)


@given(gminas(), instants)
@settings(max_examples=300, deadline=None)
def test_late_exactly_when_nothing_arrived_past_the_due_time(rows: BoardRows,
                                                             now: dt.datetime) -> None:  # fmt: skip
    shown = board(ELECTION, TERYT, rows, now, 1)
    recorded = {(p["contest"], p["precinct"], p["district"]): p for p in rows.protocols
                if p["round"] == 1}  # fmt: skip
    for precinct in shown.precincts:
        for cell in precinct.cells:
            row = recorded.get((cell.contest, precinct.number, cell.district))
            if row is not None:
                assert state_of(row) == cell.state
            else:
                assert cell.state == ("late" if now > DUE_1 else "missing")
                assert cell.late_s == (int((now - DUE_1).total_seconds()) if now > DUE_1 else 0)
        states = [c.state for c in precinct.cells]
        if states:
            assert CELL_STATES.index(precinct.worst) <= min(map(CELL_STATES.index, states))


@given(gminas(), instants)
@settings(max_examples=200, deadline=None)
def test_missing_lists_every_cell_and_hour_without_a_report(rows: BoardRows,
                                                            now: dt.datetime) -> None:  # fmt: skip
    listed = missing(ELECTION, TERYT, rows, now, 1).rows
    shown = board(ELECTION, TERYT, rows, now, 1)
    protocols = {(p.number, c.contest, c.district) for p in shown.precincts for c in p.cells
                 if c.state in ("missing", "late")}  # fmt: skip
    hours = {(p.number, t.hour) for p in shown.precincts for t in p.turnout
             if t.state in ("missing", "late")}  # fmt: skip
    assert protocols == {(m.precinct, m.contest, m.district) for m in listed
                         if m.what == "protocol"}  # fmt: skip
    assert hours == {(m.precinct, m.hour) for m in listed if m.what == "turnout"}
    reported = {(r["precinct"], r["hour"]) for r in rows.turnout}
    standing = {p["number"] for p in rows.precincts if p["type"] == "stały"}
    assert hours == {(n, h) for n in standing for h in ("12:00", "17:00")} - reported
