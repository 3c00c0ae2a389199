"""Time, injected.

Server time is authoritative: every recorded instant is the server's clock in UTC, never a time a
client sent. Anything shown to people is converted to Polish civil time (Europe/Warsaw, with
daylight saving), because election hours (07:00-21:00, turnout at 12:00 and 17:00) are civil times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: for tests and replays."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start instant")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware instant")
        self._now = instant.astimezone(UTC)


def to_warsaw(instant: datetime) -> datetime:
    """The same instant as Polish civil time (CET in winter, CEST in summer)."""
    if instant.tzinfo is None:
        raise ValueError("to_warsaw needs a timezone-aware instant; naive times are ambiguous")
    return instant.astimezone(WARSAW)


def civil_instant(day: date, hour: time) -> datetime:
    """A Polish civil date and time (an election hour) as an instant in UTC."""
    return datetime.combine(day, hour, tzinfo=WARSAW).astimezone(UTC)
