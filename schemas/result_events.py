"""What happens to a contest's result: established (with the whole result and the log position
it was computed from), reopened, a lot drawn; and the mark on the election that makes every
command service read results again."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from schemas.results import ContestResult, DrawLot


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ResultOpened(_Payload, frozen=True, kw_only=True):
    """The first event of a contest's result record (before its first draw or establishment)."""

    TAG: ClassVar[str] = "results.opened.v1"

    election: str
    contest: str
    round: int


class ResultEstablished(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "results.established.v1"

    result: ContestResult
    position: int
    """The log sequence the result was computed at: replaying the log to it gives it again."""
    reason: str = ""
    """Why it was established before every expected protocol was confirmed."""
    early: bool = False


class ResultReopened(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "results.reopened.v1"

    reason: str


class LotDrawn(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "results.lot_drawn.v1"

    draw: DrawLot


class ResultRecorded(_Payload, frozen=True, kw_only=True):
    """On the election: a result of ``contest`` changed state (so definition caches refresh and
    protocol commands see an established contest at once)."""

    TAG: ClassVar[str] = "election.result_recorded.v1"

    contest: str
    round: int
    state: str
