"""What a contest's result is computed from, read from the views over NATS: the contest's
tallies per district, the progress counts, and (only when a tie needs them) each precinct's
numbers. Every read says the log position its view had reached.

Establishing waits until the views have folded everything the log held when the command came
and the tally and progress views stand at the same position, so the result is what the log said
at one position, and an auditor replaying the log to it gets the same result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import msgspec
import nats.errors

from domain.results.contest_result import Counts
from projections.tally import FLAVOURS
from schemas import subjects
from schemas.views import ViewQuery, ViewRows

if TYPE_CHECKING:
    from nats.aio.client import Client

Ask = Callable[[ViewQuery], Awaitable[ViewRows]]
CATCH_UP_S: Final = 10.0
"""How long an establishment waits for the views to fold what the log holds."""
POLL_S: Final = 0.1
NO_PROJECTOR: Final = "no projector answers"


class ViewsBehindError(Exception):
    """The views did not reach the log's position in time: nothing decided; retry."""


@dataclass(frozen=True)
class Inputs:
    tallies: dict[int, dict[str, int]]
    counts: Counts
    position: int


class ResultInputs:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask

    async def read(self, election: str, contest: str, round_number: int, flavour: str) -> Inputs:
        """The tallies and counts as the views have them now (the tally view's position)."""
        tallies, tally_position = await self._tallies(election, contest, round_number, flavour)
        counts, _ = await self._counts(election, contest, round_number, flavour)
        return Inputs(tallies, counts, tally_position)

    async def read_at_least(
        self, election: str, contest: str, round_number: int, flavour: str, position: int
    ) -> Inputs:
        """The tallies and counts once both views stand at one position at or after
        ``position``; ``ViewsBehindError`` when that does not happen within ``CATCH_UP_S``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CATCH_UP_S
        while True:
            tallies, tally_at = await self._tallies(election, contest, round_number, flavour)
            counts, counts_at = await self._counts(election, contest, round_number, flavour)
            if tally_at == counts_at >= position:
                return Inputs(tallies, counts, tally_at)
            if loop.time() > deadline:
                raise ViewsBehindError(f"the views stand at {min(tally_at, counts_at)}, the log "
                                       f"at {position}; retry in a moment")  # fmt: skip
            await asyncio.sleep(POLL_S)

    async def precincts(
        self, election: str, contest: str, round_number: int, flavour: str
    ) -> dict[int, list[dict[str, int]]]:
        """Each counted protocol's numbers by district (for the rules that compare precincts)."""
        where: dict[str, str | int] = {"election": election, "contest": contest,
                                       "round": round_number}  # fmt: skip
        rows, _ = await self._rows(ViewQuery(view="tally", table="protocols", where=where))
        statuses = FLAVOURS[_tally_flavour(flavour)]
        found: dict[int, list[dict[str, int]]] = {}
        for row in rows:
            if row["status"] in statuses:
                found.setdefault(int(row["district"]), []).append(row["numbers"])
        return found

    async def _tallies(
        self, election: str, contest: str, round_number: int, flavour: str
    ) -> tuple[dict[int, dict[str, int]], int]:
        prefix = f"{_tally_flavour(flavour)}|{election}|{contest}|"
        query = ViewQuery(view="tally", table="tallies", prefix=prefix,
                          where={"round": round_number, "level": "gmina"})  # fmt: skip
        rows, position = await self._rows(query)
        tallies: dict[int, dict[str, int]] = {}
        for row in rows:  # a contest above the gmina: the sum of its gminas
            summed = tallies.setdefault(int(row["district"]), {})
            for name, value in row["numbers"].items():
                summed[name] = summed.get(name, 0) + value
        return tallies, position

    async def _counts(
        self, election: str, contest: str, round_number: int, flavour: str
    ) -> tuple[Counts, int]:
        query = ViewQuery(view="progress", table="progress",
                          prefix=f"{election}|{contest}|{round_number}|")  # fmt: skip
        rows, position = await self._rows(query)
        expected = sum(row["expected"] for row in rows)
        if _tally_flavour(flavour) == "confirmed":
            counted = sum(row["confirmed"] for row in rows)
        else:
            counted = sum(row["reported"] - row["awaiting_approval"] - row["rejected"]
                          for row in rows)  # fmt: skip
        return Counts(expected=expected, counted=counted), position

    async def _rows(self, query: ViewQuery) -> tuple[list[dict[str, Any]], int]:
        """Every page of a query; the position of its first page."""
        page = await self._ask(query)
        if page.error:
            raise ViewsBehindError(f"the {query.view} view cannot be read: {page.error}")
        rows, position = list(page.rows), page.position
        while page.next:
            page = await self._ask(ViewQuery(view=query.view, table=query.table,
                                             prefix=query.prefix, where=query.where,
                                             after=page.next))  # fmt: skip
            rows += page.rows
        return rows, position


def views_over(nc: Client, timeout_s: float) -> Ask:
    """Asking the projector's query responder over NATS, as the gateway does."""

    async def ask(query: ViewQuery) -> ViewRows:
        try:
            reply = await nc.request(subjects.VIEWS_QUERY, msgspec.json.encode(query),
                                     timeout=timeout_s)  # fmt: skip
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
            return ViewRows(view=query.view, position=0, rows=[], error=NO_PROJECTOR)
        return msgspec.json.decode(reply.data, type=ViewRows)

    return ask


def _tally_flavour(flavour: str) -> str:
    """An established result is made of the confirmed protocols."""
    return "confirmed" if flavour in ("confirmed", "established") else "accepted"
