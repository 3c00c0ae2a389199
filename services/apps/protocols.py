"""The protocols application: commands on protocols and turnout reports, through the event store.

Each command reads what it needs (definitions, the protocol, its siblings), lets the aggregate
decide, and saves the one resulting event. Domain refusals come back as ``Outcome(status=
"refused")`` naming the field and the rule; nothing is written then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from domain.alert_review import AlertReview
from domain.clock import Clock, SystemClock
from domain.contest import Contest
from domain.election import Election
from domain.ids import election_id, protocol_id, turnout_id
from domain.protocol import Protocol, SamePersonError, Voucher
from domain.protocol_refusal import ProtocolRefusedError, refusal, refused
from domain.protocol_setting import precinct_setting, protocol_setting
from domain.rules import profile_for
from domain.turnout import Turnout
from domain.unit import Unit
from domain.validation import check
from schemas.catalog import handler_of
from schemas.commands import (
    AcknowledgeAlert,
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    Outcome,
    ProtocolView,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    VersionView,
    WithdrawConfirmation,
)
from schemas.envelope import RoutingKeys
from schemas.validation import ValidationReport, ValidationRequest
from services.apps.definition_cache import DefinitionCache
from services.apps.elections import Elections
from services.apps.replays import KEY_REUSED, recorded_under, replayed, target_of
from services.apps.repository import get_or_none, of_kind
from services.eventstore.eventlog import KeyReusedError
from services.eventstore.history import history_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from schemas.definition import PrecinctDefinition, RoundDefinition
    from schemas.envelope import CommandContext
    from schemas.validation import ProtocolKey

DEFINITIONS = (Election, Unit, Contest)
"""Read through the definition cache (they change only when a definition file is loaded)."""

Command = (
    SubmitProtocol | CorrectProtocol | ConfirmProtocol | ApproveHardWarnings
    | WithdrawConfirmation | RejectProtocol | ReportTurnout | CorrectTurnout | AcknowledgeAlert
)  # fmt: skip


class Protocols(Application[UUID]):
    name = "protocols"
    env: ClassVar[dict[str, str]] = Elections.env

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock = clock or SystemClock()
        self._definitions = DefinitionCache(self)
        self._store = history_of(self.recorder)

    def handle(self, command: Command, context: CommandContext) -> Outcome:
        """Run one command through its handler (``schemas.catalog``); a domain refusal or a lost
        race is an answer, not an exception."""
        handler: Callable[[Any, CommandContext], Outcome] = getattr(self, handler_of(type(command)))
        try:
            if not isinstance(command, AcknowledgeAlert):
                self._definitions.refresh(election_id(command.key.election))
            return handler(command, context)
        except SamePersonError as same:
            return Outcome(status="forbidden", problems=tuple(same.problems))
        except ProtocolRefusedError as refused:
            return Outcome(status="refused", problems=tuple(refused.problems))
        except KeyReusedError:
            return Outcome(status="conflict", problems=(KEY_REUSED,))
        except IntegrityError:
            race = "someone changed this record at the same moment; read it again and retry"
            problem = refusal("$.key", "protocol.concurrent_change", race)
            return Outcome(status="refused", problems=(problem,))

    def recorded(self, command: Any, key: str, fingerprint: str) -> Outcome | None:
        """The outcome ``command`` got when it was recorded under ``key``, marked replayed; a
        conflict when the key recorded another request; None when nothing is recorded under it
        (run it: a refusal recorded nothing and is judged again)."""
        target = target_of(command)
        found, conflict = recorded_under(self._store.history(target), key, fingerprint)
        if found is None:
            return conflict
        aggregate: Any = self.repository.get(target, version=found.event.originator_version)
        return replayed(_outcome_of(aggregate, command, found.position))

    def validate(self, command: SubmitProtocol) -> ValidationReport | Outcome:
        """Judge a protocol in its recorded setting without writing anything."""
        try:
            self._definitions.refresh(election_id(command.key.election))
            setting = protocol_setting(self._get, command.key)
            _check_form(setting.contest.shape.form, command.content.form)
        except ProtocolRefusedError as refused:
            return Outcome(status="refused", problems=tuple(refused.problems))
        request = ValidationRequest(
            key=command.key,
            content=command.content,
            context=setting.context,
            profile=setting.election.info.rules_profile,
        )
        return check(request)

    def protocol(self, key: ProtocolKey) -> Protocol | None:
        found: Protocol | None = self._get(_protocol_id(key), Protocol)
        return found

    def view(self, key: ProtocolKey) -> ProtocolView | None:
        protocol = self.protocol(key)
        if protocol is None:
            return None
        return ProtocolView(
            key=protocol.key,
            aggregate_id=str(protocol.id),
            state=protocol.status.value,
            versions=tuple(
                VersionView(
                    version=v.number,
                    control_code=v.control_code,
                    content=v.content,
                    findings=v.findings,
                    rules=v.rules,
                    withdrew_confirmation=withdrew,
                )
                for v, withdrew in zip(
                    protocol.versions, protocol.withdrawn_by_version, strict=True
                )
            ),
        )

    def turnout(
        self, election: str, teryt: str, precinct: int, round_number: int
    ) -> Turnout | None:
        found: Turnout | None = self._get(
            turnout_id(election, teryt, precinct, round_number), Turnout
        )
        return found

    # Protocols: the handlers of ``schemas.catalog.COMMANDS``.

    def submit(self, command: SubmitProtocol, context: CommandContext) -> Outcome:
        key = command.key
        existing = self.protocol(key)
        if existing is not None:
            exists = f"version {existing.current.number} exists; send a correction"
            raise refused("$.key", "protocol.already_submitted", exists)
        setting = protocol_setting(self._get, key)
        _check_form(setting.contest.shape.form, command.content.form)
        profile = profile_for(setting.election.info.rules_profile, command.content.form)
        protocol = Protocol.submit(
            key, command.content, setting.context, profile, entered_by=context.actor
        )
        return self._save_protocol(protocol, command, context)

    def correct(self, command: CorrectProtocol, context: CommandContext) -> Outcome:
        protocol = self._submitted(command.key)
        setting = protocol_setting(self._get, command.key)
        _check_form(setting.contest.shape.form, command.content.form)
        profile = profile_for(setting.election.info.rules_profile, command.content.form)
        protocol.correct(command.content, command.reason, setting.context, profile,
                         command.expected_version, entered_by=context.actor)  # fmt: skip
        return self._save_protocol(protocol, command, context)

    def confirm(self, command: ConfirmProtocol, context: CommandContext) -> Outcome:
        protocol = self._submitted(command.key)
        voucher = self._voucher(command.key, context)
        if command.entry is not None:
            protocol.confirm_by_blind_entry(command.entry, voucher)
        else:
            protocol.confirm_by_control_code(command.control_code, voucher)
        return self._save_protocol(protocol, command, context)

    def approve(self, command: ApproveHardWarnings, context: CommandContext) -> Outcome:
        protocol = self._submitted(command.key)
        protocol.approve_hard_warnings(command.control_code, self._voucher(command.key, context))
        return self._save_protocol(protocol, command, context)

    def withdraw(self, command: WithdrawConfirmation, context: CommandContext) -> Outcome:
        protocol = self._submitted(command.key)
        protocol.withdraw_confirmation(command.reason)
        return self._save_protocol(protocol, command, context)

    def reject(self, command: RejectProtocol, context: CommandContext) -> Outcome:
        protocol = self._submitted(command.key)
        protocol.reject(command.reason)
        return self._save_protocol(protocol, command, context)

    def _submitted(self, key: ProtocolKey) -> Protocol:
        existing = self.protocol(key)
        if existing is None:
            raise refused("$.key", "protocol.not_submitted", "no protocol was submitted here")
        return existing

    def _save_protocol(self, protocol: Protocol, command: Any, context: CommandContext) -> Outcome:
        routing = {protocol.id: _routing(protocol.key)}
        recordings = self.save(protocol, context=context, routing=routing)
        return _outcome_of(protocol, command, recordings[-1].notification.id if recordings else 0)

    def _voucher(self, key: ProtocolKey, context: CommandContext) -> Voucher:
        """Who vouches. Separation of duties binds accounts; the local operator's CLI on the
        machine itself (a privileged path, recorded as such in every event) is one person by
        definition and not bound by it."""
        if not context.actor.startswith("account:"):
            return Voucher()
        election: Election | None = self._get(election_id(key.election), Election)
        alone = election is not None and key.teryt in election.sole_coordinator
        return Voucher(actor=context.actor, works_alone=alone)

    # Alerts.

    def acknowledge_alert(self, command: AcknowledgeAlert, context: CommandContext) -> Outcome:
        election, _, rest = command.key.alert.partition("|")
        if not rest.startswith(command.key.teryt + "|"):
            raise refused("$.key.alert", "alert.not_in_gmina",
                          f"the alert is not one of gmina {command.key.teryt}")  # fmt: skip
        review = AlertReview.acknowledge(command.key.alert, command.note)
        routing = RoutingKeys(election=election, gmina=command.key.teryt)
        try:
            recordings = self.save(review, context=context, routing={review.id: routing})
        except IntegrityError:
            raise refused("$.key.alert", "alert.already_acknowledged",
                          "this alert was acknowledged already") from None  # fmt: skip
        return _outcome_of(review, command, recordings[-1].notification.id)

    # Turnout.

    def report_turnout(self, command: ReportTurnout, context: CommandContext) -> Outcome:
        k = command.key
        election, voting, precinct = self._turnout_setting(command)
        turnout = self.turnout(k.election, k.teryt, k.precinct, k.round)
        turnout = turnout or Turnout.open(k.election, k.teryt, k.precinct, k.round)
        turnout.report(command.report, voting=voting, now=self.clock.now(),
                       **_turnout_rules(election, precinct))  # fmt: skip
        return self._save_turnout(turnout, command, context)

    def correct_turnout(self, command: CorrectTurnout, context: CommandContext) -> Outcome:
        k = command.key
        election, _, precinct = self._turnout_setting(command)
        turnout = self.turnout(k.election, k.teryt, k.precinct, k.round)
        if turnout is None:
            raise refused("$.report.hour", "turnout.not_reported", "nothing to correct")
        turnout.correct(command.report, command.reason, **_turnout_rules(election, precinct))
        return self._save_turnout(turnout, command, context)

    def _turnout_setting(
        self, command: ReportTurnout | CorrectTurnout
    ) -> tuple[Election, RoundDefinition, PrecinctDefinition]:
        """The election, its voting hours and the precinct a turnout report is about."""
        k = command.key
        election, voting, _, precinct = precinct_setting(
            self._get, k.election, k.teryt, k.precinct, k.round
        )
        return election, voting, precinct

    def _save_turnout(self, turnout: Turnout, command: Any, context: CommandContext) -> Outcome:
        k = command.key
        routing = RoutingKeys(election=k.election, gmina=k.teryt, precinct=str(k.precinct),
                              round=str(k.round))  # fmt: skip
        recordings = self.save(turnout, context=context, routing={turnout.id: routing})
        return _outcome_of(turnout, command, recordings[-1].notification.id if recordings else 0)

    def _get(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        if kind in DEFINITIONS:
            return of_kind(self._definitions.get(aggregate_id), aggregate_id, kind)
        return get_or_none(self.repository, aggregate_id, kind)


def _outcome_of(aggregate: Any, command: Any, sequence: int) -> Outcome:
    """What a recorded command answers: the same whether it just ran or is read back."""
    if isinstance(aggregate, Protocol):
        current = aggregate.current
        return Outcome(status="accepted", aggregate_id=str(aggregate.id), sequence=sequence,
                       version=current.number, control_code=current.control_code,
                       state=aggregate.status.value, findings=current.findings)  # fmt: skip
    if isinstance(aggregate, Turnout):
        reported = aggregate.reports[command.report.hour]
        return Outcome(status="accepted", aggregate_id=str(aggregate.id), sequence=sequence,
                       findings=reported.findings, late=reported.late)  # fmt: skip
    return Outcome(status="accepted", aggregate_id=str(aggregate.id), sequence=sequence,
                   state="acknowledged")  # fmt: skip


def _turnout_rules(election: Election, precinct: PrecinctDefinition) -> dict[str, Any]:
    """What a turnout report is judged against: the precinct's type and estimate, the rules."""
    return {
        "precinct_type": precinct.type,
        "estimate": precinct.eligible_voters or None,
        "profile": profile_for(election.info.rules_profile, ""),
    }


def _protocol_id(key: ProtocolKey) -> UUID:
    return protocol_id(key.election, key.teryt, key.precinct, key.contest, key.district, key.round)


def _routing(key: ProtocolKey) -> RoutingKeys:
    return RoutingKeys(
        election=key.election,
        gmina=key.teryt,
        precinct=str(key.precinct),
        contest=key.contest,
        district=str(key.district),
        round=str(key.round),
    )


def _check_form(expected: str, given: str) -> None:
    if expected != given:
        wrong = f"this contest uses the {expected} form, not {given}"
        raise refused("$.content.form", "protocol.form_mismatch", wrong)
