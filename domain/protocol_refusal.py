"""Why a protocol command was refused: problems naming the field and the rule code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules import ACROSS_PROTOCOLS
from schemas.problems import Problem
from schemas.protocol import Severity

if TYPE_CHECKING:
    from collections.abc import Mapping

    from schemas.protocol import Finding


class ProtocolRefusedError(Exception):
    """A domain refusal: an answer to the caller, not a failure. Nothing was recorded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.rule} at {p.path}: {p.message}" for p in problems))
        self.problems = problems


def refusal(path: str, rule: str, message: str) -> Problem:
    return Problem(path=path, rule=rule, message=message)


def refused(path: str, rule: str, message: str) -> ProtocolRefusedError:
    """A refusal with one problem, ready to raise."""
    return ProtocolRefusedError([refusal(path, rule, message)])


def rule_refusals(findings: tuple[Finding, ...], explanations: Mapping[str, str]) -> list[Problem]:
    """Errors, warnings the commission has not explained in writing, and explanations of rules
    that did not fire (a position on nothing is a mistake, or a place to hide text) refuse a
    version. A rule across the precinct's protocols may be explained before it fires: it fires
    only once the sibling protocol it compares with is in."""
    explainable = {finding.code for finding in findings} | ACROSS_PROTOCOLS
    problems = [
        refusal(f"$.content.explanations.{code}", "protocol.explanation.not_fired",
                f"explanations are for the rules these numbers break; {code} does not fire")
        for code in sorted(explanations) if code not in explainable
    ]  # fmt: skip
    for finding in findings:
        field = f"$.content.{finding.fields[0]}" if finding.fields else "$.content"
        if finding.severity is Severity.ERROR:
            problems.append(refusal(field, finding.code, f"error: {finding.message_en}"))
        elif (
            finding.severity is Severity.WARNING and not explanations.get(finding.code, "").strip()
        ):
            problems.append(
                refusal(
                    f"$.content.explanations.{finding.code}",
                    finding.code,
                    f"warning: {finding.message_en}; accepted only with the commission's "
                    f"written explanation in explanations.{finding.code}",
                )
            )
    return problems
