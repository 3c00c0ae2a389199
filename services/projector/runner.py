"""A projection runner: folds the events stream into one view, exactly once.

It reads from the view's committed position on, in stream order, in batches of up to 1,000
(``services.projector.reading``: a batched Direct Get by sequence, then an ordered consumer when
far behind; no consumer state to keep, the position lives with the view),
folds each batch with the projection's pure ``apply`` and commits the row changes together with
the batch's last sequence. Killed anywhere, it resumes after the last commit. After every commit
it announces what changed on ``tally.v1.views.<view>``. Several views read the log once through a
``RunnerGroup``, which also follows the stream live.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Final

import msgspec

from projections.core import Put, fold_batch, view_name
from schemas import subjects
from schemas.views import Announcement
from services.projector.reading import batches
from services.projector.store import ViewStore

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from nats.aio.client import Client

    from projections.core import Change, Event, Projection
    from services.eventstore.eventlog import EventLog


ANNOUNCED_KEYS: Final = 1000


class Runner:
    def __init__(
        self, projection: Projection, store: ViewStore, events: EventLog, nc: Client
    ) -> None:
        self.projection = projection
        self.store = store
        self.events = events
        self._nc = nc
        self.view = view_name(projection)

    @classmethod
    def open(cls, projection: Projection, directory: Path, events: EventLog, nc: Client) -> Runner:
        store = ViewStore(directory / "views.sqlite", view_name(projection), projection.TABLES)
        return cls(projection, store, events, nc)

    async def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Fold everything after the committed position; returns the new position."""
        position = self.store.position()
        async with contextlib.aclosing(batches(self.events, self._nc, position + 1)) as reading:
            async for events, pending in reading:
                position = await self.apply(events)
                if progress is not None:
                    progress(position, position + pending)
        return position

    async def apply(self, events: list[Event]) -> int:
        """Fold the events after the committed position, commit them with the new position
        and announce the changed rows; returns the position."""
        changes, position = fold_batch(self.projection, self.store, events, self.store.position())
        self.store.commit(changes, position)
        await self._announce(changes, position)
        return position

    async def _announce(self, changes: list[Change], position: int) -> None:
        changed: dict[str, list[str]] = {}
        for change in changes:
            if isinstance(change, Put):
                changed.setdefault(change.table, []).append(change.key)
        if sum(map(len, changed.values())) > ANNOUNCED_KEYS:
            changed = {table: [] for table in changed}
        message = Announcement(view=self.view, position=position, changed=changed)
        await self._nc.publish(
            subjects.VIEWS_ANNOUNCE_PREFIX + self.view, msgspec.json.encode(message)
        )
