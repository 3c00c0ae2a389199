"""Every row a reader can query holds exactly the fields its type in ``schemas.views`` declares,
of the declared types: the OpenAPI document describes what the views really return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import projections
from projections.core import Event, MemoryView, fold_batch
from schemas import protocol_events as ev
from schemas.protocol import TurnoutContent
from schemas.views import ROWS
from tests.property.test_projections import RULES, histories

HOURS = (dt.time(12), dt.time(17))


@st.composite
def turnout_reports(draw: st.DrawFn, first_seq: int) -> list[Event]:
    events: list[Event] = []
    seq = first_seq
    for precinct in range(1, draw(st.integers(0, 3)) + 1):
        aggregate = f"t{precinct}"
        opened = ev.TurnoutOpened(election="e-2025", teryt="021501", precinct=precinct, round=1)
        events.append(Event(seq=seq, tag=opened.TAG, aggregate_id=aggregate, routing={},
                            data=opened))  # fmt: skip
        for hour in draw(st.lists(st.sampled_from(HOURS), min_size=1, max_size=3)):
            seq += 1
            eligible = draw(st.integers(0, 3000))
            report = TurnoutContent(hour=hour, eligible_voters=eligible,
                                    ballots_issued=draw(st.integers(0, 3500)))  # fmt: skip
            data: Any = ev.TurnoutReported(
                report=report, findings=(), rules=RULES, late=draw(st.booleans()),
                received_at=dt.datetime(2025, 5, 18, 18, tzinfo=dt.UTC),
            )  # fmt: skip
            events.append(Event(seq=seq, tag=data.TAG, aggregate_id=aggregate, routing={},
                                data=data))  # fmt: skip
        seq += 1
    return events


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_every_queried_row_is_its_declared_type(data: st.DataObject) -> None:
    stream, _ = data.draw(histories())
    stream += data.draw(turnout_reports(len(stream) + 1))
    checked = 0
    for projection in projections.ALL:
        view = MemoryView()
        view.commit(*fold_batch(projection, view, stream, 0))
        for (table, _), row in view.rows.items():
            row_type = ROWS.get((projection.NAME, table))
            if row_type is not None:
                msgspec.convert(row, row_type, strict=True)
                checked += 1
    assert checked >= len(stream)  # every event leaves at least its audit entry


def test_a_row_with_a_field_its_type_lacks_is_refused() -> None:
    """The check above can fail: a fold that added a field would be caught."""
    row = {"seq": 1, "time": "", "actor": "", "role": "", "channel": "", "event": "x",
           "aggregate": "a", "version": 1, "election": "", "gmina": "", "precinct": "",
           "contest": "", "district": "", "round": "", "changes": {}}  # fmt: skip
    msgspec.convert(row, ROWS["audit", "entries"], strict=True)
    with pytest.raises(msgspec.ValidationError, match="secret"):
        msgspec.convert(row | {"secret": 1}, ROWS["audit", "entries"], strict=True)
