"""R8xx: the form itself: the right fields filled for the contest's form and ballot, times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.forms import BALLOT_COUNTS, OPTIONAL, POINTS, REQUIRED
from domain.rules.values import broken
from schemas.protocol import COUNT_FIELDS, ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext


def expected_counts(form: str, context: RuleContext) -> tuple[frozenset[str], frozenset[str]]:
    """(required, allowed) counts of ``form`` for the context's ballot."""
    required = set(REQUIRED.get(form, ()))
    allowed = set(POINTS.get(form, {})) | set(OPTIONAL.get(form, ()))
    if context.yes_no:
        required |= set(BALLOT_COUNTS["yes-no"])
        allowed |= set(BALLOT_COUNTS["yes-no"])
    return frozenset(required), frozenset(allowed)


@rule("R801", reads=(), severity=Severity.ERROR,
      source="a complete protocol: every point of the form filled, nothing else (H0)",
      pl="{problem}", en="{problem_en}")  # fmt: skip
def form_complete(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if p.form not in POINTS:
        yield {
            "problem": f"nieznany formularz {p.form!r}",
            "problem_en": f"unknown form {p.form!r}",
        }
        return
    required, allowed = expected_counts(p.form, c)
    for name in COUNT_FIELDS:
        value = getattr(p, name)
        if name in required and value is None:
            yield {"problem": f"brak pola {name}", "problem_en": f"{name} is missing"}
        elif name not in allowed and value is not None:
            yield {
                "problem": f"pole {name} nie występuje w tym protokole",
                "problem_en": f"{name} is not on this protocol",
            }
    wants = "lists" if c.lists else "yes-no" if c.yes_no else "candidates"
    if (p.lists and wants != "lists") or (p.candidates and wants != "candidates"):
        yield {
            "problem": f"ten protokół liczy głosy w układzie: {wants}",
            "problem_en": f"this protocol counts votes as {wants}",
        }


@rule("R802", reads=("voting_started", "voting_ended"), severity=Severity.WARNING,
      source="S1/SR0000 (start time ≤ end time)",
      pl="Głosowanie zakończono ({voting_ended}) przed rozpoczęciem ({voting_started})",
      en="Voting ended ({voting_ended}) before it started ({voting_started})")  # fmt: skip
def voting_ends_after_start(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if p.voting_started is not None and p.voting_ended is not None:
        yield from broken(p.voting_ended < p.voting_started)
