"""Commands precinct clients and coordinators send, and the answer each gets.

Inbound types refuse unknown fields (a typo is an error, not a silently dropped number).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from schemas.problems import Problem
from schemas.protocol import Finding, ProtocolContent, RulesStamp, TurnoutContent
from schemas.validation import (
    ElectionCode,
    PrecinctNumber,
    ProtocolKey,
    RoundNumber,
    TerytCode,
)


class _Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class SubmitProtocol(_Command, frozen=True, kw_only=True):
    key: ProtocolKey
    content: ProtocolContent


class CorrectProtocol(_Command, frozen=True, kw_only=True):
    key: ProtocolKey
    content: ProtocolContent
    reason: str = ""
    """Required: a correction without a reason is refused (protocol.reason_required)."""
    expected_version: int | None = None
    """The version the correction was made against: refused if another came meanwhile."""


class ConfirmProtocol(_Command, frozen=True, kw_only=True):
    """Either the control code printed on the signed paper copy, or the paper's numbers typed
    blind (``entry``), compared field by field with the current version."""

    key: ProtocolKey
    control_code: str = ""
    entry: ProtocolContent | None = None


class ApproveHardWarnings(_Command, frozen=True, kw_only=True):
    key: ProtocolKey
    control_code: str


class WithdrawConfirmation(_Command, frozen=True, kw_only=True):
    key: ProtocolKey
    reason: str


class RejectProtocol(_Command, frozen=True, kw_only=True):
    key: ProtocolKey
    reason: str


class TurnoutKey(_Command, frozen=True, kw_only=True):
    election: ElectionCode
    teryt: TerytCode
    precinct: PrecinctNumber
    round: RoundNumber = 1


class ReportTurnout(_Command, frozen=True, kw_only=True):
    key: TurnoutKey
    report: TurnoutContent


class CorrectTurnout(_Command, frozen=True, kw_only=True):
    key: TurnoutKey
    report: TurnoutContent
    reason: str = ""


class AlertRef(_Command, frozen=True, kw_only=True):
    teryt: TerytCode
    alert: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class AcknowledgeAlert(_Command, frozen=True, kw_only=True):
    """A coordinator acknowledges an alert of their gmina, saying what was done about it."""

    key: AlertRef
    note: Annotated[str, msgspec.Meta(max_length=2000)]


class Outcome(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """``status``: ``accepted`` (recorded), ``refused`` (the domain said no; nothing recorded),
    ``invalid`` (malformed input), ``conflict`` (an idempotency key reused for another request),
    ``in-progress`` (the same request is being handled; retry) or ``failed`` (an unexpected fault;
    logged; retry). ``problems`` name the field and the rule. For protocols: the version, its
    control code, its state and findings; ``sequence`` is the stream sequence of the event."""

    status: str
    aggregate_id: str = ""
    sequence: int = 0
    replayed: bool = False
    """This answer was recorded for an earlier request with the same idempotency key."""
    version: int = 0
    control_code: str = ""
    state: str = ""
    late: bool = False
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()


class VersionView(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    control_code: str
    content: ProtocolContent
    findings: tuple[Finding, ...]
    rules: RulesStamp
    withdrew_confirmation: bool = False
    entered_by: str = ""
    proxy: bool = False
    """Entered on the commission's behalf (proxy entry)."""


class ProtocolView(msgspec.Struct, frozen=True, kw_only=True):
    """A protocol's current state and every version."""

    key: ProtocolKey
    aggregate_id: str
    state: str
    versions: tuple[VersionView, ...]
