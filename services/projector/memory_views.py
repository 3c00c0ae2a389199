"""Views folded in memory from the log, for a one-shot command with no projector to ask (the
machine's ``tally serve`` is not running): the same folds, read once to the log's end, answering
the same queries as the projector's responder. Nothing is written to the data directory, so a
projector that starts later owns its views as always."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from projections.core import MemoryView, fold_batch, view_name
from schemas.views import ViewQuery, ViewRows
from services.projector.reading import batches
from services.projector.service import page

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nats.aio.client import Client

    from projections.core import Event, Projection
    from services.eventstore.eventlog import EventLog


class MemoryViews:
    def __init__(self, chosen: list[Projection]) -> None:
        self._views = {p.NAME: (p, MemoryView()) for p in chosen}

    async def catch_up(self, events: EventLog, nc: Client) -> int:
        """Fold everything the log holds now; the position reached."""
        start = min(view.position for _, view in self._views.values()) + 1
        async with contextlib.aclosing(batches(events, nc, start)) as reading:
            async for found, _ in reading:
                self.fold(found)
        return min(view.position for _, view in self._views.values())

    def fold(self, found: list[Event]) -> None:
        """Fold events that come after what the views hold, in stream order."""
        for projection, view in self._views.values():
            changes, position = fold_batch(projection, view, found, view.position)
            view.commit(changes, position)

    async def ask(self, query: ViewQuery) -> ViewRows:
        chosen = self._views.get(query.view)
        if chosen is None:
            return ViewRows(view=query.view, position=0, rows=[], error=f"no view {query.view}")
        projection, view = chosen
        rows, after = page(_rows(view, query), query)
        return ViewRows(view=view_name(projection), position=view.position, rows=rows, next=after)


def _rows(view: MemoryView, query: ViewQuery) -> Iterator[tuple[str, dict[str, Any]]]:
    found = sorted((key, row) for (table, key), row in view.rows.items()
                   if table == query.table and key.startswith(query.prefix)
                   and key > query.after)  # fmt: skip
    yield from found
