"""The rules' view of what a protocol belongs to (the types live in ``schemas.validation``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from schemas.definition import PrecinctType
from schemas.validation import BallotList, RuleContext, Sibling, TurnoutContext

if TYPE_CHECKING:
    from schemas.definition import PrecinctDefinition

__all__ = [
    "SEPARATE_PRECINCTS",
    "BallotList",
    "Estimates",
    "RuleContext",
    "Sibling",
    "TurnoutContext",
    "precinct_estimates",
]

SEPARATE_PRECINCTS = frozenset(
    {
        PrecinctType.HOSPITAL,
        PrecinctType.SOCIAL_CARE_HOME,
        PrecinctType.PRISON,
        PrecinctType.REMAND_CENTRE,
        PrecinctType.PRISON_BRANCH,
        PrecinctType.REMAND_CENTRE_BRANCH,
        PrecinctType.STUDENT_HOUSE,
        PrecinctType.STUDENT_HOUSES,
    }
)
"""Obwody odrębne: no proxy voting there (nor abroad, nor on ships)."""


class Estimates(TypedDict):
    estimate: int | None
    estimate_eu: int | None
    ballots_planned: int | None


def precinct_estimates(
    precinct: PrecinctDefinition, contest_kind: str, council_districts: tuple[int, ...]
) -> Estimates:
    """The pre-election estimates a protocol is judged against (``RuleContext`` fields). They
    count the whole precinct: a council district holding only part of its voters (a precinct
    voting in several districts) is judged without them."""
    if contest_kind == "council" and len(council_districts) > 1:
        return Estimates(estimate=None, estimate_eu=None, ballots_planned=None)
    return Estimates(
        estimate=precinct.eligible_voters or None,
        estimate_eu=precinct.eligible_voters_eu,
        ballots_planned=precinct.ballots_planned,
    )
