"""The rules' view of what a protocol belongs to (the types live in ``schemas.validation``)."""

from __future__ import annotations

from schemas.definition import PrecinctType
from schemas.validation import BallotList, RuleContext, Sibling, TurnoutContext

__all__ = ["SEPARATE_PRECINCTS", "BallotList", "RuleContext", "Sibling", "TurnoutContext"]

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
