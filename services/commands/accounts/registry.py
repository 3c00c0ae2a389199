"""The accounts registry as the accounts service keeps it: ``projections.account_registry`` folded
in memory from the accounts stream, brought up to the stream's end before every answer.

Why here and not in the projector: the accounts stream is read by this service only (the
projector's NATS user may not read it, by design: accounts stay apart from the election's
views). Why catch up per answer instead of following live: a coordinator creates an operator and
the next page lists it, whichever command-service process answers; one Direct Get that finds
nothing new costs a round trip, and the whole registry of a country (~70,000 accounts, a few
events each) folds in memory at the first answer.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from projections import account_registry
from projections.core import MemoryView, fold_batch
from services.eventstore import jsapi
from services.projector.decode import to_event

if TYPE_CHECKING:
    from nats.aio.client import Client

BATCH: Final = 1000


class Registry:
    def __init__(self, accounts_stream: str, timeout_s: float) -> None:
        self._stream = accounts_stream
        # One token after ``events.``: account histories, not the security records beside them.
        self._subject = f"{accounts_stream}.events.*"
        self._timeout = timeout_s
        self.view = MemoryView()
        self._reading = asyncio.Lock()

    async def current(self, nc: Client) -> MemoryView:
        """The registry as of the stream's end now (one reader at a time; the others wait for
        it and find little left to read)."""
        async with self._reading:
            while True:
                found, pending = await jsapi.direct_get_batch(
                    nc, self._stream, start_seq=self.view.position + 1, batch=BATCH,
                    subject=self._subject, timeout=self._timeout,
                )  # fmt: skip
                events = [to_event(message) for message in found]
                changes, position = fold_batch(
                    account_registry, self.view, events, self.view.position
                )
                self.view.commit(changes, position)
                if not found or pending == 0:
                    return self.view

    def rows(self, gmina: str | None) -> list[dict[str, object]]:
        """The accounts of ``gmina`` (every account when None), by login."""
        prefix = account_registry.gmina_prefix(gmina) if gmina else ""
        table = account_registry.ACCOUNTS
        found = [(key, row) for (name, key), row in self.view.rows.items()
                 if name == table and key.startswith(prefix)]  # fmt: skip
        return [row for _, row in sorted(found, key=lambda pair: pair[0])]
