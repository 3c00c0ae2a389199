"""A coordinator's review of one alert: acknowledged once, with a note (the alert itself is a
view; the acknowledgement is history)."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from domain.ids import NAMESPACE_V1, key_string
from domain.protocol_refusal import refused
from domain.tags import tag
from schemas.alert_events import AlertAcknowledged

if TYPE_CHECKING:
    from uuid import UUID


def review_id(alert: str) -> UUID:
    """The alert key holds '|' and may hold '/': it enters the id as its SHA-256."""
    return uuid.uuid5(NAMESPACE_V1, key_string("alert", hashlib.sha256(alert.encode()).hexdigest()))


@tag("alert_review")
class AlertReview(Aggregate):
    class Acknowledged(Aggregate.Created):
        data: AlertAcknowledged

    @classmethod
    def create_id(cls, data: AlertAcknowledged) -> UUID:
        return review_id(data.alert)

    @event(Acknowledged)
    def __init__(self, data: AlertAcknowledged) -> None:
        self.alert = data.alert
        self.note = data.note

    @classmethod
    def acknowledge(cls, alert: str, note: str) -> AlertReview:
        if not note.strip():
            raise refused("$.note", "alert.note_required", "say what was done about it")
        return cls(data=AlertAcknowledged(alert=alert, note=note.strip()))
