"""The live feed's follower, in one process with the views' rows in memory: a browser gets the
whole board first, then only the precinct an announcement names; a reading that fails does not
end the feed (the follower reads again)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import msgspec

from projections import progress
from projections.board import BoardRows
from projections.core import view_name
from schemas.views import Announcement
from services.apps.board_reader import Precinct
from services.gateway.web.live import BoardFeeds, Update
from tests.property.test_board import DUE_1, ELECTION, SCHEDULE, TERYT

MAYOR = f"mayor:{TERYT}"
ROWS = BoardRows(
    schedule=SCHEDULE,
    precincts=[{"number": n, "address": f"ul. Krótka {n}", "type": "stały"} for n in (1, 2, 3)],
    expected=[{"election": ELECTION, "teryt": TERYT, "contest": MAYOR, "kind": "mayor",
               "rounds": [1], "slots": ["1/0", "2/0", "3/0"]}],
    protocols=[], turnout=[], position=10,
)  # fmt: skip
ARRIVED = {"election": ELECTION, "teryt": TERYT, "precinct": 2, "contest": MAYOR, "district": 0,
           "round": 1, "status": "accepted", "version": 1, "warnings": 0,
           "corrected_after_confirmation": False, "at": DUE_1.isoformat(),
           "first_at": DUE_1.isoformat(), "proxy": False}  # fmt: skip


class Clock:
    def now(self) -> dt.datetime:
        return DUE_1 - dt.timedelta(hours=1)


@dataclass
class Views:
    """The views' rows for the reader; the first reading fails when told to."""

    rows: BoardRows
    fail_once: bool = False

    async def read(self, election: str, teryt: str) -> BoardRows:  # noqa: ARG002 - one gmina
        if self.fail_once:
            self.fail_once = False
            raise RuntimeError("a reading that went wrong")
        return self.rows

    async def read_precincts(self, election: str, teryt: str,  # noqa: ARG002 - one gmina
                             numbers: Any) -> tuple[dict[int, Precinct], int]:  # fmt: skip
        found = {n: Precinct(next(p for p in self.rows.precincts if p["number"] == n),
                             [p for p in self.rows.protocols if p["precinct"] == n], [])
                 for n in numbers}  # fmt: skip
        return found, self.rows.position


def _render(board: Any, changed: frozenset[int] | None, lang: str) -> dict[str, Any]:
    rows = {str(p.number): p.cells[0].state for p in board.precincts
            if changed is None or p.number in changed}  # fmt: skip
    return {"rows": rows, "lang": lang}


class Message:
    def __init__(self, announcement: Announcement) -> None:
        self.data = msgspec.json.encode(announcement)


def test_the_whole_board_first_then_the_named_precinct_and_a_failed_reading_survived() -> None:
    async def scenario() -> list[Update]:
        views = Views(ROWS, fail_once=True)
        feeds = BoardFeeds(views, Clock(), _render)  # type: ignore[arg-type]
        stream = feeds.follow(ELECTION, TERYT, 1, None, "pl")
        first = await asyncio.wait_for(anext(stream), 5)
        views.rows = replace(ROWS, protocols=[ARRIVED], position=11)
        key = progress.slot_key(ELECTION, TERYT, 2, MAYOR, 0, 1)
        announced = Announcement(view=view_name(progress), position=11,
                                 changed={progress.PROTOCOLS: [key]})  # fmt: skip
        callback = feeds._announced  # what the subscription calls
        await callback(Message(announced))  # type: ignore[arg-type]
        second = await asyncio.wait_for(anext(stream), 5)
        await stream.aclose()
        await feeds.stop()
        return [first, second]

    first, second = asyncio.run(scenario())
    assert {"1": "missing", "2": "missing", "3": "missing"} == _rows(first)
    assert (11, {"2": "accepted"}) == (second.position, _rows(second))


def _rows(update: Update) -> dict[str, str]:
    rows: dict[str, str] = msgspec.json.decode(update.payload["pl"])["rows"]
    return rows
