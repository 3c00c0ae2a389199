"""A verification of the log, recorded: each run of the auditors' check is an aggregate of its
own (one event), so runs never race for a version and the trail keeps every verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from domain.ids import verification_id
from domain.tags import tag
from schemas import audit_events as ev

if TYPE_CHECKING:
    from uuid import UUID

    from schemas.audit import AuditReport


@tag("verification")
class Verification(Aggregate):
    class Recorded(Aggregate.Created):
        data: ev.LogVerified

    @classmethod
    def create_id(cls, data: ev.LogVerified) -> UUID:
        return verification_id(data.run)

    @event(Recorded)
    def __init__(self, data: ev.LogVerified) -> None:
        self.verdict = data

    @classmethod
    def of(cls, run: str, report: AuditReport, up_to: int) -> Verification:
        kinds: dict[str, int] = {}
        for problem in report.problems:
            kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
        first = tuple(f"seq {p.seq} [{p.kind}] {p.message}"
                      for p in report.problems[: ev.FIRST_PROBLEMS])  # fmt: skip
        return cls(data=ev.LogVerified(
            run=run, up_to=up_to, events=report.events, aggregates=report.aggregates,
            problems=len(report.problems), kinds=kinds, first_problems=first,
            views_compared=dict(report.views_compared),
            results_recomputed=report.results_recomputed,
        ))  # fmt: skip
