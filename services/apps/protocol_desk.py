"""Commands on protocols and turnout reports, from request to stored event on one event loop.

A command is read, decided and saved:

* read: its election's definitions are checked for freshness (``DefinitionCache``), then the
  aggregate it changes and, for a protocol's numbers, the protocols beside it (the precinct's
  other contests, for the cross-protocol rules) are read at once, one request each, side by side
  (a submission reads no target: it starts the protocol, and its append proves that nothing was
  there; if something was, it is read and the submission decided again);
* decided: ``services.apps.protocol_decisions`` runs on what was read; a definition or aggregate
  it asks for that was not read yet is read and the decision taken again from scratch (it is
  pure: nothing of a discarded attempt survives);
* saved: the changed aggregate's pending events are appended in one atomic write carrying the
  command's envelope and, under an ``Idempotency-Key``, the key and the request's hash.

Under a key the target's history answers a retry (``services.apps.replays``) from the same read
that the decision uses, so a keyed command costs no extra read. A refusal records nothing and is
judged again on a retry; a refusal under a key is looked up once more, since a concurrent twin
under the same key may have won.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final

from eventsourcing.persistence import IntegrityError

from domain.ids import election_id, result_id, turnout_id
from domain.protocol import Protocol, SamePersonError
from domain.protocol_refusal import ProtocolRefusedError, refusal
from domain.protocol_setting import (
    CurrentContent,
    precinct_keys,
    precinct_setting,
    protocol_setting,
    sibling_ids,
)
from domain.turnout import Turnout
from domain.validation import check
from schemas.ballots import Ballot, PrecinctQuery, PrecinctView, ProtocolState, TurnoutState
from schemas.commands import (
    AcknowledgeAlert,
    CorrectProtocol,
    Outcome,
    ProtocolView,
    SubmitProtocol,
    VersionView,
)
from schemas.events import decode_payload
from schemas.protocol_events import ProtocolCorrected, ProtocolSubmitted
from schemas.validation import ProtocolKey, ValidationReport, ValidationRequest
from services.apps.ballots import ballot_of
from services.apps.definition_cache import DefinitionCache
from services.apps.protocol_decisions import (
    DEFINITIONS,
    PROTOCOL_COMMANDS,
    Change,
    Command,
    Decisions,
    check_form,
    key_id,
)
from services.apps.replays import KEY_REUSED, recorded_under, replayed, target_of
from services.apps.repository import of_kind, rebuild
from services.eventstore.eventlog import KeyReusedError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar
    from uuid import UUID

    from eventsourcing.persistence import Mapper

    from domain.clock import Clock
    from schemas.envelope import CommandContext
    from schemas.protocol import ProtocolContent
    from services.eventstore.history import EventStorePort, Recorded

    T = TypeVar("T")

MAX_ATTEMPTS: Final = 16
"""Decisions taken again for reads they asked for (a cold definition cache: the election, the
unit, the contest, the council); more means a decision that keeps asking for new ids."""

RACE: Final = "someone changed this record at the same moment; read it again and retry"


class NeedsReadError(Exception):
    """A decision asked for an aggregate that was not read."""

    def __init__(self, aggregate_id: UUID, *, definition: bool) -> None:
        super().__init__(f"{aggregate_id} was not read")
        self.aggregate_id = aggregate_id
        self.definition = definition


class Reads:
    """What one attempt at a decision reads: definitions from the cache, other aggregates built
    afresh from the histories read for it (an attempt may change them; the next one starts
    clean)."""

    def __init__(
        self, definitions: DefinitionCache, histories: dict[UUID, list[Recorded]],
        mapper: Mapper[UUID],
    ) -> None:  # fmt: skip
        self._definitions = definitions
        self._histories = histories
        self._mapper = mapper
        self._built: dict[UUID, Any] = {}

    def get(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        if kind in DEFINITIONS:
            known, found = self._definitions.peek(aggregate_id)
            if not known:
                raise NeedsReadError(aggregate_id, definition=True)
            return of_kind(found, aggregate_id, kind)
        history = self._histories.get(aggregate_id)
        if history is None:
            raise NeedsReadError(aggregate_id, definition=False)
        if kind is CurrentContent:
            return current_content(history)
        if aggregate_id not in self._built:
            self._built[aggregate_id] = rebuild(self._mapper, history)
        return of_kind(self._built[aggregate_id], aggregate_id, kind)


class ProtocolDesk:
    def __init__(self, port: EventStorePort, mapper: Mapper[UUID], clock: Clock) -> None:
        self._port = port
        self._mapper = mapper
        self._clock = clock
        self._definitions = DefinitionCache(port, mapper)

    @property
    def definitions(self) -> DefinitionCache:
        """The definitions this desk keeps (the results desk beside it shares them)."""
        return self._definitions

    async def handle(self, command: Command, context: CommandContext) -> Outcome:
        """Run one command; a domain refusal or a lost race is an answer, not an exception."""
        try:
            outcome = await self._handle(command, context)
        except SamePersonError as same:
            return Outcome(status="forbidden", problems=tuple(same.problems))
        except ProtocolRefusedError as refused:
            outcome = Outcome(status="refused", problems=tuple(refused.problems))
        except KeyReusedError:
            return Outcome(status="conflict", problems=(KEY_REUSED,))
        if outcome.status == "refused" and context.idempotency_key:
            # A concurrent request under the same key may have won (a change at the same
            # moment, a correction that is now no change at all): its answer is ours.
            history = await self._port.history(target_of(command))
            recorded = self._recorded(history, command, context)
            outcome = recorded or outcome
        return outcome

    async def recorded(self, command: Any, key: str, fingerprint: str) -> Outcome | None:
        """The outcome ``command`` got when it was recorded under ``key``, marked replayed; a
        conflict when the key recorded another request; None when nothing is recorded under it
        (run it: a refusal recorded nothing and is judged again)."""
        history = await self._port.history(target_of(command))
        return _recorded_outcome(self._mapper, history, command, key, fingerprint)

    async def validate(self, command: SubmitProtocol) -> ValidationReport | Outcome:
        """Judge a protocol in its recorded setting without writing anything."""

        def judge(get: Callable[[UUID, type[Any]], Any]) -> ValidationReport:
            setting = protocol_setting(get, command.key)
            check_form(setting.contest.shape.form, command.content.form)
            request = ValidationRequest(
                key=command.key,
                content=command.content,
                context=setting.context,
                profile=setting.election.info.rules_profile,
            )
            return check(request)

        try:
            await self._definitions.refresh(election_id(command.key.election))
            wanted = await self._sibling_ids(command)
            return await self._decided(judge, await self._histories(wanted))
        except ProtocolRefusedError as refused:
            return Outcome(status="refused", problems=tuple(refused.problems))

    async def protocol(self, key: ProtocolKey) -> Protocol | None:
        found: Protocol | None = await self._read(key_id(key), Protocol)
        return found

    async def turnout(
        self, election: str, teryt: str, precinct: int, round_number: int
    ) -> Turnout | None:
        aggregate_id = turnout_id(election, teryt, precinct, round_number)
        found: Turnout | None = await self._read(aggregate_id, Turnout)
        return found

    async def ballot(self, key: ProtocolKey) -> Ballot | Outcome:
        """A protocol's ballot as the paper lays it out, with its current state."""
        try:
            await self._definitions.refresh(election_id(key.election))
            siblings = await self._histories(await self._sibling_ids_of(key))
            setting = await self._decided(lambda get: protocol_setting(get, key), siblings)
        except ProtocolRefusedError as refused:
            return Outcome(status="refused", problems=tuple(refused.problems))
        return ballot_of(setting, key, await self.view(key))

    async def precinct(self, query: PrecinctQuery) -> PrecinctView | Outcome:
        """A precinct's protocols of a round with their states, and its turnout reports."""
        ref = query.key
        key = ProtocolKey(election=ref.election, teryt=ref.teryt, precinct=ref.precinct,
                          contest=f"mayor:{ref.teryt}", round=ref.round)  # fmt: skip
        try:
            await self._definitions.refresh(election_id(ref.election))
            election, voting, _, precinct = await self._decided(
                lambda get: precinct_setting(get, ref.election, ref.teryt, ref.precinct,
                                             ref.round), {})  # fmt: skip
            keys = await self._decided(lambda get: precinct_keys(get, key), {})
        except ProtocolRefusedError as refused:
            return Outcome(status="refused", problems=tuple(refused.problems))
        del election
        protocols = await asyncio.gather(*(self.protocol(k) for k in keys))
        turnout = await self.turnout(ref.election, ref.teryt, ref.precinct, ref.round)
        reported = set(turnout.reports) if turnout is not None else set()
        return PrecinctView(
            key=ref, address=precinct.address,
            protocols=tuple(ProtocolState(key=k, state=p.status.value if p else "none")
                            for k, p in zip(keys, protocols, strict=True)),
            turnout=tuple(TurnoutState(hour=hour.strftime("%H:%M"), reported=hour in reported)
                          for hour in voting.turnout_hours),
        )  # fmt: skip

    async def _sibling_ids_of(self, key: ProtocolKey) -> list[UUID]:
        return await self._decided(lambda get: sibling_ids(get, key), {})

    async def view(self, key: ProtocolKey) -> ProtocolView | None:
        protocol = await self.protocol(key)
        return None if protocol is None else protocol_view(protocol)

    async def _handle(self, command: Command, context: CommandContext) -> Outcome:
        if not isinstance(command, AcknowledgeAlert):
            await self._definitions.refresh(election_id(command.key.election))
        if isinstance(command, PROTOCOL_COMMANDS):
            k = command.key
            await self._definitions.refresh_one(result_id(k.election, k.contest, k.round))
        if isinstance(command, SubmitProtocol):
            # A submission starts a protocol: it is decided as if nothing were recorded there,
            # and the append's expectation (nothing on the subject yet) proves it. Only when
            # something is (a retry, a second submission) is the protocol read and the
            # command decided again on what is recorded.
            outcome = await self._attempt(command, context, read_target=False)
            if outcome is not None:
                return outcome
        outcome = await self._attempt(command, context, read_target=True)
        assert outcome is not None  # an attempt on what is read answers any taken version
        return outcome

    async def _attempt(
        self, command: Command, context: CommandContext, *, read_target: bool
    ) -> Outcome | None:
        """Read, decide and append; None when the target was assumed empty and is not."""
        target = target_of(command)
        siblings = await self._sibling_ids(command)
        histories = await self._histories([target, *siblings] if read_target else siblings)
        histories.setdefault(target, [])
        if read_target and context.idempotency_key:
            recorded = self._recorded(histories[target], command, context)
            if recorded is not None:
                return recorded

        def decide(get: Callable[[UUID, type[Any]], Any]) -> Change:
            return Decisions(get, self._clock).decide(command, context)

        change = await self._decided(decide, histories)
        events = [self._mapper.to_stored_event(e) for e in change.aggregate.collect_events()]
        try:
            positions = await self._port.append(events, context=context, routing=change.routing)
        except KeyReusedError:
            raise
        except IntegrityError:
            if not read_target:
                return None
            problem = change.taken or refusal("$.key", "protocol.concurrent_change", RACE)
            return Outcome(status="refused", problems=(problem,))
        return outcome_of(change.aggregate, command, positions[-1] if positions else 0)

    def _recorded(
        self, history: list[Recorded], command: Any, context: CommandContext
    ) -> Outcome | None:
        return _recorded_outcome(self._mapper, history, command, context.idempotency_key,
                                 context.request_hash)  # fmt: skip

    async def _sibling_ids(self, command: Any) -> list[UUID]:
        """The protocols beside the one a command enters numbers for (none for the others)."""
        if not isinstance(command, SubmitProtocol | CorrectProtocol):
            return []
        return await self._decided(lambda get: sibling_ids(get, command.key), {})

    async def _histories(self, wanted: Iterable[UUID]) -> dict[UUID, list[Recorded]]:
        ids = list(dict.fromkeys(wanted))
        found = await asyncio.gather(*(self._port.history(i) for i in ids))
        return dict(zip(ids, found, strict=True))

    async def _decided(
        self, decide: Callable[[Callable[[UUID, type[Any]], Any]], T],
        histories: dict[UUID, list[Recorded]],
    ) -> T:  # fmt: skip
        """``decide`` on what was read, reading what it asks for until it asks for nothing."""
        for _ in range(MAX_ATTEMPTS):
            reads = Reads(self._definitions, histories, self._mapper)
            try:
                return decide(reads.get)
            except NeedsReadError as need:
                if need.definition:
                    await self._definitions.load(need.aggregate_id)
                else:
                    histories[need.aggregate_id] = await self._port.history(need.aggregate_id)
        raise RuntimeError(f"a decision asked for new reads {MAX_ATTEMPTS} times")

    async def _read(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        return of_kind(rebuild(self._mapper, await self._port.history(aggregate_id)),
                       aggregate_id, kind)  # fmt: skip


VERSIONED: Final = (ProtocolSubmitted.TAG, ProtocolCorrected.TAG)
"""The events that carry a protocol's numbers: each one makes a new current version."""


def current_content(history: list[Recorded]) -> ProtocolContent | None:
    """A protocol's current numbers from its recorded events: the payload of the last event
    that made a version (confirmations, approvals and the rest carry none); decoding that one
    payload is all a sibling costs."""
    for recorded in reversed(history):
        if recorded.event.topic in VERSIONED:
            payload = decode_payload(recorded.event.topic, recorded.event.state)
            assert isinstance(payload, ProtocolSubmitted | ProtocolCorrected)
            return payload.content
    return None


def _recorded_outcome(
    mapper: Mapper[UUID], history: list[Recorded], command: Any, key: str, fingerprint: str
) -> Outcome | None:
    found, conflict = recorded_under(history, key, fingerprint)
    if found is None:
        return conflict
    version = found.event.originator_version
    aggregate = rebuild(mapper, [r for r in history if r.event.originator_version <= version])
    return replayed(outcome_of(aggregate, command, found.position))


def outcome_of(aggregate: Any, command: Any, sequence: int) -> Outcome:
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


def protocol_view(protocol: Protocol) -> ProtocolView:
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
                entered_by=v.entered_by,
                proxy=v.proxy,
            )
            for v, withdrew in zip(protocol.versions, protocol.withdrawn_by_version, strict=True)
        ),
    )
