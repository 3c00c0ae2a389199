"""The projector process part: a runner per projection, and the views' query responder.

Views are read over NATS request/reply (``schemas.subjects.VIEWS_QUERY``, in a queue group), so
gateways anywhere read them without sharing a disk with the projector.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog

import projections
from domain.clock import SystemClock
from projections.core import view_name
from schemas import subjects
from schemas.views import ViewQuery, ViewRows
from services.eventstore.connection import connect
from services.eventstore.eventlog import EventLog
from services.eventstore.jetstream_port import JetStreamPort
from services.projector.checkpoints import Checkpointer
from services.projector.group import RunnerGroup
from services.projector.runner import Runner

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from nats.aio.client import Client
    from nats.aio.msg import Msg

    from services.apps.signing import SigningKeys
    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("projector")

PAGE_BYTES: Final = 256 * 1024
"""A reply page stays far below NATS's maximum payload (1 MiB by default): a national tally or a
night's audit trail comes in pages, never as one oversized message."""
PAGE_ROWS: Final = 2_000


def page(
    found: Iterable[tuple[str, dict[str, Any]]], query: ViewQuery
) -> tuple[list[dict[str, Any]], str]:
    """The rows matching ``where``, up to a page's size, and the key to continue after ("" when
    this is the last page)."""
    rows: list[dict[str, Any]] = []
    size, last = 0, ""
    for key, row in found:
        if any(row.get(name) != value for name, value in query.where.items()):
            continue
        if len(rows) == PAGE_ROWS or size > PAGE_BYTES:
            return rows, last
        rows.append(row)
        size += len(msgspec.json.encode(row))
        last = key
    return rows, ""


def events_log(nc: Client, settings: StoreSettings) -> EventLog:
    return EventLog(
        nc,
        stream=settings.stream,
        subject_prefix=settings.layout.events_prefix,
        clock=SystemClock(),
        request_timeout_s=settings.request_timeout_s,
        append_timeout_s=settings.append_timeout_s,
    )


class ProjectorService:
    def __init__(
        self, settings: StoreSettings, data_dir: Path, *, signing: SigningKeys | None = None,
        checkpoint_s: float = 10.0,
    ) -> None:  # fmt: skip
        """``signing``: the keys that sign the log's checkpoints (none: no checkpoints, the
        library's test suites); ``checkpoint_s``: at most this long between them while events
        arrive (``services.projector.checkpoints``)."""
        self.settings = settings
        self.signing = signing
        self.checkpoint_s = checkpoint_s
        self.directory = data_dir / "views"
        self.runners: dict[str, Runner] = {}
        self._nc: Client | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._nc = await connect(self.settings, name="tally-projector")
        events = events_log(self._nc, self.settings)
        for projection in projections.ALL:
            self.runners[projection.NAME] = Runner.open(
                projection, self.directory, events, self._nc
            )
        group = RunnerGroup(list(self.runners.values()), events, self._nc)
        self._tasks.append(asyncio.create_task(group.follow(self._stop)))
        if self.signing is not None:
            checkpoints = Checkpointer(self._nc, JetStreamPort(events), stream=self.settings.stream,
                                       keys=self.signing,
                                       timeout_s=self.settings.request_timeout_s)  # fmt: skip
            self._tasks.append(asyncio.create_task(checkpoints.run(self.checkpoint_s, self._stop)))
        await self._nc.subscribe(subjects.VIEWS_QUERY, queue=subjects.VIEWS_QUEUE, cb=self._query)
        log.info("projector.started", views=[view_name(p) for p in projections.ALL],
                 store=str(self.directory / "views.sqlite"))  # fmt: skip

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._nc is not None:
            await self._nc.drain()
        for runner in self.runners.values():
            runner.store.close()

    async def _query(self, message: Msg) -> None:
        try:
            query = msgspec.json.decode(message.data, type=ViewQuery)
            runner = self.runners[query.view]
            rows, after = page(runner.store.rows(query.table, query.prefix, query.after), query)
            reply = ViewRows(
                view=runner.view, position=runner.store.position(), rows=rows, next=after
            )
        except (msgspec.DecodeError, KeyError) as error:
            reply = ViewRows(view="", position=0, rows=[], error=f"bad query: {error}")
        await message.respond(msgspec.json.encode(reply))
