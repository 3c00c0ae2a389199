"""What each protocol and turnout command changes, decided from what it read: no I/O here.

A decision reads aggregates through ``get`` (definitions, the protocol, its siblings) and returns
the one aggregate it changed with its pending events (a ``Change``), or raises the domain's
refusal naming the field and the rule. ``services.apps.protocol_desk`` reads before deciding and
saves after, so the same decision runs wherever the reads come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.alert_review import AlertReview
from domain.contest import Contest
from domain.election import Election
from domain.ids import election_id, protocol_id, result_id, turnout_id
from domain.protocol import Protocol, Voucher
from domain.protocol_refusal import refusal, refused
from domain.protocol_setting import precinct_setting, protocol_setting
from domain.result import ESTABLISHED, Result
from domain.rules import profile_for
from domain.turnout import Turnout
from domain.unit import Unit
from schemas.catalog import PROXY, handler_of
from schemas.commands import (
    AcknowledgeAlert,
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from schemas.envelope import RoutingKeys

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from domain.clock import Clock
    from schemas.definition import PrecinctDefinition, RoundDefinition
    from schemas.envelope import CommandContext
    from schemas.problems import Problem
    from schemas.validation import ProtocolKey

Command = (
    SubmitProtocol | CorrectProtocol | ConfirmProtocol | ApproveHardWarnings
    | WithdrawConfirmation | RejectProtocol | ReportTurnout | CorrectTurnout | AcknowledgeAlert
)  # fmt: skip

DEFINITIONS = (Election, Unit, Contest, Result)
"""Read through the definition cache: they change only when a definition file is loaded (or a
runoff is opened), which marks the election; a result's state is refreshed on its own before a
protocol command (``DefinitionCache.refresh_one``)."""
PROTOCOL_COMMANDS = (SubmitProtocol, CorrectProtocol, ConfirmProtocol, ApproveHardWarnings,
                     WithdrawConfirmation, RejectProtocol)  # fmt: skip

ALREADY_ACKNOWLEDGED = refusal("$.key.alert", "alert.already_acknowledged",
                               "this alert was acknowledged already")  # fmt: skip


@dataclass(frozen=True)
class Change:
    """The aggregate a command changed (its events pending) and the routing keys of its events.
    ``taken``: the refusal when the aggregate's version is taken meanwhile, if that has a
    meaning of its own (an alert acknowledged twice); else a concurrent change."""

    aggregate: Any
    routing: dict[str, RoutingKeys]
    taken: Problem | None = None


class Decisions:
    def __init__(self, get: Callable[[UUID, type[Any]], Any], clock: Clock) -> None:
        self._get = get
        self._clock = clock

    def decide(self, command: Command, context: CommandContext) -> Change:
        """Run one command's handler (``schemas.catalog``)."""
        handler: Callable[[Any, CommandContext], Change] = getattr(self, handler_of(type(command)))
        return handler(command, context)

    # Protocols: the handlers of ``schemas.catalog.COMMANDS``.

    def submit(self, command: SubmitProtocol, context: CommandContext) -> Change:
        key = command.key
        self._open(key)
        existing = self.protocol(key)
        if existing is not None:
            exists = f"version {existing.current.number} exists; send a correction"
            raise refused("$.key", "protocol.already_submitted", exists)
        setting = protocol_setting(self._get, key)
        check_form(setting.contest.shape.form, command.content.form)
        profile = profile_for(setting.election.info.rules_profile, command.content.form)
        protocol = Protocol.submit(
            key,
            command.content,
            setting.context,
            profile,
            entered_by=context.actor,
            proxy=context.channel == PROXY,
        )
        return _protocol_change(protocol)

    def correct(self, command: CorrectProtocol, context: CommandContext) -> Change:
        self._open(command.key)
        protocol = self._submitted(command.key)
        setting = protocol_setting(self._get, command.key)
        check_form(setting.contest.shape.form, command.content.form)
        profile = profile_for(setting.election.info.rules_profile, command.content.form)
        protocol.correct(command.content, command.reason, setting.context, profile,
                         command.expected_version, entered_by=context.actor,
                         proxy=context.channel == PROXY)  # fmt: skip
        return _protocol_change(protocol)

    def confirm(self, command: ConfirmProtocol, context: CommandContext) -> Change:
        protocol = self._submitted(command.key)
        voucher = self._voucher(command.key, context)
        if command.entry is not None:
            protocol.confirm_by_blind_entry(command.entry, voucher)
        else:
            protocol.confirm_by_control_code(command.control_code, voucher)
        return _protocol_change(protocol)

    def approve(self, command: ApproveHardWarnings, context: CommandContext) -> Change:
        self._open(command.key)
        protocol = self._submitted(command.key)
        protocol.approve_hard_warnings(command.control_code, self._voucher(command.key, context))
        return _protocol_change(protocol)

    def withdraw(self, command: WithdrawConfirmation, context: CommandContext) -> Change:
        del context
        self._open(command.key)
        protocol = self._submitted(command.key)
        protocol.withdraw_confirmation(command.reason)
        return _protocol_change(protocol)

    def reject(self, command: RejectProtocol, context: CommandContext) -> Change:
        del context
        self._open(command.key)
        protocol = self._submitted(command.key)
        protocol.reject(command.reason)
        return _protocol_change(protocol)

    def protocol(self, key: ProtocolKey) -> Protocol | None:
        found: Protocol | None = self._get(key_id(key), Protocol)
        return found

    def _open(self, key: ProtocolKey) -> None:
        """Numbers of an established result's protocols stay as established: a change (or an
        approval, which moves a version into the tallies) waits until the result is reopened.
        A confirmation, which only vouches for what is counted, is still taken."""
        result: Result | None = self._get(result_id(key.election, key.contest, key.round), Result)
        if result is not None and result.state == ESTABLISHED:
            raise refused("$.key", "results.established",
                          f"the result of {key.contest} (round {key.round}) is established; "
                          "its coordinator reopens it first, with a reason")  # fmt: skip

    def _submitted(self, key: ProtocolKey) -> Protocol:
        existing = self.protocol(key)
        if existing is None:
            raise refused("$.key", "protocol.not_submitted", "no protocol was submitted here")
        return existing

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

    def acknowledge_alert(self, command: AcknowledgeAlert, context: CommandContext) -> Change:
        del context
        election, _, rest = command.key.alert.partition("|")
        if not rest.startswith(command.key.teryt + "|"):
            raise refused("$.key.alert", "alert.not_in_gmina",
                          f"the alert is not one of gmina {command.key.teryt}")  # fmt: skip
        review = AlertReview.acknowledge(command.key.alert, command.note)
        routing = RoutingKeys(election=election, gmina=command.key.teryt)
        return Change(review, {str(review.id): routing}, taken=ALREADY_ACKNOWLEDGED)

    # Turnout.

    def report_turnout(self, command: ReportTurnout, context: CommandContext) -> Change:
        del context
        k = command.key
        election, voting, precinct = self._turnout_setting(command)
        turnout = self._get(turnout_id(k.election, k.teryt, k.precinct, k.round), Turnout)
        turnout = turnout or Turnout.open(k.election, k.teryt, k.precinct, k.round)
        turnout.report(command.report, voting=voting, now=self._clock.now(),
                       **_turnout_rules(election, precinct))  # fmt: skip
        return _turnout_change(turnout, command)

    def correct_turnout(self, command: CorrectTurnout, context: CommandContext) -> Change:
        del context
        k = command.key
        election, _, precinct = self._turnout_setting(command)
        turnout = self._get(turnout_id(k.election, k.teryt, k.precinct, k.round), Turnout)
        if turnout is None:
            raise refused("$.report.hour", "turnout.not_reported", "nothing to correct")
        turnout.correct(command.report, command.reason, **_turnout_rules(election, precinct))
        return _turnout_change(turnout, command)

    def _turnout_setting(
        self, command: ReportTurnout | CorrectTurnout
    ) -> tuple[Election, RoundDefinition, PrecinctDefinition]:
        """The election, its voting hours and the precinct a turnout report is about."""
        k = command.key
        election, voting, _, precinct = precinct_setting(
            self._get, k.election, k.teryt, k.precinct, k.round
        )
        return election, voting, precinct


