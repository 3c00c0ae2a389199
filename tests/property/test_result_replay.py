"""An established result replays: computed from the views at a position, it is computed again
the same from the log folded up to that position (however the folds were batched), and, as the
audit checks it, from the log folded up to the establishment when only other contests' events
came in between."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

import projections
from schemas import protocol_events as ev
from schemas.results import ResultKey
from services.apps.result_inputs import Inputs, ResultInputs, computed
from services.projector.memory_views import MemoryViews
from tests.definitions import GMINA, recorded_from, small_gmina
from tests.property.test_projections import histories

if TYPE_CHECKING:
    from projections.core import Event
    from schemas.results import ContestResult

MAYOR = ResultKey(election="e-2025", contest=f"mayor:{GMINA}")
CONTEST = recorded_from(small_gmina()).contests[MAYOR.contest]


def _views(stream: list[Event], cuts: list[int]) -> MemoryViews:
    views = MemoryViews([p for p in projections.ALL if p.NAME in ("tally", "progress")])
    start = 0
    for cut in [*sorted(cuts), len(stream)]:
        if cut > start:
            views.fold(stream[start:cut])
            start = cut
    return views


def _result(views: MemoryViews, position: int) -> ContestResult:
    async def compute() -> ContestResult:
        reader = ResultInputs(views.ask)
        read = await reader.read(MAYOR.election, MAYOR.contest, 1, "established")
        inputs = Inputs(read.tallies, read.counts, position)
        return await computed(reader, CONTEST, MAYOR, "established", inputs, [])

    return asyncio.run(compute())


@given(histories(), st.data())
@settings(max_examples=60, deadline=None)
def test_a_result_computed_at_a_position_is_computed_again_from_the_log(
    history: tuple[list[Event], dict[str, object]], data: st.DataObject
) -> None:
    stream, _ = history
    position = data.draw(st.integers(0, len(stream)), label="position")
    live_cuts = data.draw(st.lists(st.integers(0, position), max_size=4), label="live batches")
    established = _result(_views(stream[:position], live_cuts), position)
    replayed = _result(_views(stream[:position], []), position)
    assert established == replayed
    mayors = {e.aggregate_id for e in stream if isinstance(e.data, ev.ProtocolSubmitted)
              and e.data.key.contest == MAYOR.contest}  # fmt: skip
    if not any(event.aggregate_id in mayors for event in stream[position:]):
        assert established == _result(_views(stream, []), position)
