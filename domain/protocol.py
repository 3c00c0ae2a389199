"""The protocol aggregate: one per precinct x contest x district x round.

Life: ``submit`` (version 1) -> ``correct`` (version n + 1, with a reason; every version stays)
-> ``approve`` the hard warnings of a version (coordinator, against its control code) ->
``confirm`` that the signed paper copy matches (its control code, or a blind second entry) ->
``withdraw_confirmation`` / ``reject`` (coordinator, with reasons). A correction after confirmation
withdraws it and says so. Commands check, compute the findings, then call a private mutator that
only assigns: a recorded event always replays, whatever the rules say later.

States (``docs/protocol-states.md`` has the diagram):

* ``awaiting-approval``: the current version has hard warnings nobody approved yet;
* ``accepted``: waiting for the confirmation against the paper copy;
* ``confirmed``: the paper copy matches the current version;
* ``rejected``: a coordinator sent it back; only a correction moves it on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from eventsourcing.domain import Aggregate, event

from domain.controlcode import normalise
from domain.ids import protocol_id
from domain.protocol_compare import differences
from domain.protocol_refusal import ProtocolRefusedError, refusal, rule_refusals
from domain.rules import validate
from domain.tags import tag
from domain.validation import code_of
from schemas import protocol_events as ev
from schemas.protocol import Finding, Severity
from schemas.protocol import ProtocolStatus as Status

if TYPE_CHECKING:
    from uuid import UUID

    from domain.rules import Profile
    from schemas.protocol import ProtocolContent, RulesStamp
    from schemas.validation import ProtocolKey, RuleContext


class Confirmation(StrEnum):
    CONTROL_CODE = "control-code"
    BLIND_ENTRY = "blind-entry"


class SamePersonError(ProtocolRefusedError):
    """Separation of duties: whoever entered a version does not vouch for it."""


@dataclass(frozen=True)
class Voucher:
    """Who approves or confirms, and whether their gmina's coordinator works alone."""

    actor: str = ""
    works_alone: bool = False


NOBODY: Final = Voucher()


@dataclass(frozen=True)
class Version:
    number: int
    content: ProtocolContent
    control_code: str
    findings: tuple[Finding, ...]
    rules: RulesStamp
    entered_by: str = ""
    proxy: bool = False

    @property
    def hard_warnings(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings if f.severity is Severity.HARD_WARNING)


@dataclass(frozen=True)
class Judged:
    content: ProtocolContent
    control_code: str
    findings: tuple[Finding, ...]
    rules: RulesStamp


def judge(
    key: ProtocolKey, content: ProtocolContent, context: RuleContext, profile: Profile
) -> Judged:
    """Findings and control code of a version; refused if an error or an unexplained warning."""
    result = validate(content, context, profile)
    problems = rule_refusals(result.findings, content.explanations)
    if problems:
        raise ProtocolRefusedError(problems)
    return Judged(content, code_of(key, content), result.findings, result.stamp)


