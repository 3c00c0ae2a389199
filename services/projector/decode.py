"""Stored messages as projections see them: tag, routing keys and the typed ``data`` payload."""

from __future__ import annotations

import functools
import typing
from typing import TYPE_CHECKING, Any, Final

import msgspec

import domain.account
import domain.alert_review
import domain.contest
import domain.election
import domain.protocol
import domain.turnout
import domain.unit
from domain import tags
from projections.core import Event
from schemas import envelope

if TYPE_CHECKING:
    from services.eventstore.jsapi import StoredMessage

_ = (
    domain.account,
    domain.alert_review,
    domain.contest,
    domain.election,
    domain.protocol,
    domain.turnout,
    domain.unit,
)
ROUTING: Final = {
    envelope.ELECTION: "election",
    envelope.GMINA: "gmina",
    envelope.PRECINCT: "precinct",
    envelope.DISTRICT: "district",
    envelope.CONTEST: "contest",
    envelope.ROUND: "round",
}


ENVELOPE: Final = {
    envelope.ACTOR: "actor",
    envelope.ROLE: "role",
    envelope.CHANNEL: "channel",
    envelope.RECORDED_AT: "recorded_at",
    envelope.AGGREGATE_VERSION: "version",
    envelope.CORRELATION_ID: "correlation_id",
}


@functools.cache
def _decoder(tag: str) -> msgspec.json.Decoder[Any] | None:
    try:
        hints = typing.get_type_hints(tags.class_of(tag))
    except tags.UnknownTagError:
        return None
    if "data" not in hints:
        return None
    wrapper = msgspec.defstruct("Stored", [("data", hints["data"])])
    return msgspec.json.Decoder(wrapper)


def to_event(message: StoredMessage) -> Event:
    """An event for the folds; ``data`` is None for a type this code does not know."""
    headers = message.headers
    tag = headers.get(envelope.EVENT_TYPE, "")
    decoder = _decoder(tag)
    data = decoder.decode(message.data).data if decoder is not None else None
    routing = {name: headers[header] for header, name in ROUTING.items() if header in headers}
    return Event(
        seq=message.seq,
        tag=tag,
        aggregate_id=headers.get(envelope.AGGREGATE_ID, ""),
        routing=routing,
        data=data,
        envelope={name: headers[header] for header, name in ENVELOPE.items() if header in headers},
    )
