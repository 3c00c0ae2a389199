"""A contest's result in one round: established (once every expected protocol is confirmed, or
earlier with a written reason), reopened with a reason, and the commission's draws where the
rules run out. The result itself is computed (``domain.results.contest_result``); this aggregate
is what was decided about it, and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from domain.ids import result_id
from domain.protocol_refusal import refused
from domain.tags import tag
from schemas import result_events as ev

if TYPE_CHECKING:
    from uuid import UUID

    from schemas.results import ContestResult, DrawLot, ResultKey

ESTABLISHED = "established"
REOPENED = "reopened"
PROVISIONAL = "provisional"
ALREADY = "results.already_established"


@tag("result")
class Result(Aggregate):
    class Opened(Aggregate.Created):
        data: ev.ResultOpened

    class Established(Aggregate.Event):
        data: ev.ResultEstablished

    class Reopened(Aggregate.Event):
        data: ev.ResultReopened

    class LotDrawn(Aggregate.Event):
        data: ev.LotDrawn

    @classmethod
    def create_id(cls, data: ev.ResultOpened) -> UUID:
        return result_id(data.election, data.contest, data.round)

    @event(Opened)
    def __init__(self, data: ev.ResultOpened) -> None:
        self.election = data.election
        self.contest = data.contest
        self.round = data.round
        self.state = PROVISIONAL
        self.established: ev.ResultEstablished | None = None
        self.draws: list[DrawLot] = []

    @classmethod
    def start(cls, key: ResultKey) -> Result:
        return cls(data=ev.ResultOpened(election=key.election, contest=key.contest,
                                        round=key.round))  # fmt: skip

    def establish(self, result: ContestResult, *, reason: str) -> None:
        if self.state == ESTABLISHED:
            raise refused("$.key", ALREADY, "this result is established; reopen it first")
        early = result.precincts_counted < result.precincts_expected
        if early and not reason.strip():
            missing = result.precincts_expected - result.precincts_counted
            raise refused("$.reason", "results.reason_required",
                          f"{missing} expected protocol(s) not confirmed: say why the result is "
                          "established without them")  # fmt: skip
        if result.lots_pending:
            pending = result.lots_pending
            raise refused("$.key", "results.lot_needed",
                          f"{pending} lot(s) must be drawn by the commission first")  # fmt: skip
        self._establish(ev.ResultEstablished(result=result, position=result.position,
                                             reason=reason.strip(), early=early))  # fmt: skip

    def reopen(self, reason: str) -> None:
        if self.state != ESTABLISHED:
            raise refused("$.key", "results.not_established", "only an established result reopens")
        if not reason.strip():
            raise refused("$.reason", "results.reason_required", "say why the result reopens")
        self._reopen(ev.ResultReopened(reason=reason.strip()))

    def draw(self, draw: DrawLot) -> None:
        if self.state == ESTABLISHED:
            raise refused("$.key", ALREADY, "the result is established; reopen it to draw again")
        self._draw(ev.LotDrawn(draw=draw))

    @event(Established)
    def _establish(self, data: ev.ResultEstablished) -> None:
        self.state = ESTABLISHED
        self.established = data

    @event(Reopened)
    def _reopen(self, data: ev.ResultReopened) -> None:
        del data
        self.state = REOPENED
        self.established = None

    @event(LotDrawn)
    def _draw(self, data: ev.LotDrawn) -> None:
        # A later draw among the same contenders replaces an earlier one (a result reopened
        # and drawn again); each is in the history.
        self.draws = [d for d in self.draws if not _same_lot(d, data.draw)] + [data.draw]


def _same_lot(one: DrawLot, other: DrawLot) -> bool:
    return one.district == other.district and set(one.among) == set(other.among)