@tag("protocol")
class Protocol(Aggregate):
    class Submitted(Aggregate.Created):
        data: ev.ProtocolSubmitted

    class Corrected(Aggregate.Event):
        data: ev.ProtocolCorrected

    class HardWarningsApproved(Aggregate.Event):
        data: ev.HardWarningsApproved

    class Confirmed(Aggregate.Event):
        data: ev.ProtocolConfirmed

    class ConfirmationWithdrawn(Aggregate.Event):
        data: ev.ConfirmationWithdrawn

    class Rejected(Aggregate.Event):
        data: ev.ProtocolRejected

    @classmethod
    def create_id(cls, data: ev.ProtocolSubmitted) -> UUID:
        k = data.key
        return protocol_id(k.election, k.teryt, k.precinct, k.contest, k.district, k.round)

    @event(Submitted)
    def __init__(self, data: ev.ProtocolSubmitted) -> None:
        self.key = data.key
        self.versions: list[Version] = []
        self.status = Status.ACCEPTED
        self.approval: ev.HardWarningsApproved | None = None
        self.confirmation: ev.ProtocolConfirmed | None = None
        self.withdrawal: ev.ConfirmationWithdrawn | None = None
        self.rejection: ev.ProtocolRejected | None = None
        self.withdrawn_by_version: list[bool] = []
        """Per version: whether recording it withdrew a confirmation."""
        self._add_version(
            data.content, data.control_code, data.findings, data.rules, data.entered_by, data.proxy
        )

    # Commands.

    @classmethod
    def submit(
        cls,
        key: ProtocolKey,
        content: ProtocolContent,
        context: RuleContext,
        profile: Profile,
        entered_by: str = "",
        *,
        proxy: bool = False,
    ) -> Protocol:
        judged = judge(key, content, context, profile)
        return cls(
            data=ev.ProtocolSubmitted(
                key=key,
                content=content,
                control_code=judged.control_code,
                findings=judged.findings,
                rules=judged.rules,
                entered_by=entered_by,
                proxy=proxy,
            )
        )

    def correct(
        self,
        content: ProtocolContent,
        reason: str,
        context: RuleContext,
        profile: Profile,
        expected_version: int | None = None,
        entered_by: str = "",
        *,
        proxy: bool = False,
    ) -> None:
        _require_reason(reason)
        if expected_version is not None and expected_version != self.current.number:
            raise ProtocolRefusedError(
                [
                    refusal(
                        "$.expected_version",
                        "protocol.version_changed",
                        f"version {self.current.number} was recorded meanwhile; "
                        "read it and correct that one",
                    )
                ]
            )
        if content == self.current.content:
            raise ProtocolRefusedError(
                [
                    refusal(
                        "$.content",
                        "protocol.correction_unchanged",
                        "the correction is the current version itself",
                    )
                ]
            )
        judged = judge(self.key, content, context, profile)
        self._correct(
            ev.ProtocolCorrected(
                version=self.current.number + 1,
                content=content,
                control_code=judged.control_code,
                findings=judged.findings,
                rules=judged.rules,
                reason=reason.strip(),
                confirmation_withdrawn=self.status is Status.CONFIRMED,
                entered_by=entered_by,
                proxy=proxy,
            )
        )

    def approve_hard_warnings(self, control_code: str, voucher: Voucher = NOBODY) -> None:
        if self.status is not Status.AWAITING_APPROVAL:
            raise _state_refusal("protocol.nothing_to_approve", self.status)
        self._check_code(control_code)
        self._approve(
            ev.HardWarningsApproved(
                version=self.current.number,
                control_code=self.current.control_code,
                codes=self.current.hard_warnings,
                same_person=self._same_person(voucher),
            )
        )

    def confirm_by_control_code(self, control_code: str, voucher: Voucher = NOBODY) -> None:
        self._check_confirmable()
        self._check_code(control_code)
        self._confirm(self._confirmation(Confirmation.CONTROL_CODE, voucher))

    def confirm_by_blind_entry(self, entered: ProtocolContent, voucher: Voucher = NOBODY) -> None:
        self._check_confirmable()
        found = differences(self.current.content, entered)
        if found:
            raise ProtocolRefusedError(
                [
                    refusal(
                        d.path,
                        "protocol.blind_entry_differs",
                        f"the paper copy says {d.entered}, version {self.current.number} says "
                        f"{d.submitted}",
                    )
                    for d in found
                ]
            )
        self._confirm(self._confirmation(Confirmation.BLIND_ENTRY, voucher))

    def withdraw_confirmation(self, reason: str) -> None:
        _require_reason(reason)
        if self.status is not Status.CONFIRMED:
            raise _state_refusal("protocol.not_confirmed", self.status)
        self._withdraw(ev.ConfirmationWithdrawn(version=self.current.number, reason=reason.strip()))

    def reject(self, reason: str) -> None:
        _require_reason(reason)
        if self.status is Status.REJECTED:
            raise _state_refusal("protocol.already_rejected", self.status)
        self._reject(ev.ProtocolRejected(version=self.current.number, reason=reason.strip()))

    # Queries.

    @property
    def current(self) -> Version:
        return self.versions[-1]

    # Checks.

    def _check_confirmable(self) -> None:
        """Accepted, or confirmed already (the other way may confirm it once more)."""
        if self.status not in (Status.ACCEPTED, Status.CONFIRMED):
            raise _state_refusal("protocol.not_confirmable", self.status)

    def _check_code(self, typed: str) -> None:
        if normalise(typed) != self.current.control_code:
            raise ProtocolRefusedError(
                [
                    refusal(
                        "$.control_code",
                        "protocol.wrong_control_code",
                        f"{typed!r} is not the control code of version {self.current.number}",
                    )
                ]
            )

    def _confirmation(self, method: Confirmation, voucher: Voucher) -> ev.ProtocolConfirmed:
        return ev.ProtocolConfirmed(
            version=self.current.number,
            control_code=self.current.control_code,
            method=method.value,
            same_person=self._same_person(voucher),
        )

    def _same_person(self, voucher: Voucher) -> bool:
        """Whether the voucher entered the version themselves: refused, unless their gmina's
        coordinator works alone (then it is allowed and recorded as such)."""
        entered_by = self.current.entered_by
        same = bool(voucher.actor) and voucher.actor == entered_by
        if same and not voucher.works_alone:
            raise SamePersonError(
                [
                    refusal(
                        "$.key",
                        "auth.same_person",
                        f"version {self.current.number} was entered by {entered_by}: someone "
                        "else confirms and approves it",
                    )
                ]
            )
        return same

    # Mutators: they only assign, so every recorded event replays.

    def _add_version(
        self,
        content: ProtocolContent,
        control_code: str,
        findings: tuple[Finding, ...],
        rules: RulesStamp,
        entered_by: str,
        proxy: bool,  # noqa: FBT001 - the event's fields in its order
    ) -> None:
        version = Version(
            len(self.versions) + 1, content, control_code, findings, rules, entered_by, proxy
        )
        self.versions.append(version)
        self.withdrawn_by_version.append(False)
        self.status = Status.AWAITING_APPROVAL if version.hard_warnings else Status.ACCEPTED
        self.confirmation = self.rejection = None

    @event(Corrected)
    def _correct(self, data: ev.ProtocolCorrected) -> None:
        self._add_version(
            data.content, data.control_code, data.findings, data.rules, data.entered_by, data.proxy
        )
        self.withdrawn_by_version[-1] = data.confirmation_withdrawn

    @event(HardWarningsApproved)
    def _approve(self, data: ev.HardWarningsApproved) -> None:
        self.status = Status.ACCEPTED
        self.approval = data

    @event(Confirmed)
    def _confirm(self, data: ev.ProtocolConfirmed) -> None:
        self.status = Status.CONFIRMED
        self.confirmation = data

    @event(ConfirmationWithdrawn)
    def _withdraw(self, data: ev.ConfirmationWithdrawn) -> None:
        self.status = Status.ACCEPTED
        self.confirmation = None
        self.withdrawal = data

    @event(Rejected)
    def _reject(self, data: ev.ProtocolRejected) -> None:
        self.status = Status.REJECTED
        self.rejection = data


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ProtocolRefusedError(
            [refusal("$.reason", "protocol.reason_required", "a reason is required")]
        )


def _state_refusal(rule: str, status: Status) -> ProtocolRefusedError:
    return ProtocolRefusedError(
        [refusal("$", rule, f"not possible while the protocol is {status.value}")]
    )
