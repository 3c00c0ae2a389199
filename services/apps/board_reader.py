"""A gmina's board read from the views over NATS: the rows ``projections.board`` assembles,
fetched with one prefix query per table, side by side."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from projections import progress, turnout
from projections.board import BoardRows
from schemas.views import ViewQuery
from services.apps.view_pages import every_row

if TYPE_CHECKING:
    from services.apps.view_pages import Ask


class BoardReader:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask

    async def read(self, election: str, teryt: str) -> BoardRows:
        """Everything the board of one gmina shows. Its position is the lower of the two
        views' (everything up to it is in the rows). ``ViewUnreadableError`` when a view
        cannot be read."""
        prefix = f"{election}|{teryt}|"

        def of(view: str, table: str, start: str = prefix) -> ViewQuery:
            where: dict[str, str | int] = {"election": election} if start == election else {}
            return ViewQuery(view=view, table=table, prefix=start, where=where)

        found = await asyncio.gather(
            every_row(self._ask, of(progress.NAME, progress.SCHEDULES, election)),
            every_row(self._ask, of(progress.NAME, progress.PRECINCTS)),
            every_row(self._ask, of(progress.NAME, progress.EXPECTED)),
            every_row(self._ask, of(progress.NAME, progress.PROTOCOLS)),
            every_row(self._ask, of(turnout.NAME, turnout.REPORTS)),
            every_row(self._ask, of(progress.NAME, progress.UNITS, f"{election}|{teryt}")),
        )
        (schedules, _), (precincts, _), (expected, _), (protocols, at), (reports, turnout_at) = (
            found[:5]
        )
        units = found[5][0]
        return BoardRows(schedule=schedules[0] if schedules else None, precincts=precincts,
                         expected=expected, protocols=protocols, turnout=reports,
                         position=min(at, turnout_at),
                         name=units[0].get("name", "") if units else "")  # fmt: skip
