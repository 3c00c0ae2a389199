"""The generator's arithmetic: splits, apportionments and cuts keep every unit and stay fair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.tools.drill.national.ballots import chunks, split_seats
from services.tools.drill.national.counts import apportion, split


@given(st.integers(0, 100_000), st.integers(1, 30))
def test_split_keeps_the_total_and_differs_by_at_most_one(value: int, count: int) -> None:
    parts = split(value, count)
    assert value == sum(parts)
    assert max(parts) - min(parts) <= 1


@given(st.integers(0, 10_000), st.lists(st.floats(0.01, 100), min_size=1, max_size=12))
def test_apportion_keeps_the_total_within_one_of_the_exact_share(
    total: int, weights: list[float]
) -> None:
    counts = apportion(total, weights)
    assert total == sum(counts)
    for count, weight in zip(counts, weights, strict=True):
        assert abs(count - total * weight / sum(weights)) < 1


@given(st.integers(1, 200), st.lists(st.integers(1, 10), min_size=1, max_size=15))
def test_chunks_cut_consecutive_non_empty_runs(length: int, weights: list[int]) -> None:
    if length < len(weights):
        return
    items = list(range(length))
    runs = chunks(items, weights)
    assert len(weights) == len(runs)
    assert all(runs)
    assert items == [item for run in runs for item in run]


@given(st.integers(1, 120), st.integers(1, 8), st.integers(0, 8))
def test_split_seats_adds_up(seats: int, low: int, spread: int) -> None:
    districts = split_seats(seats, low, low + spread)
    assert seats == sum(districts)
    assert max(districts) - min(districts) <= 1
