"""A gmina's templates in one file: asked for precinct by precinct (every answer stays small
whatever the gmina), a few at a time, and put together in precinct order."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from schemas.paper import ProtocolsPaper

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence


class NothingToPrintError(LookupError):
    """Every precinct asked for gave no document."""


AT_ONCE: Final = 8
"""Precincts asked for at the same time: enough to keep the reads overlapping, few enough not
to crowd out election-night commands."""


async def gmina_templates(
    numbers: Sequence[int], one: Callable[[int], Awaitable[ProtocolsPaper]]
) -> ProtocolsPaper:
    gate = asyncio.Semaphore(AT_ONCE)

    async def gated(number: int) -> ProtocolsPaper:
        async with gate:
            return await one(number)

    papers = await asyncio.gather(*(gated(n) for n in numbers))
    documents = tuple(d for p in papers for d in p.documents)
    if not documents:
        raise NothingToPrintError("no precinct of the gmina votes in that contest and district")
    return ProtocolsPaper(documents=documents, draft=False, printed_at=papers[0].printed_at)
