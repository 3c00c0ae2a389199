"""Stored messages as projections see them: tag, routing keys and the typed ``data`` payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from projections.core import Event
from schemas import envelope
from schemas.events import decode_payload

if TYPE_CHECKING:
    from services.eventstore.jsapi import StoredMessage

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
    envelope.PREVIOUS_HASH: "previous_hash",
}


def to_event(message: StoredMessage) -> Event:
    """An event for the folds; ``data`` is None for a type this code does not know."""
    headers = message.headers
    tag = headers.get(envelope.EVENT_TYPE, "")
    routing = {name: headers[header] for header, name in ROUTING.items() if header in headers}
    return Event(
        seq=message.seq,
        tag=tag,
        aggregate_id=headers.get(envelope.AGGREGATE_ID, ""),
        routing=routing,
        data=decode_payload(tag, message.data),
        envelope={name: headers[header] for header, name in ENVELOPE.items() if header in headers},
    )
