"""The turnout aggregate: one precinct's reports during one round, at the round's turnout hours.

A report for an hour is accepted from that hour on; after ``GRACE`` it is still accepted but
marked late (the clock is the server's, injected). Errors refuse a report; warnings are recorded
with it. A report is corrected with a reason, never overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from eventsourcing.domain import Aggregate, event

from domain.clock import civil_instant
from domain.ids import turnout_id
from domain.protocol_refusal import ProtocolRefusedError, refusal, refused
from domain.rules import validate_turnout
from domain.tags import tag
from schemas import protocol_events as ev
from schemas.protocol import Finding, Severity
from schemas.validation import TurnoutContext

if TYPE_CHECKING:
    from uuid import UUID

    from domain.rules import Profile, Validation
    from schemas.definition import PrecinctType, RoundDefinition
    from schemas.problems import Problem
    from schemas.protocol import TurnoutContent

GRACE: Final = dt.timedelta(minutes=30)
"""How long after its hour a report still counts as on time [brief: not specified]."""


@tag("turnout")
class Turnout(Aggregate):
    class Opened(Aggregate.Created):
        data: ev.TurnoutOpened

    class Reported(Aggregate.Event):
        data: ev.TurnoutReported

    class Corrected(Aggregate.Event):
        data: ev.TurnoutCorrected

    @classmethod
    def create_id(cls, data: ev.TurnoutOpened) -> UUID:
        return turnout_id(data.election, data.teryt, data.precinct, data.round)

    @event(Opened)
    def __init__(self, data: ev.TurnoutOpened) -> None:
        self.opened = data
        self.reports: dict[dt.time, ev.TurnoutReported] = {}

    @classmethod
    def open(cls, election: str, teryt: str, precinct: int, round_number: int) -> Turnout:
        return cls(
            data=ev.TurnoutOpened(
                election=election, teryt=teryt, precinct=precinct, round=round_number
            )
        )

    def report(
        self,
        report: TurnoutContent,
        *,
        voting: RoundDefinition,
        precinct_type: PrecinctType,
        estimate: int | None,
        profile: Profile,
        now: dt.datetime,
    ) -> None:
        if report.hour not in voting.turnout_hours:
            hours = ", ".join(h.strftime("%H:%M") for h in voting.turnout_hours)
            raise refused("$.hour", "turnout.unknown_hour", f"this round reports at {hours}")
        if report.hour in self.reports:
            raise refused("$.hour", "turnout.already_reported", "correct it, with a reason")
        due = civil_instant(voting.date, report.hour)
        if now < due:
            raise refused("$.hour", "turnout.too_early", f"not before {report.hour:%H:%M}")
        result = self._judge(report, precinct_type, estimate, profile)
        self._report(
            ev.TurnoutReported(
                report=report,
                findings=result.findings,
                rules=result.stamp,
                received_at=now,
                late=now > due + GRACE,
            )
        )

    def correct(
        self,
        report: TurnoutContent,
        reason: str,
        *,
        precinct_type: PrecinctType,
        estimate: int | None,
        profile: Profile,
    ) -> None:
        if not reason.strip():
            raise refused("$.reason", "turnout.reason_required", "a reason is required")
        if report.hour not in self.reports:
            raise refused("$.hour", "turnout.not_reported", "nothing to correct at this hour")
        result = self._judge(report, precinct_type, estimate, profile)
        self._correct(
            ev.TurnoutCorrected(
                report=report, findings=result.findings, rules=result.stamp, reason=reason.strip()
            )
        )

    def _judge(
        self,
        report: TurnoutContent,
        precinct_type: PrecinctType,
        estimate: int | None,
        profile: Profile,
    ) -> Validation:
        earlier = [hour for hour in self.reports if hour < report.hour]
        previous = self.reports[max(earlier)].report if earlier else None
        context = TurnoutContext(precinct_type=precinct_type, estimate=estimate, previous=previous)
        result = validate_turnout(report, context, profile)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if errors:
            raise ProtocolRefusedError([_problem(f) for f in errors])
        return result

    @event(Reported)
    def _report(self, data: ev.TurnoutReported) -> None:
        self.reports[data.report.hour] = data

    @event(Corrected)
    def _correct(self, data: ev.TurnoutCorrected) -> None:
        reported = self.reports[data.report.hour]
        self.reports[data.report.hour] = ev.TurnoutReported(
            report=data.report,
            findings=data.findings,
            rules=data.rules,
            received_at=reported.received_at,
            late=reported.late,
        )


def _problem(finding: Finding) -> Problem:
    return refusal(f"$.{finding.fields[0]}" if finding.fields else "$", finding.code,
                   f"error: {finding.message_en}")  # fmt: skip
