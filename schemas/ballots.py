"""What the web pages ask the command service for: a protocol's ballot as the paper lays it out
(fields with their point numbers, candidates in ballot order, lists with their candidates, a
YES/NO ballot) with its current state, and a precinct's protocols and turnout for its home page."""

from __future__ import annotations

import msgspec

from schemas.commands import ProtocolView
from schemas.validation import ElectionCode, PrecinctNumber, ProtocolKey, RoundNumber, TerytCode


class _Wire(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class BallotEntry(_Wire, frozen=True, kw_only=True):
    position: int
    name: str
    struck_off: bool = False


class BallotListView(_Wire, frozen=True, kw_only=True):
    number: int
    name: str
    candidates: tuple[BallotEntry, ...]
    annulled: bool = False


class FieldView(_Wire, frozen=True, kw_only=True):
    name: str
    """The field's name in ``ProtocolContent``."""
    point: str
    """Its point number on the paper form."""


class Ballot(_Wire, frozen=True, kw_only=True):
    key: ProtocolKey
    contest_kind: str
    contest_name: str
    form: str
    fields: tuple[FieldView, ...]
    candidates: tuple[BallotEntry, ...] = ()
    lists: tuple[BallotListView, ...] = ()
    yes_no: bool = False
    precinct_address: str = ""
    protocol: ProtocolView | None = None
    zero: tuple[str, ...] = ()
    """Fields of the form this precinct leaves out, 0 by definition (the postal block where
    there is no postal voting): a form sends them as 0, as the paper has 0 there."""
    election_name: str = ""
    unit_name: str = ""
    unit_kind: str = ""
    voting_day: str = ""
    """The round's date (ISO 8601)."""
    precinct_type: str = ""
    office: str = ""
    """A mayor contest's office: wójt, burmistrz, prezydent miasta."""


class PrecinctRef(_Wire, frozen=True, kw_only=True):
    election: ElectionCode
    teryt: TerytCode
    precinct: PrecinctNumber
    round: RoundNumber = 1


class PrecinctQuery(_Wire, frozen=True, kw_only=True):
    key: PrecinctRef


class ProtocolState(_Wire, frozen=True, kw_only=True):
    key: ProtocolKey
    state: str
    """``none`` (nothing yet) or the protocol's status."""


class TurnoutState(_Wire, frozen=True, kw_only=True):
    hour: str
    reported: bool


class PrecinctView(_Wire, frozen=True, kw_only=True):
    key: PrecinctRef
    address: str
    protocols: tuple[ProtocolState, ...]
    turnout: tuple[TurnoutState, ...]
