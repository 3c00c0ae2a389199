"""A live board patched precinct by precinct is the board read whole: whatever precincts change,
rebuilding only theirs gives what a fresh reading of every row would."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from projections.board import BoardRows, board
from services.apps.board_reader import Precinct
from services.gateway.web.board_state import BoardState
from tests.property.test_board import DUE_1, ELECTION, TERYT, gminas


@given(gminas(), gminas(), st.data())
@settings(max_examples=200, deadline=None)
def test_patching_precincts_equals_reading_everything(before: BoardRows, after: BoardRows,
                                                      data: st.DataObject) -> None:  # fmt: skip
    # The same plan (definitions) and precincts; the protocols and reports of some change.
    numbers = sorted(p["number"] for p in before.precincts)
    changed = data.draw(st.sets(st.sampled_from(numbers)))
    protocols = [r for r in before.protocols if r["precinct"] not in changed]
    protocols += [r for r in after.protocols if r["precinct"] in changed and _owed(before, r)]
    reports = [r for r in before.turnout if r["precinct"] not in changed]
    reports += [r for r in after.turnout if r["precinct"] in changed]
    fresh = BoardRows(schedule=before.schedule, precincts=before.precincts,
                      expected=before.expected, protocols=protocols, turnout=reports,
                      position=9, name=before.name)  # fmt: skip
    now = DUE_1 + dt.timedelta(minutes=data.draw(st.integers(-100, 100)))
    state = BoardState(ELECTION, TERYT, 1)
    state.load(before)
    state.rebuild(now, everything=True)
    state.patch(
        {
            n: Precinct(
                next(p for p in before.precincts if p["number"] == n),
                [r for r in protocols if r["precinct"] == n],
                [r for r in reports if r["precinct"] == n],
            )
            for n in changed
        },
        9,
    )
    assert board(ELECTION, TERYT, fresh, now, 1) == state.rebuild(now, everything=False)


def _owed(rows: BoardRows, protocol: dict[str, object]) -> bool:
    """A protocol of the other gmina that this one's definitions also owe."""
    slot = f"{protocol['precinct']}/{protocol['district']}"
    return any(e["contest"] == protocol["contest"] and slot in e["slots"]
               and protocol["round"] in e["rounds"] for e in rows.expected)  # fmt: skip
