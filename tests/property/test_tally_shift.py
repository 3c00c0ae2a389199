"""A tally row moved by one protocol's old and new numbers: the delta computed once for every
roll-up gives the row the plain definition gives it, down to the order of its numbers (the
stored JSON is the same bytes)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from projections import tally

NAMES = st.sampled_from(["eligible_voters", "valid_votes", "c.1", "c.2", "l.1", "l.1.1"])
vectors = st.none() | st.dictionaries(NAMES, st.integers(-3, 3))
rows = st.dictionaries(NAMES, st.integers(-5, 5).filter(bool))


def plain_shifted(
    row: dict[str, Any], before: dict[str, int] | None, after: dict[str, int] | None
) -> dict[str, Any]:
    """Subtract the old numbers, add the new ones, drop the zeros."""
    totals = dict(row["numbers"])
    for sign, vector in ((-1, before), (1, after)):
        for name, value in (vector or {}).items():
            totals[name] = totals.get(name, 0) + sign * value
    precincts = row["precincts"] - (before is not None) + (after is not None)
    return row | {"numbers": {k: v for k, v in totals.items() if v}, "precincts": precincts}


@given(rows, vectors, vectors)
@settings(max_examples=500)
def test_a_row_shifted_by_the_delta_is_the_row_of_the_plain_definition(
    numbers: dict[str, int], before: dict[str, int] | None, after: dict[str, int] | None
) -> None:
    """Same numbers in the same order, same precinct count."""
    row = {"flavour": "accepted", "precincts": 3, "numbers": numbers}
    counted = (after is not None) - (before is not None)
    shifted = tally._shifted(row, tally._delta(before, after), counted)
    expected = plain_shifted(row, before, after)
    assert list(expected.items()) == list(shifted.items())
    assert list(expected["numbers"].items()) == list(shifted["numbers"].items())
