"""A protocol's state on the board, and when things are due (Polish civil time)."""

from __future__ import annotations

import datetime as dt

from projections.board import BoardRows, board, state_of
from services.gateway.web.board_view import Fragments
from services.gateway.web.pages import TEMPLATES
from tests.property.test_board import DUE_1, ELECTION, SCHEDULE, TERYT

ROW = {"status": "accepted", "warnings": 0, "corrected_after_confirmation": False}


def test_the_most_pressing_state_wins() -> None:
    assert "rejected" == state_of(ROW | {"status": "rejected", "warnings": 2})
    assert "awaiting_approval" == state_of(ROW | {"status": "awaiting-approval"})
    assert "confirmed" == state_of(
        ROW | {"status": "confirmed", "corrected_after_confirmation": True}
    )
    assert "corrected" == state_of(ROW | {"corrected_after_confirmation": True, "warnings": 1})
    assert "warnings" == state_of(ROW | {"warnings": 1})
    assert "accepted" == state_of(ROW)


def _one_precinct() -> BoardRows:
    return BoardRows(
        schedule=SCHEDULE,
        precincts=[{"number": 1, "address": "ul. Krótka 1", "type": "stały"}],
        expected=[{"election": ELECTION, "teryt": TERYT, "contest": f"mayor:{TERYT}",
                   "kind": "mayor", "rounds": [1], "slots": ["1/0"]}],
        protocols=[], turnout=[],
    )  # fmt: skip


def test_a_protocol_is_due_two_hours_after_the_polls_close_in_warsaw() -> None:
    """Polls close at 21:00 CEST on 12 April 2026 (19:00 UTC); due at 21:00 UTC."""
    before = board(ELECTION, TERYT, _one_precinct(), DUE_1).precincts[0]
    assert "missing" == before.cells[0].state
    assert "2026-04-12T21:00:00Z" == before.cells[0].due
    after = board(ELECTION, TERYT, _one_precinct(), DUE_1 + dt.timedelta(minutes=5))
    cell = after.precincts[0].cells[0]
    assert ("late", 300) == (cell.state, cell.late_s)


def test_a_turnout_report_is_late_half_an_hour_after_its_hour() -> None:
    noon = dt.datetime(2026, 4, 12, 10, 0, tzinfo=dt.UTC)  # 12:00 in Warsaw
    on_time = board(ELECTION, TERYT, _one_precinct(), noon + dt.timedelta(minutes=30))
    assert ["missing", "missing"] == [t.state for t in on_time.precincts[0].turnout]
    late = board(ELECTION, TERYT, _one_precinct(), noon + dt.timedelta(minutes=31))
    assert ["late", "missing"] == [t.state for t in late.precincts[0].turnout]


def test_a_round_without_a_schedule_is_never_late() -> None:
    rows = _one_precinct()
    unscheduled = BoardRows(schedule=None, precincts=rows.precincts, expected=rows.expected,
                            protocols=[], turnout=[])  # fmt: skip
    far = DUE_1 + dt.timedelta(days=400)
    assert "missing" == board(ELECTION, TERYT, unscheduled, far).precincts[0].cells[0].state


def test_turnout_per_hour_is_summed_and_drawn_on_the_server() -> None:
    rows = _one_precinct()
    reported = BoardRows(schedule=SCHEDULE, precincts=rows.precincts, expected=rows.expected,
                         protocols=[], turnout=[{"precinct": 1, "round": 1, "hour": "12:00",
                                                 "eligible_voters": 800, "ballots_issued": 200,
                                                 "late": False}])  # fmt: skip
    shown = board(ELECTION, TERYT, reported, DUE_1)
    noon, five = shown.turnout
    assert (800, 200, 25.0) == (noon.eligible_voters, noon.ballots_issued, noon.percent)
    assert 0.0 == five.percent
    payload = Fragments(TEMPLATES).update(shown, frozenset(), "pl")
    assert 'height="25.0"' in payload["summary"]
    assert "25.0%" in payload["summary"]
