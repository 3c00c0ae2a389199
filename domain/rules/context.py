"""What rules know besides the protocol itself: the contest, the precinct, the ballot, and the
other protocols of the same precinct and round (for the cross-protocol rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas.definition import PrecinctType

if TYPE_CHECKING:
    from schemas.protocol import ProtocolContent, TurnoutContent

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


@dataclass(frozen=True)
class BallotList:
    """A list on a proportional council ballot."""

    number: int
    positions: frozenset[int]
    struck_off: frozenset[int] = frozenset()
    annulled: bool = False


@dataclass(frozen=True)
class Sibling:
    """Another protocol of the same precinct and round (another contest or council district)."""

    contest_kind: str
    district: int
    content: ProtocolContent


@dataclass(frozen=True)
class RuleContext:
    contest_kind: str
    district: int = 0
    precinct_type: PrecinctType = PrecinctType.STANDARD
    postal: bool = False
    estimate: int | None = None
    """Eligible voters estimated by the pre-election report (meldunek)."""
    estimate_eu: int | None = None
    ballots_planned: int | None = None
    candidates: frozenset[int] = frozenset()
    """Ballot positions of the candidates (contests without lists)."""
    struck_off: frozenset[int] = frozenset()
    lists: tuple[BallotList, ...] = ()
    yes_no: bool = False
    siblings: tuple[Sibling, ...] = ()
    council_districts: tuple[int, ...] = ()
    """The council districts the precinct votes in."""
    districts_without_vote: frozenset[int] = field(default_factory=frozenset)
    """Of those, districts where no vote takes place (no more candidates than seats)."""

    @property
    def standard(self) -> bool:
        return self.precinct_type is PrecinctType.STANDARD


@dataclass(frozen=True)
class TurnoutContext:
    precinct_type: PrecinctType = PrecinctType.STANDARD
    estimate: int | None = None
    previous: TurnoutContent | None = None
    """The same precinct's report at the previous hour of the round, if any."""
