"""PKW's protocol rules as pure functions: ``validate`` and ``validate_turnout`` judge without
writing anything (the entry page and the offline tool call them before submitting).

Every rule lives in one module per protocol section; importing this package registers them all.
``RULES_VERSION`` changes whenever a rule's logic changes; with the profile name it is recorded
in every event that carries findings, so a replay never re-judges an old event by newer rules.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final

from domain.rules import (
    accounting,
    ballotbox,
    capacity,
    crossprotocol,
    form,
    local,
    postal,
    turnout,
    votes,
)
from domain.rules.catalogue import RULES, Rule
from domain.rules.profiles import PROFILES, Profile, profile_for
from schemas.protocol import Finding, ProtocolContent, RulesStamp, Severity, TurnoutContent

if TYPE_CHECKING:
    from domain.rules.context import RuleContext, TurnoutContext

__all__ = [
    "ACROSS_PROTOCOLS",
    "PROFILES",
    "RULES",
    "RULES_VERSION",
    "Profile",
    "Rule",
    "Validation",
    "profile_for",
    "validate",
    "validate_turnout",
]

RULES_VERSION: Final = "2026.3"

_SECTIONS = (accounting, capacity, postal, ballotbox, votes, local, crossprotocol, turnout, form)
ACROSS_PROTOCOLS: Final = frozenset(
    code for code, rule in RULES.items() if rule.function.__module__ == crossprotocol.__name__
)
"""Rules comparing a protocol with the precinct's other protocols: whether they fire depends on
which of those are in yet, so a commission may explain one in advance."""


class Validation:
    """Findings sorted by code, and the stamp of the rules that produced them."""

    def __init__(self, stamp: RulesStamp, findings: tuple[Finding, ...]) -> None:
        self.stamp = stamp
        self.findings = findings

    def of(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)


def validate(content: ProtocolContent, context: RuleContext, profile: Profile) -> Validation:
    return _judge("protocol", content, context, profile)


def validate_turnout(
    report: TurnoutContent, context: TurnoutContext, profile: Profile
) -> Validation:
    return _judge("turnout", report, context, profile)


def _judge(kind: str, content: Any, context: Any, profile: Profile) -> Validation:
    rules = _in_order(kind, len(RULES))
    counts = _counts_read(kind, len(RULES))
    absent = frozenset(name for name in counts if getattr(content, name) is None)
    findings = [
        finding
        for code, rule in rules
        for finding in rule(content, context, profile.severity(code), absent)
    ]
    return Validation(RulesStamp(version=RULES_VERSION, profile=profile.name), tuple(findings))


@functools.cache
def _counts_read(kind: str, registered: int) -> frozenset[str]:
    """Every count some rule of the kind needs (whether a protocol left one empty is looked up
    once per protocol, not once per rule)."""
    return frozenset(name for _, rule in _in_order(kind, registered) for name in rule.counts)


@functools.cache
def _in_order(kind: str, registered: int) -> tuple[tuple[str, Rule], ...]:
    """The rules of a kind by code, sorted once per state of the catalogue (``registered``)."""
    del registered
    return tuple((code, rule) for code, rule in sorted(RULES.items()) if rule.kind == kind)
