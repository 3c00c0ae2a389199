"""A tally row's key is its place spelled out: rows stored under one spelling are found again."""

from __future__ import annotations

from projections import tally


def test_a_tally_key_names_flavour_place_and_level() -> None:
    """Flavour, election, contest, district, round, level and code, joined by bars."""
    state = {"election": "e-2025", "contest": "president:PL", "district": 0, "round": 2}
    assert "accepted|e-2025|president:PL|0|2|powiat|0215" == tally.tally_key(
        "accepted", state, "powiat", "0215"
    )
