"""The seat calculator's input and output (``tally results apportion FILE``).

Input: district -> list -> valid votes, the seats of each district, the threshold in percent
(decimals allowed: read exactly, never as a binary float) and thresholds of named lists that
differ (Sejm coalitions 8, exempted minorities 0). ``candidates`` (district -> list -> candidates
standing) is optional: given, a list never gets more seats than candidates (art. 445).

Output: who passed, the seats per district and in total, every seat with the quotient and the
rule that gave it, and every tie only a lot can settle. Quotients are exact fractions written
``"p/q"`` (``"41151/3"``), or an integer when whole (``"13717"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Percent = Decimal
"""0 to 100 (checked with the names: msgspec bounds no decimal)."""
Votes = Annotated[int, msgspec.Meta(ge=0)]
Seats = Annotated[int, msgspec.Meta(ge=1, le=1000)]


class _Wire(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class ApportionRequest(_Wire, frozen=True, kw_only=True):
    threshold_percent: Percent = Decimal(5)
    list_thresholds: dict[Name, Percent] = msgspec.field(default_factory=dict)
    seats: dict[Name, Seats]
    votes: dict[Name, dict[Name, Votes]]
    candidates: dict[Name, dict[Name, Votes]] | None = None


class SeatAward(_Wire, frozen=True, kw_only=True):
    list: str
    quotient: str
    rule: str


class SeatTie(_Wire, frozen=True, kw_only=True):
    district: str
    lists: tuple[str, ...]
    quotient: str
    seats: int
    after: str
    """The last rule that left the lists equal."""


class ApportionResult(_Wire, frozen=True, kw_only=True):
    passed: tuple[str, ...]
    votes: dict[str, int]
    seats: dict[str, dict[str, int]]
    totals: dict[str, int]
    ties: tuple[SeatTie, ...]
    awards: dict[str, tuple[SeatAward, ...]]
    vacant: dict[str, int]
    rules: dict[str, str]
    """The text of every rule code the result uses."""
