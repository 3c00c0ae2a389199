"""Protocol forms: which counts each form has and under which point number.

Point numbers of 2015 are verified against the PKW form; those of 2020, 2023, 2024 and 2025 follow
the order of PKW's published CSV columns (the brief marks them inferred). Rules never use point
numbers: they read semantic fields; the numbers serve people (messages, printouts, the table).
"""

from __future__ import annotations

from typing import Final

_POSTAL: Final = {
    "envelopes_received": "{e}",
    "envelopes_no_statement": "{e}a",
    "envelopes_unsigned_statement": "{e}b",
    "envelopes_no_ballot_envelope": "{e}c",
    "envelopes_unsealed": "{e}d",
    "ballot_envelopes_in_box": "{e}e",
}


def _with_postal(points: dict[str, str], envelopes: int) -> dict[str, str]:
    return points | {name: label.format(e=envelopes) for name, label in _POSTAL.items()}


_FORM_2015: Final = _with_postal(
    {
        "eligible_voters": "1",
        "ballots_received": "2",
        "ballots_unused": "3",
        "ballots_issued": "4",
        "proxy": "5",
        "certificate": "6",
        "packages_sent": "7",
        "ballots_from_box": "9",
        "ballots_from_envelopes": "9a",
        "invalid_ballots": "10",
        "valid_ballots": "11",
        "invalid_votes": "12",
        "valid_votes": "13",
    },
    8,
)
_REASONS_2020: Final = {
    "invalid_votes_multiple_marks": "12a",
    "invalid_votes_no_mark": "12b",
    "invalid_votes_struck_off_only": "12c",
}
_FORM_2025: Final = _with_postal(
    {
        "ballots_received": "1",
        "eligible_voters": "2",
        "ballots_unused": "3",
        "ballots_issued": "4",
        "packages_sent": "5",
        "ballots_issued_total": "6",
        "proxy": "7",
        "certificate": "8",
        "ballots_from_box": "10",
        "ballots_from_envelopes": "10a",
        "invalid_ballots": "11",
        "valid_ballots": "12",
        "invalid_votes": "13",
        "invalid_votes_multiple_marks": "13a",
        "invalid_votes_no_mark": "13b",
        "invalid_votes_struck_off_only": "13c",
        "valid_votes": "14",
    },
    9,
)
_LOCAL_2024: Final = {k: v for k, v in _FORM_2025.items() if k != "certificate"}

POINTS: Final[dict[str, dict[str, str]]] = {
    "2015": _FORM_2015,
    "2020": _FORM_2015 | _REASONS_2020,
    "2023": _FORM_2025,
    "2024": _LOCAL_2024,
    "2025": _FORM_2025,
}
"""Form -> semantic field -> point number on the paper form."""

INVALID_VOTE_REASONS: Final = tuple(_REASONS_2020)
"""The "w tym" lines under invalid votes. A reason nobody had may be left blank: PKW publishes
the struck-off-only reason blank in a round where nobody was struck off (2020's runoff)."""
OPTIONAL: Final[dict[str, frozenset[str]]] = {
    form: frozenset({"candidates_total"}) for form in POINTS
} | {"2024": frozenset({"candidates_total", "eligible_voters_eu", "ballots_issued_eu"})}
"""Counts a form may carry but need not: the 'Razem' line; EU voters (local elections)."""
REQUIRED: Final[dict[str, frozenset[str]]] = {
    form: frozenset(points) - frozenset(INVALID_VOTE_REASONS) for form, points in POINTS.items()
}
"""Counts a form must carry: its points, but for the reasons of invalid votes (optional)."""

BALLOT_COUNTS: Final = {"yes-no": ("votes_yes", "votes_no")}
"""Counts that belong to one ballot shape only."""


def point(form: str, field: str) -> str:
    """'pkt 4' style label of ``field`` on ``form``, or the field's name if the form lacks it."""
    number = POINTS.get(form, {}).get(field)
    return f"pkt {number}" if number else field
