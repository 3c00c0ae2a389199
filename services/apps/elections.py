"""The elections application: definitions recorded in the event store through eventsourcing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application

from domain.contest import Contest
from domain.definition_plan import Plan, Recorded, plan_load, referenced_units
from domain.definitions.common import contest_key_of
from domain.election import Election
from domain.ids import contest_id, election_id, unit_id
from domain.unit import Unit
from schemas.definition import NATIONAL_AREA
from schemas.envelope import RoutingKeys
from services.apps.repository import get_or_none
from services.eventstore.eventlog import MAX_BATCH

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from schemas.definition import ElectionDefinition
    from schemas.envelope import CommandContext


class Elections(Application[UUID]):
    name = "elections"
    env: ClassVar[dict[str, str]] = {
        "PERSISTENCE_MODULE": "services.eventstore",
        "MAPPER_TOPIC": "services.eventstore.mapper:TaggedMapper",
    }

    def recorded(self, definition: ElectionDefinition) -> Recorded:
        """The aggregates ``definition`` touches or refers to, as recorded."""
        code = definition.election.code
        recorded = Recorded(election=self._get(election_id(code), Election))
        if recorded.election is None:
            return recorded
        for teryt in sorted(referenced_units(definition)):
            unit = self._get(unit_id(code, teryt), Unit)
            if unit is not None:
                recorded.units[teryt] = unit
        for contest_definition in definition.contests:
            key = contest_key_of(contest_definition)
            contest = self._get(contest_id(code, key), Contest)
            if contest is not None:
                recorded.contests[key] = contest
        return recorded

    def plan(self, definition: ElectionDefinition, digest: str) -> Plan:
        return plan_load(definition, self.recorded(definition), digest)

    def record(self, plan: Plan, context: CommandContext) -> int:
        """Save a plan's events in as few atomic batches as the store allows; returns the count.

        Up to ``MAX_BATCH`` events go in one all-or-nothing batch. A larger plan is saved in
        several, the election (with its ``definition_loaded`` event) last: a load cut short after
        some batches is completed by loading the same file again.
        """
        saves = 0
        for batch in _batches(plan.changed):
            self.save(*batch, context=context, routing={a.id: routing_of(a) for a in batch})
            saves += 1
        return saves

    def set_sole_coordinator(
        self, code: str, gmina: str, *, allowed: bool, reason: str, context: CommandContext
    ) -> bool:
        """Record whether the gmina's coordinator works alone; False when it already was so.

        Raises LookupError for an election or gmina that is not recorded.
        """
        election: Election | None = self._get(election_id(code), Election)
        if election is None:
            raise LookupError(f"no election {code} is recorded")
        if self._get(unit_id(code, gmina), Unit) is None:
            raise LookupError(f"gmina {gmina} is not a unit of election {code}")
        election.set_sole_coordinator(gmina, allowed=allowed, reason=reason)
        if not election.pending_events:
            return False
        self.save(election, context=context,
                  routing={election.id: RoutingKeys(election=code, gmina=gmina)})  # fmt: skip
        return True

    def _get(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        return get_or_none(self.repository, aggregate_id, kind)


def routing_of(aggregate: Aggregate) -> RoutingKeys:
    if isinstance(aggregate, Election):
        return RoutingKeys(election=aggregate.code)
    if isinstance(aggregate, Unit):
        return RoutingKeys(election=aggregate.election, gmina=aggregate.teryt)
    if isinstance(aggregate, Contest):
        shape = aggregate.shape
        gmina = "" if shape.area == NATIONAL_AREA else shape.area
        return RoutingKeys(election=shape.election, gmina=gmina, contest=shape.contest)
    raise TypeError(f"no routing keys for {type(aggregate).__name__}")


def _batches(aggregates: list[Aggregate]) -> list[list[Aggregate]]:
    batches: list[list[Aggregate]] = [[]]
    size = 0
    for aggregate in aggregates:
        count = len(aggregate.pending_events)
        if batches[-1] and size + count > MAX_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(aggregate)
        size += count
    return [batch for batch in batches if batch]
