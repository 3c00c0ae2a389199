"""Results on election night: provisional results computed from the views, and the commands
that establish a result, reopen it and record the commission's draws.

Establishing reads the log's last position, waits until the tally and progress views have folded
it, computes the result from the confirmed protocols with the draws recorded, and saves in one
atomic write: the result's ``results.established.v1`` (with the whole result and the position it
was computed at) and, for a round-1 mayor without a majority, the runoff pair on the contest with
a mark on the election (a definition changed: every command service's definition cache reads
again). Protocol commands read the result's state before deciding (one small request: its last
position), so a contest's protocols are refused (``results.established``) from the next command
on. A write that loses a race is read and decided again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec
from eventsourcing.persistence import IntegrityError

from domain.clock import SystemClock
from domain.contest import Contest, DefinitionConflictError
from domain.election import Election, polls_close
from domain.ids import contest_id, election_id, result_id
from domain.protocol_refusal import ProtocolRefusedError, refused
from domain.result import Result
from domain.results.contest_result import UnsupportedContestError
from schemas.commands import Outcome
from schemas.envelope import RoutingKeys
from schemas.problems import Problem
from schemas.results import DrawLot, EstablishResult, PublicResult, ReopenResult, ResultState
from services.apps.actors import LOCAL_OPERATOR_ROLE
from services.apps.replays import recorded_under, replayed
from services.apps.repository import of_kind, rebuild
from services.apps.result_inputs import ViewsBehindError, computed

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.persistence import Mapper

    from domain.clock import Clock
    from schemas.envelope import CommandContext
    from schemas.results import ContestResult, ResultKey, ResultQuery
    from services.apps.definition_cache import DefinitionCache
    from services.apps.result_inputs import Inputs, ResultInputs
    from services.eventstore.history import EventStorePort

ATTEMPTS: Final = 8
RUNOFF_OPENED: Final = "runoff_opened"
ResultCommand = EstablishResult | ReopenResult | DrawLot


class ResultsDesk:
    def __init__(
        self, port: EventStorePort, mapper: Mapper[UUID], definitions: DefinitionCache,
        inputs: ResultInputs, clock: Clock | None = None,
    ) -> None:  # fmt: skip
        self._clock = clock or SystemClock()
        self._port = port
        self._mapper = mapper
        self._definitions = definitions
        self._inputs = inputs

    async def result(self, query: ResultQuery) -> ContestResult | ResultState | Outcome:
        """A contest's result now (``accepted`` or ``confirmed`` protocols), or as recorded
        (``established``: the state, and the result when it is established)."""
        key = query.key
        try:
            contest = await self.contest(key)
            recorded = await self._read(result_id(key.election, key.contest, key.round), Result)
            if query.flavour == "established":
                return _state(key, recorded)
            inputs = await self._inputs.read(key.election, key.contest, key.round, query.flavour)
            return await self._computed(contest, key, query.flavour, inputs, recorded)
        except ProtocolRefusedError as refusal:
            return Outcome(status="refused", problems=tuple(refusal.problems))
        except ViewsBehindError as behind:
            return _unavailable(str(behind))

    async def public_result(self, query: ResultQuery) -> PublicResult | Outcome:
        """What the public screen may show of a contest: nothing before the round's polls close
        (the rule lives here, not only on the page), then the result established, or else the
        provisional one of the accepted protocols."""
        key = query.key
        try:
            contest = await self.contest(key)
            election = await self.election(key.election)
            closes = polls_close(election.info, key.round)
            if closes is None:
                raise refused("$.key.round", "results.no_round",
                              f"{key.election} has no round {key.round}")  # fmt: skip
            shown = PublicResult(key=key, opened=False, polls_close=closes.isoformat())
            if self._clock.now() < closes:
                return shown
            recorded = await self._read(result_id(key.election, key.contest, key.round), Result)
            state = _state(key, recorded)
            established = state.result if state.state == "established" else None
            if established is not None:
                result = established
            else:
                inputs = await self._inputs.read(key.election, key.contest, key.round, "accepted")
                result = await self._computed(contest, key, "accepted", inputs, recorded)
        except ProtocolRefusedError as refusal:
            return Outcome(status="refused", problems=tuple(refusal.problems))
        except ViewsBehindError as behind:
            return _unavailable(str(behind))
        # A mayor's candidates on this round's ballot (the runoff's two in round 2).
        names = ({f"c.{p}": contest.candidates[0, p].name for p in contest.standing(key.round)}
                 if contest.shape.kind == "mayor" else {})  # fmt: skip
        return msgspec.structs.replace(
            shown,
            opened=True,
            result=result,
            names=names,
            state="established" if established else "provisional",
        )

    async def tallies(self, key: ResultKey, flavour: str) -> dict[int, dict[str, int]]:
        """The contest's numbers added up per district, as the views have them now."""
        return (await self._inputs.read(key.election, key.contest, key.round, flavour)).tallies

    async def election(self, code: str) -> Election:
        """The election as the definition cache holds it (``_contest`` refreshed it)."""
        aggregate_id = election_id(code)
        found = await self.definition(aggregate_id)
        if found is None:
            raise refused("$.key.election", "results.no_election", f"no election {code}")
        election: Election = of_kind(found, aggregate_id, Election)
        return election

    async def establish_result(self, command: EstablishResult, context: CommandContext) -> Outcome:
        return await self.handle(command, context)

    async def reopen_result(self, command: ReopenResult, context: CommandContext) -> Outcome:
        return await self.handle(command, context)

    async def draw_lot(self, command: DrawLot, context: CommandContext) -> Outcome:
        return await self.handle(command, context)

    async def handle(self, command: ResultCommand, context: CommandContext) -> Outcome:
        """Run one command; a refusal or views that lag are answers, not exceptions."""
        try:
            if context.idempotency_key:
                answered = await self._answered(command, context)
                if answered is not None:
                    return answered
            for _ in range(ATTEMPTS):
                outcome = await self._attempt(command, context)
                if outcome is not None:
                    return outcome
            raise refused("$.key", "results.concurrent_change",
                          "others kept changing this election; retry")  # fmt: skip
        except ProtocolRefusedError as refusal:
            return Outcome(status="refused", problems=tuple(refusal.problems))
        except DefinitionConflictError as conflict:
            return Outcome(status="refused", problems=tuple(conflict.problems))
        except ViewsBehindError as behind:
            return _unavailable(str(behind))

    async def _answered(self, command: ResultCommand, context: CommandContext) -> Outcome | None:
        """A retry under the same key gets the first answer (read from the result's history);
        the key with another request is a conflict."""
        key = command.key
        history = await self._port.history(result_id(key.election, key.contest, key.round))
        found, conflict = recorded_under(history, context.idempotency_key, context.request_hash)
        if found is None:
            return conflict
        version = found.event.originator_version
        then = rebuild(self._mapper, [r for r in history if r.event.originator_version <= version])
        return replayed(Outcome(status="accepted", aggregate_id=str(then.id),
                                sequence=found.position, state=then.state))  # fmt: skip

    async def _attempt(self, command: ResultCommand, context: CommandContext) -> Outcome | None:
        key = command.key
        contest = await self.contest(key)
        if key.teryt is None and context.role not in ("admin", LOCAL_OPERATOR_ROLE):
            raise refused("$.key.contest", "results.admin_only",
                          "results above the gmina are established by an admin")  # fmt: skip
        result = await self._read(result_id(key.election, key.contest, key.round), Result)
        result = result or Result.start(key)
        changed: list[Any] = [result]
        if isinstance(command, EstablishResult):
            log_at = await self._port.last_sequence()
            inputs = await self._inputs.read_at_least(key.election, key.contest, key.round,
                                                      "established", log_at)  # fmt: skip
            computed = await self._computed(contest, key, "established", inputs, result)
            result.establish(computed, reason=command.reason)
            opened = await self._runoff(contest, key, computed)
            if opened:  # a new runoff pair is a definition: every definition cache reads again
                changed += [*opened, await self._marked(key, RUNOFF_OPENED)]
        elif isinstance(command, ReopenResult):
            result.reopen(command.reason)
        else:
            inputs = await self._inputs.read(key.election, key.contest, key.round, "confirmed")
            computed = await self._computed(contest, key, "confirmed", inputs, result)
            _check_draw(command, computed)
            result.draw(command)
        return await self._save(changed, key, context, result)

    async def _runoff(self, contest: Contest, key: ResultKey, computed: ContestResult) -> list[Any]:
        """The runoff a round-1 mayor result without a winner opens (when round 2 exists)."""
        mayor = computed.mayor
        if key.round != 1 or mayor is None or mayor.decision != "runoff":
            return []
        election = await self._read(election_id(key.election), Election)
        if election is None or not any(r.number == 2 for r in election.info.rounds):
            return []
        fresh: Contest = await self._read(contest.id, Contest)
        fresh.open_runoff(tuple(int(candidate[2:]) for candidate in mayor.runoff))
        return [fresh] if fresh.pending_events else []

    async def _marked(self, key: ResultKey, state: str) -> Election:
        election: Election | None = await self._read(election_id(key.election), Election)
        if election is None:
            raise refused("$.key.election", "results.no_election", f"no election {key.election}")
        election.mark_result(key.contest, key.round, state)
        return election

    async def _save(
        self, changed: list[Any], key: ResultKey, context: CommandContext, result: Result
    ) -> Outcome | None:
        events = [self._mapper.to_stored_event(e) for a in changed for e in a.collect_events()]
        routing = RoutingKeys(election=key.election, gmina=key.teryt or "", contest=key.contest)
        try:
            positions = await self._port.append(
                events, context=context, routing={str(a.id): routing for a in changed}
            )
        except IntegrityError:
            return None  # someone wrote meanwhile: read and decide again
        return Outcome(status="accepted", aggregate_id=str(result.id), sequence=positions[-1],
                       state=result.state)  # fmt: skip

    async def _computed(
        self, contest: Contest, key: ResultKey, flavour: str, inputs: Inputs,
        recorded: Result | None,
    ) -> ContestResult:  # fmt: skip
        draws = recorded.draws if recorded is not None else []
        try:
            return await computed(self._inputs, contest, key, flavour, inputs, draws)
        except UnsupportedContestError as error:
            raise refused("$.key.contest", "results.not_supported", str(error)) from None

    async def contest(self, key: ResultKey) -> Contest:
        """The contest of ``key`` as the definitions hold it, or a refusal naming it."""
        await self._definitions.refresh(election_id(key.election))
        aggregate_id = contest_id(key.election, key.contest)
        found = await self.definition(aggregate_id)
        if found is None:
            raise refused("$.key.contest", "results.no_contest",
                          f"{key.election} has no contest {key.contest}")  # fmt: skip
        contest: Contest = of_kind(found, aggregate_id, Contest)
        return contest

    async def definition(self, aggregate_id: UUID) -> Any:
        """A definition aggregate from the cache, read in on first use; None when none."""
        known, found = self._definitions.peek(aggregate_id)
        if not known:
            await self._definitions.load(aggregate_id)
            _, found = self._definitions.peek(aggregate_id)
        return found

    async def _read(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        """An aggregate built afresh from its history (this desk may change it); None if none."""
        history = await self._port.history(aggregate_id)
        return of_kind(rebuild(self._mapper, history), aggregate_id, kind) if history else None


def _check_draw(draw: DrawLot, computed: ContestResult) -> None:
    """A draw is recorded for a lot the rules need now, of as many as it has places."""
    lots = [lot for d in computed.districts if d.district == draw.district for lot in d.lots]
    if computed.mayor is not None and computed.mayor.lot is not None and draw.district == 0:
        lots.append(computed.mayor.lot)
    pending = [lot for lot in lots if not lot.drawn and set(lot.among) == set(draw.among)]
    if not pending:
        raise refused("$.among", "results.no_such_lot",
                      "the result needs no lot among these in this district")  # fmt: skip
    lot = pending[0]
    if len(set(draw.drawn)) != len(draw.drawn) or not set(draw.drawn) <= set(draw.among):
        raise refused("$.drawn", "results.drawn_outside", "the drawn are some of those drawn among")
    if len(draw.drawn) != lot.places:
        raise refused("$.drawn", "results.drawn_count",
                      f"the lot is for {lot.places} place(s), {len(draw.drawn)} drawn")  # fmt: skip


def _state(key: ResultKey, recorded: Result | None) -> ResultState:
    if recorded is None:
        return ResultState(key=key, state="provisional")
    established = recorded.established
    return ResultState(key=key, state=recorded.state,
                       result=established.result if established else None,
                       reason=established.reason if established else "",
                       draws=tuple(recorded.draws))  # fmt: skip


def _unavailable(reason: str) -> Outcome:
    problem = Problem(path="$", rule="results.views_behind", message=reason)
    return Outcome(status="failed", problems=(problem,))
