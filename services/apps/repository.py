"""Reading one aggregate of an expected type: None when it has no events, a TypeError when the id
belongs to an aggregate of another kind (an id derivation gone wrong, never a user's mistake)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.application import AggregateNotFoundError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from eventsourcing.application import Repository
    from eventsourcing.persistence import Mapper

    from services.eventstore.history import Recorded


def of_kind(found: Any, aggregate_id: UUID, kind: type[Any]) -> Any:
    if found is not None and not isinstance(found, kind):
        raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {kind}")
    return found


def get_or_none(repository: Repository[Any], aggregate_id: UUID, kind: type[Any]) -> Any:
    try:
        found: Any = repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return of_kind(found, aggregate_id, kind)


def rebuild(mapper: Mapper[UUID], history: Sequence[Recorded]) -> Any:
    """The aggregate an aggregate's recorded events make, or None when it has none."""
    aggregate: Any = None
    for recorded in history:
        event: Any = mapper.to_domain_event(recorded.event)
        aggregate = event.mutate(aggregate)
    return aggregate
