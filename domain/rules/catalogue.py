"""The rule catalogue: every rule is a pure function registered with its public metadata.

A rule function yields one mapping of message values per violation and nothing when the rule
holds. ``Rule.__call__`` turns that into findings with the severity a profile gives. A rule whose
``reads`` names a count the protocol's form does not have is silent: it does not apply.

Codes are public and never reused: ``R1xx`` ballot accounting, ``R2xx`` the postal block, ``R3xx``
the ballot box, ``R4xx`` votes, ``R5xx`` EU voters (local elections), ``R6xx`` across the
protocols of one precinct, ``R7xx`` turnout reports, ``R8xx`` the form itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from schemas.protocol import COUNT_FIELDS, Finding, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

CODE_PATTERN: Final = re.compile(r"^R[1-8][0-9]{2}$")


@dataclass(frozen=True)
class Rule:
    code: str
    function: Callable[[Any, Any], Iterable[Mapping[str, object]]]
    reads: tuple[str, ...]
    severity: Severity
    """The default severity; a profile may change it."""
    pl: str
    en: str
    source: str
    """Where the brief has it: KBW/PKW ids (P1, S2, SR0001...) and form points."""
    kind: str = "protocol"
    """'protocol' or 'turnout'."""
    requires: tuple[str, ...] | None = None
    """Counts without which the rule does not apply; by default every count it reads."""

    @functools.cached_property
    def counts(self) -> tuple[str, ...]:
        """Every protocol is judged by every rule: worked out once, not per protocol."""
        required = self.reads if self.requires is None else self.requires
        return tuple(name for name in required if name in COUNT_FIELDS)

    def __call__(
        self,
        content: Any,
        context: Any,
        severity: Severity | None = None,
        absent: frozenset[str] | None = None,
    ) -> tuple[Finding, ...]:
        """``absent``: the counts the protocol leaves empty, when the caller knows them (it
        judges one protocol by every rule and works them out once)."""
        if absent is None:
            absent = frozenset(name for name in self.counts if getattr(content, name) is None)
        if not absent.isdisjoint(self.counts):
            return ()
        return tuple(
            Finding(
                code=self.code,
                severity=severity or self.severity,
                fields=_fields(values, self.reads),
                message_pl=self.pl.format_map(_Values(content, values)),
                message_en=self.en.format_map(_Values(content, values)),
            )
            for values in self.function(content, context)
        )


def _fields(values: Mapping[str, object], reads: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a violation is about: those it names (a rule over every count says which one
    broke it), else what the rule reads."""
    named = values.get("fields")
    return tuple(str(name) for name in named) if isinstance(named, tuple) else reads


class _Values(dict[str, object]):
    """Message values: what the rule yielded, else the protocol's own field."""

    def __init__(self, content: Any, values: Mapping[str, object]) -> None:
        super().__init__(values)
        self.content = content

    def __missing__(self, key: str) -> object:
        return getattr(self.content, key)


RULES: dict[str, Rule] = {}


def rule(  # noqa: PLR0913 - the metadata of a rule is keyword-only and all of it is needed
    code: str,
    *,
    reads: tuple[str, ...],
    severity: Severity,
    pl: str,
    en: str,
    source: str,
    kind: str = "protocol",
    requires: tuple[str, ...] | None = None,
) -> Callable[[Callable[[Any, Any], Iterable[Mapping[str, object]]]], Rule]:
    if not CODE_PATTERN.match(code) or code in RULES:
        raise ValueError(f"rule code {code!r} is malformed or taken")

    def register(function: Callable[[Any, Any], Iterable[Mapping[str, object]]]) -> Rule:
        registered = Rule(code, function, reads, severity, pl, en, source, kind, requires)
        RULES[code] = registered
        return registered

    return register
