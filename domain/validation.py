"""Judging a protocol without recording anything: findings, the control code, and what stands
between the protocol and its acceptance. The entry page and the offline tool call this."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from domain.controlcode import canonical_encoding, control_code
from domain.rules import profile_for, validate
from schemas.protocol import Severity
from schemas.validation import ValidationReport

if TYPE_CHECKING:
    from schemas.protocol import Finding, ProtocolContent
    from schemas.validation import ProtocolKey, ValidationRequest


class Acceptance(StrEnum):
    REFUSED = "refused"
    """An ERROR: the numbers must be corrected."""
    NEEDS_EXPLANATION = "needs-explanation"
    """A WARNING the commission has not explained in writing."""
    NEEDS_APPROVAL = "needs-approval"
    """A HARD WARNING: a coordinator approves it against the control code."""
    ACCEPTABLE = "acceptable"


def code_of(key: ProtocolKey, content: ProtocolContent) -> str:
    return control_code(
        canonical_encoding(
            election=key.election,
            teryt=key.teryt,
            precinct=key.precinct,
            contest=key.contest,
            district=key.district,
            round_number=key.round,
            content=content,
        )
    )


def acceptance(findings: tuple[Finding, ...], explanations: dict[str, str]) -> Acceptance:
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return Acceptance.REFUSED
    if any(
        f.severity is Severity.WARNING and not explanations.get(f.code, "").strip()
        for f in findings
    ):
        return Acceptance.NEEDS_EXPLANATION
    if Severity.HARD_WARNING in severities:
        return Acceptance.NEEDS_APPROVAL
    return Acceptance.ACCEPTABLE


def check(request: ValidationRequest) -> ValidationReport:
    profile = profile_for(request.profile, request.content.form)
    result = validate(request.content, request.context, profile)
    return ValidationReport(
        control_code=code_of(request.key, request.content),
        rules_version=result.stamp.version,
        profile=result.stamp.profile,
        findings=result.findings,
        acceptance=acceptance(result.findings, request.content.explanations).value,
    )
