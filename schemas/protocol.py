"""The content of a precinct protocol (protokół głosowania w obwodzie) and of a turnout report.

Fields have semantic names, not point numbers: PKW renumbers the points between elections (the
received ballots are point 2 in 2015 and point 1 in 2025), so each protocol form maps its point
numbers onto these names (``domain.rules.forms``). A field a form does not have is absent (null);
the rules check that exactly the form's fields are filled.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Final

import msgspec

Count = Annotated[int, msgspec.Meta(ge=0)]
Remark = Annotated[str, msgspec.Meta(max_length=4000)]
RuleCode = Annotated[str, msgspec.Meta(pattern=r"^R[0-9]{3}$")]
Explanation = Annotated[str, msgspec.Meta(max_length=2000)]
"""The commission's written position on one warning: several lines if need be."""

COUNT_FIELDS: Final = (
    # Part I: ballot accounting.
    "eligible_voters",
    "eligible_voters_eu",
    "ballots_received",
    "ballots_unused",
    "ballots_issued",
    "ballots_issued_eu",
    "proxy",
    "certificate",
    "packages_sent",
    "ballots_issued_total",
    # The postal block.
    "envelopes_received",
    "envelopes_no_statement",
    "envelopes_unsigned_statement",
    "envelopes_no_ballot_envelope",
    "envelopes_unsealed",
    "ballot_envelopes_in_box",
    # Part II: from the ballot box.
    "ballots_from_box",
    "ballots_from_envelopes",
    "invalid_ballots",
    "valid_ballots",
    "invalid_votes",
    "invalid_votes_multiple_marks",
    "invalid_votes_no_mark",
    "invalid_votes_struck_off_only",
    "valid_votes",
    "candidates_total",
    "votes_yes",
    "votes_no",
)
"""Every single number of a protocol besides the votes per candidate and per list."""


class CandidateVotes(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    position: Annotated[int, msgspec.Meta(ge=1)]
    votes: Count


class ListVotes(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A list's votes in a proportional council district: its total and its candidates'."""

    number: Annotated[int, msgspec.Meta(ge=1)]
    total: Count
    candidates: tuple[CandidateVotes, ...]
    candidates_total: Count | None = None


class Notes(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Part III: what the commission writes in words (2015 points 15-21)."""

    ballots_difference: Remark = ""
    """Why unused + issued ballots differ from those received (2015 pkt 15)."""
    box_difference: Remark = ""
    """Why ballots from the box differ from those issued and from postal envelopes (pkt 16)."""
    invalid_ballots: Remark = ""
    """Why there were invalid ballots (pkt 17)."""
    orders: Remark = ""
    """Orders issued during voting (pkt 18)."""
    observers: Remark = ""
    """Remarks of the observers (mężowie zaufania), with the commission's position (pkt 19)."""
    members: Remark = ""
    """Remarks of commission members (pkt 20)."""
    other: Remark = ""
    """Other remarks, disturbances included (pkt 21)."""


class ProtocolContent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The numbers and words of one protocol (one precinct, contest, district and round)."""

    form: str
    """The protocol form: '2015', '2020', '2025' (president), '2024' (local), '2023' (senate)."""
    eligible_voters: Count | None = None
    eligible_voters_eu: Count | None = None
    ballots_received: Count | None = None
    ballots_unused: Count | None = None
    ballots_issued: Count | None = None
    ballots_issued_eu: Count | None = None
    proxy: Count | None = None
    certificate: Count | None = None
    packages_sent: Count | None = None
    ballots_issued_total: Count | None = None
    envelopes_received: Count | None = None
    envelopes_no_statement: Count | None = None
    envelopes_unsigned_statement: Count | None = None
    envelopes_no_ballot_envelope: Count | None = None
    envelopes_unsealed: Count | None = None
    ballot_envelopes_in_box: Count | None = None
    ballots_from_box: Count | None = None
    ballots_from_envelopes: Count | None = None
    invalid_ballots: Count | None = None
    valid_ballots: Count | None = None
    invalid_votes: Count | None = None
    invalid_votes_multiple_marks: Count | None = None
    invalid_votes_no_mark: Count | None = None
    invalid_votes_struck_off_only: Count | None = None
    valid_votes: Count | None = None
    candidates: tuple[CandidateVotes, ...] = ()
    candidates_total: Count | None = None
    """The 'Razem' line under the candidates, as written on the form."""
    lists: tuple[ListVotes, ...] = ()
    votes_yes: Count | None = None
    """A single candidate (YES/NO ballot): votes for."""
    votes_no: Count | None = None
    voting_started: dt.time | None = None
    voting_ended: dt.time | None = None
    notes: Notes = Notes()
    explanations: Annotated[dict[RuleCode, Explanation], msgspec.Meta(max_length=100)] = {}
    """The commission's written position on each warning it accepts, by rule code: only for
    rules that fired on these numbers."""


class TurnoutContent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A turnout report at one of the round's hours: the voter list and ballots issued so far."""

    hour: dt.time
    eligible_voters: Count
    ballots_issued: Count


class ProtocolStatus(StrEnum):
    """Where a protocol stands; the one spelling of its states, for the aggregate, the views and
    the replies (``docs/protocol-states.md`` has the diagram)."""

    AWAITING_APPROVAL = "awaiting-approval"
    """The current version has hard warnings nobody approved yet."""
    ACCEPTED = "accepted"
    """Waiting for the confirmation against the signed paper copy."""
    CONFIRMED = "confirmed"
    """The paper copy matches the current version."""
    REJECTED = "rejected"
    """A coordinator sent it back; only a correction moves it on."""


class Severity(StrEnum):
    ERROR = "error"
    """Blocks: the protocol cannot be accepted until the numbers are corrected."""
    HARD_WARNING = "hard-warning"
    """Blocks until a coordinator approves it, the approval bound to the data's control code."""
    WARNING = "warning"
    """Accepted only with the commission's written explanation."""


class Finding(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """One rule that does not hold for one protocol or report."""

    code: str
    severity: Severity
    fields: tuple[str, ...]
    message_pl: str
    message_en: str


class RulesStamp(msgspec.Struct, frozen=True, kw_only=True):
    """Which rules judged: recorded with every finding, so a replay never re-judges."""

    version: str
    profile: str
