"""Stored events are named by stable tags and decode back to equal domain events."""

from __future__ import annotations

import json

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, MapperDeserialisationError, StoredEvent

from domain import tags
from domain.contest import Contest
from domain.definition_plan import Recorded, plan_load
from domain.election import Election
from domain.protocol import Protocol
from domain.turnout import Turnout
from domain.unit import Unit
from services.eventstore.mapper import TaggedMapper
from tests.definitions import decode, small_city, small_gmina

MAPPER = TaggedMapper(JSONTranscoder())


def all_events() -> list[Aggregate.Event]:
    events = []
    for document in (small_gmina(), small_city()):
        plan = plan_load(decode(document), Recorded(), digest="d")
        events += [event for aggregate in plan.changed for event in aggregate.pending_events]
    return events


def test_every_event_round_trips_under_its_tag() -> None:
    """Encoded and decoded, an event equals itself; its stored topic is its tag."""
    for event in all_events():
        stored = MAPPER.to_stored_event(event)
        assert tags.tag_of(type(event)) == stored.topic
        assert event == MAPPER.to_domain_event(stored)


def test_created_events_name_the_aggregate_by_tag_not_module_path() -> None:
    """Moving a module must not break history: no Python path is stored."""
    created = [e for e in all_events() if isinstance(e, Aggregate.Created)]
    stored_topics = {
        json.loads(MAPPER.to_stored_event(e).state)["originator_topic"] for e in created
    }
    assert {"election", "unit", "contest"} == stored_topics


def test_an_unknown_tag_is_a_clear_deserialisation_error() -> None:
    """An event of a type this code does not know is reported, never guessed."""
    stored = StoredEvent(
        originator_id="00000000-0000-0000-0000-000000000001",
        originator_version=1,
        topic="protocol.imagined.v9",
        state=b"{}",
    )
    with pytest.raises(MapperDeserialisationError, match=r"protocol\.imagined\.v9"):
        MAPPER.to_domain_event(stored)


def test_every_event_class_of_every_aggregate_is_tagged() -> None:
    """Forgetting a tag on a new event class fails here, not in production."""
    for aggregate in (Election, Unit, Contest, Protocol, Turnout):
        nested = [  # the library's own nested bases, Event and Created, are never stored
            value
            for name, value in vars(aggregate).items()
            if isinstance(value, type)
            and issubclass(value, Aggregate.Event)
            and name not in {"Event", "Created"}
        ]
        assert nested
        for cls in nested:
            assert tags.TAG_PATTERN.match(tags.tag_of(cls))
            assert cls is tags.class_of(tags.tag_of(cls))


def test_a_tag_cannot_be_taken_twice() -> None:
    """Two classes under one tag would make stored events ambiguous."""
    with pytest.raises(ValueError, match="already used"):
        tags.tag("unit.defined.v1")(type("Other", (), {}))