def key_id(key: ProtocolKey) -> UUID:
    return protocol_id(key.election, key.teryt, key.precinct, key.contest, key.district, key.round)


def check_form(expected: str, given: str) -> None:
    if expected != given:
        wrong = f"this contest uses the {expected} form, not {given}"
        raise refused("$.content.form", "protocol.form_mismatch", wrong)


def _protocol_change(protocol: Protocol) -> Change:
    key = protocol.key
    routing = RoutingKeys(election=key.election, gmina=key.teryt, precinct=str(key.precinct),
                          contest=key.contest, district=str(key.district),
                          round=str(key.round))  # fmt: skip
    return Change(protocol, {str(protocol.id): routing})


def _turnout_change(turnout: Turnout, command: ReportTurnout | CorrectTurnout) -> Change:
    k = command.key
    routing = RoutingKeys(election=k.election, gmina=k.teryt, precinct=str(k.precinct),
                          round=str(k.round))  # fmt: skip
    return Change(turnout, {str(turnout.id): routing})


def _turnout_rules(election: Election, precinct: PrecinctDefinition) -> dict[str, Any]:
    """What a turnout report is judged against: the precinct's type and estimate, the rules."""
    return {
        "precinct_type": precinct.type,
        "estimate": precinct.eligible_voters or None,
        "profile": profile_for(election.info.rules_profile, ""),
    }
