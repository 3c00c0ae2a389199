"""Payloads of the events of a protocol's life and of turnout reports.

Who did it and through which channel (online, offline file, proxy entry, cli) is in every event's
envelope; the payload holds what was decided and the findings with the rules that produced them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec

from schemas.protocol import Finding, ProtocolContent, RulesStamp, TurnoutContent
from schemas.validation import ProtocolKey


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ProtocolSubmitted(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "protocol.submitted.v1"

    key: ProtocolKey
    content: ProtocolContent
    control_code: str
    findings: tuple[Finding, ...]
    rules: RulesStamp
    entered_by: str = ""
    proxy: bool = False
    """Entered on the commission's behalf by its coordinator (proxy entry)."""
    """Who entered this version (the envelope's actor): nobody vouches for their own entry."""


class ProtocolCorrected(_Payload, frozen=True, kw_only=True):
    """A new version; every earlier version stays in the history."""

    TAG: ClassVar[str] = "protocol.corrected.v1"

    version: int
    content: ProtocolContent
    control_code: str
    findings: tuple[Finding, ...]
    rules: RulesStamp
    reason: str
    confirmation_withdrawn: bool = False
    """The correction came after a confirmation, which no longer holds."""
    entered_by: str = ""
    proxy: bool = False
    """Entered on the commission's behalf by its coordinator (proxy entry)."""


class HardWarningsApproved(_Payload, frozen=True, kw_only=True):
    """A coordinator approved the hard warnings of one version, against its control code."""

    TAG: ClassVar[str] = "protocol.hard_warnings_approved.v1"

    version: int
    control_code: str
    codes: tuple[str, ...]
    same_person: bool = False
    """Approved by who entered the version: allowed only where the gmina's sole coordinator
    works alone (``election.sole_coordinator_set.v1``), and shown as such in the audit trail."""


class ProtocolConfirmed(_Payload, frozen=True, kw_only=True):
    """The signed paper copy matches this version: by its control code or by blind entry."""

    TAG: ClassVar[str] = "protocol.confirmed.v1"

    version: int
    control_code: str
    method: str
    same_person: bool = False
    """Confirmed by who entered the version (see HardWarningsApproved.same_person)."""


class ConfirmationWithdrawn(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "protocol.confirmation_withdrawn.v1"

    version: int
    reason: str


class ProtocolRejected(_Payload, frozen=True, kw_only=True):
    """A coordinator sends the protocol back; the commission corrects it."""

    TAG: ClassVar[str] = "protocol.rejected.v1"

    version: int
    reason: str


class TurnoutOpened(_Payload, frozen=True, kw_only=True):
    """The turnout record of one precinct and round, opened by its first report."""

    TAG: ClassVar[str] = "turnout.opened.v1"

    election: str
    teryt: str
    precinct: int
    round: int


class TurnoutReported(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "turnout.reported.v1"

    report: TurnoutContent
    findings: tuple[Finding, ...]
    rules: RulesStamp
    received_at: dt.datetime
    late: bool


class TurnoutCorrected(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "turnout.corrected.v1"

    report: TurnoutContent
    findings: tuple[Finding, ...]
    rules: RulesStamp
    reason: str
