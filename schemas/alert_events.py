"""A coordinator's acknowledgement of an alert: an event, so the audit trail shows who and why."""

from __future__ import annotations

from typing import ClassVar

import msgspec


class AlertAcknowledged(msgspec.Struct, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "alert.acknowledged.v1"

    alert: str
    """The alert's key, as the alerts view lists it."""
    note: str
