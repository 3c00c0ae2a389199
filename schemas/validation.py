"""What protocol and turnout rules are judged against besides the numbers themselves.

A ``RuleContext`` says which contest, precinct and ballot a protocol belongs to and carries the
other protocols of the same precinct and round (``siblings``) for the cross-protocol rules. The
services build it from the recorded definitions; the offline tool sends it with the protocol.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from schemas.definition import ELECTION_CODE_PATTERN, TERYT_PATTERN, PrecinctType
from schemas.protocol import Finding, ProtocolContent, TurnoutContent


class _Wire(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class BallotList(_Wire, frozen=True, kw_only=True):
    """A list on a proportional council ballot."""

    number: int
    positions: frozenset[int]
    struck_off: frozenset[int] = frozenset()
    annulled: bool = False


class Sibling(_Wire, frozen=True, kw_only=True):
    """Another protocol of the same precinct and round (another contest or council district)."""

    contest_kind: str
    district: int = 0
    content: ProtocolContent


class RuleContext(_Wire, frozen=True, kw_only=True):
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
    districts_without_vote: frozenset[int] = frozenset()
    """Of those, districts where no vote takes place (no more candidates than seats)."""

    @property
    def standard(self) -> bool:
        return self.precinct_type is PrecinctType.STANDARD


class TurnoutContext(_Wire, frozen=True, kw_only=True):
    precinct_type: PrecinctType = PrecinctType.STANDARD
    estimate: int | None = None
    previous: TurnoutContent | None = None
    """The same precinct's report at the previous hour of the round, if any."""


ElectionCode = Annotated[str, msgspec.Meta(pattern=ELECTION_CODE_PATTERN, max_length=40)]
TerytCode = Annotated[str, msgspec.Meta(pattern=TERYT_PATTERN)]
PrecinctNumber = Annotated[int, msgspec.Meta(ge=1)]
RoundNumber = Annotated[int, msgspec.Meta(ge=1, le=2)]
ContestKey = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^((council|mayor):[0-9]{6}|county-council:[0-9]{4}"
        r"|regional-assembly:[0-9]{2}|(president|senate):PL)$",
        description="<kind>:<area>, e.g. 'mayor:021501', 'county-council:0215', "
        "'regional-assembly:02' or 'president:PL'",
    ),
]


class ProtocolKey(_Wire, frozen=True, kw_only=True):
    """Which protocol: the natural key of the identity contract."""

    election: ElectionCode
    teryt: TerytCode
    precinct: PrecinctNumber
    contest: ContestKey
    district: Annotated[int, msgspec.Meta(ge=0)] = 0
    round: RoundNumber = 1


class ValidationRequest(_Wire, frozen=True, kw_only=True):
    """``tally rules validate``: judge a protocol without recording anything."""

    key: ProtocolKey
    content: ProtocolContent
    context: RuleContext
    profile: str = ""


class ValidationReport(msgspec.Struct, frozen=True, kw_only=True):
    control_code: str
    rules_version: str
    profile: str
    findings: tuple[Finding, ...]
    acceptance: str
    """'refused' (an error), 'needs-explanation' (a warning without the commission's written
    explanation), 'needs-approval' (a hard warning: a coordinator approves it) or 'acceptable'."""
