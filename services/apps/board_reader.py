"""A gmina's board read from the views over NATS: the rows ``projections.board`` assembles,
fetched with one prefix query per table, side by side."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, NamedTuple

from projections import progress, turnout
from projections.board import BoardRows
from schemas.views import ViewQuery
from services.apps.view_pages import every_row

if TYPE_CHECKING:
    from collections.abc import Iterable

    from services.apps.view_pages import Ask


class Precinct(NamedTuple):
    """One precinct's rows: its own (None: unknown), its protocols', its turnout reports'."""

    info: dict[str, Any] | None
    protocols: list[dict[str, Any]]
    reports: list[dict[str, Any]]


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

    async def read_precincts(
        self, election: str, teryt: str, numbers: Iterable[int]
    ) -> tuple[dict[int, Precinct], int]:
        """The rows of a few precincts (a live board's changes): per precinct its own row (None
        when unknown), its protocols and its turnout reports; and the lower of the two views'
        positions."""
        chosen = sorted(set(numbers))

        def of(view: str, table: str, prefix: str) -> ViewQuery:
            return ViewQuery(view=view, table=table, prefix=prefix)

        queries = []
        for number in chosen:
            padded = progress.precinct_key(election, teryt, number)
            queries += [
                of(progress.NAME, progress.PRECINCTS, padded),
                of(progress.NAME, progress.PROTOCOLS, padded + "|"),
                of(turnout.NAME, turnout.REPORTS, f"{election}|{teryt}|{number}|"),
            ]
        found = await asyncio.gather(*(every_row(self._ask, query) for query in queries))
        precincts = {
            number: Precinct(info[0] if info else None, protocols, reports)
            for number, ((info, _), (protocols, _), (reports, _)) in zip(
                chosen, zip(found[0::3], found[1::3], found[2::3], strict=True), strict=True
            )
        }
        return precincts, min((position for _, position in found), default=0)
