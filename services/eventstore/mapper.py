"""Stored events named by stable tags and encoded with msgspec.

The library's default mapper names an event by its Python path (``module:Class.Event``) and
encodes it with a JSON transcoder that knows no msgspec types. This one names every event by the
tag its class registered in ``domain.tags`` (``unit.defined.v1``) and writes the aggregate's tag
(not its module path) as the ``originator_topic`` of a created event, so code can move without
rewriting history. Payloads are JSON: readable by any auditor's tool, decoded here into the typed
event with msgspec.

Select it with ``MAPPER_TOPIC=services.eventstore.mapper:TaggedMapper``.
"""

from __future__ import annotations

import functools
import typing
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)
from eventsourcing.utils import get_topic, resolve_topic

from domain import tags

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol

_CREATED_TOPIC = "originator_topic"


class TaggedMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state: dict[str, Any] = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        if _CREATED_TOPIC in state:
            state[_CREATED_TOPIC] = tags.tag_of(resolve_topic(state[_CREATED_TOPIC]))
        payload = msgspec.json.encode(state)
        if self.compressor:
            payload = self.compressor.compress(payload)
        if self.cipher:
            payload = self.cipher.encrypt(payload)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=tags.tag_of(type(domain_event)),
            state=payload,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        try:
            cls = tags.class_of(stored_event.topic)
            payload = stored_event.state
            if self.cipher:
                payload = self.cipher.decrypt(payload)
            if self.compressor:
                payload = self.compressor.decompress(payload)
            state = msgspec.json.decode(payload)
            if _CREATED_TOPIC in state:
                state[_CREATED_TOPIC] = get_topic(tags.class_of(state[_CREATED_TOPIC]))
            types = _field_types(cls)
            state = {name: msgspec.convert(value, types[name]) for name, value in state.items()}
        except (tags.UnknownTagError, msgspec.MsgspecError, KeyError) as error:
            raise MapperDeserialisationError(
                f"cannot decode stored event {stored_event.topic!r} of "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {error}"
            ) from error
        originator_id = stored_event.originator_id
        state["originator_id"] = (
            UUID(originator_id) if isinstance(originator_id, str) else originator_id
        )
        state["originator_version"] = stored_event.originator_version
        # As the library's own mapper does: a recorded event is restored, not constructed again.
        event: DomainEventProtocol[UUID] = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {name: hint for name, hint in hints.items() if not name.startswith("originator_")} | {
        _CREATED_TOPIC: str
    }


def tagged_mapper() -> TaggedMapper:
    """The mapper the applications get from ``MAPPER_TOPIC``, for code that reads and writes
    events without an application (the command service's own path). Its payloads are msgspec
    JSON, so the transcoder the library's constructor asks for is never used."""
    return TaggedMapper(transcoder=JSONTranscoder())
