"""What a contest's result is computed from, read from the views over NATS: the contest's
tallies per district, the progress counts, and (only when a tie needs them) each precinct's
numbers. Every read says the log position its view had reached.

Establishing waits until the views have folded everything the log held when the command came,
and reads the progress counts before and after the tallies, so the result is what the log said
at one position (the tally view's), and an auditor replaying the log to it gets the same result.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import msgspec
import nats.errors

from domain.results.contest_result import Counts, contest_result, needs_precincts
from projections.tally import FLAVOURS
from schemas import subjects
from schemas.views import ViewQuery, ViewRows
from services.apps.view_pages import Ask, ViewUnreadableError, every_row

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nats.aio.client import Client

    from domain.contest import Contest
    from schemas.results import ContestResult, DrawLot, ResultKey

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
        """The tallies and counts once the views have folded the log to ``position``.

        The two views commit apart, so the counts are read before and after the tallies: when
        both reads agree and the tally view's position lies between theirs, the contest's counts
        held at that position, and the result stands for it (events of other contests in
        between change nothing of it). ``ViewsBehindError`` after ``CATCH_UP_S``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CATCH_UP_S
        while True:
            before, before_at = await self._counts(election, contest, round_number, flavour)
            if before_at >= position:
                tallies, tally_at = await self._tallies(election, contest, round_number, flavour)
                after, after_at = await self._counts(election, contest, round_number, flavour)
                if after == before and before_at <= tally_at <= after_at:
                    return Inputs(tallies, after, tally_at)
            if loop.time() > deadline:
                raise ViewsBehindError(f"the views stand at {before_at}, the log at {position}; "
                                       "retry in a moment")  # fmt: skip
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
        try:
            return await every_row(self._ask, query)
        except ViewUnreadableError as error:
            raise ViewsBehindError(str(error)) from error


async def computed(
    reader: ResultInputs, contest: Contest, key: ResultKey, flavour: str, inputs: Inputs,
    draws: Sequence[DrawLot],
) -> ContestResult:  # fmt: skip
    """The result from ``inputs``; where a tie the votes leave might be settled by precinct
    figures, those are read and the result computed again. ``UnsupportedContestError`` for a
    contest not established in a gmina."""

    def compute(precincts: dict[int, list[dict[str, int]]] | None = None) -> ContestResult:
        return contest_result(contest, key.round, inputs.tallies, flavour=flavour,
                              position=inputs.position, counts=inputs.counts,
                              precincts=precincts, draws=draws)  # fmt: skip

    result = compute()
    if result.lots_pending and needs_precincts(result):
        result = compute(await reader.precincts(key.election, key.contest, key.round, flavour))
    return result


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
