"""The gateway's one connection to NATS: commands and queries go to the command service by
request/reply, so gateways and command services scale separately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
import nats.errors

from schemas import subjects
from schemas.replies import Reply
from schemas.views import ViewQuery, ViewRows
from services.apps.log_records import live_batches
from services.apps.sessions import SessionStore
from services.eventstore.connection import connect
from services.eventstore.kv import KvBucket

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription

    from schemas.audit import LogRecord
    from services.eventstore.settings import StoreSettings


class ServiceUnavailableError(Exception):
    """No command service answered in time (none running, or overloaded)."""


@dataclass
class CommandBus:
    settings: StoreSettings
    timeout_s: float = 30.0
    """Long enough for a save riding out a short outage; a caller still never waits forever."""
    _nc: Client | None = None
    sessions: SessionStore | None = None

    async def start(self) -> None:
        self._nc = await connect(self.settings, name="tally-gateway")
        self.sessions = SessionStore(
            KvBucket(
                self._nc, self.settings.layout.sessions_bucket, self.settings.request_timeout_s
            )
        )

    async def stop(self) -> None:
        if self._nc is not None:
            await self._nc.drain()
            self._nc = None

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def request(self, subject: str, body: bytes, headers: dict[str, str]) -> bytes:
        return (await self.ask(subject, body, headers)).body

    async def ask(self, subject: str, body: bytes, headers: dict[str, str]) -> Reply:
        """The responder's reply as it sent it, with its status and Retry-After headers."""
        if self._nc is None:
            raise ServiceUnavailableError("the gateway is not connected to NATS")
        try:
            reply = await self._nc.request(subject, body, headers=headers, timeout=self.timeout_s)
        except (TimeoutError, nats.errors.Error) as error:
            # No answer in time, nobody listening, or the connection between servers of a
            # cluster (nats-py raises the builtin TimeoutError too): the client retries.
            raise ServiceUnavailableError(f"no answer on {subject}: {error!r}") from error
        answered = reply.headers or {}
        retry = answered.get(subjects.RETRY_AFTER, "0")
        return Reply(
            reply.data, answered.get(subjects.STATUS, "ok"), int(retry) if retry.isdigit() else 0
        )

    async def views(self, query: ViewQuery) -> ViewRows:
        """One page of a view query (``error`` set when no projector answers)."""
        try:
            body = await self.request(subjects.VIEWS_QUERY, msgspec.json.encode(query), {})
        except ServiceUnavailableError as error:
            return ViewRows(view=query.view, position=0, rows=[], error=str(error))
        return msgspec.json.decode(body, type=ViewRows)

    def log(self) -> AsyncIterator[list[LogRecord]]:
        """The events stream from sequence 1, a batch at a time (the auditors' download)."""
        if self._nc is None:
            raise ServiceUnavailableError("the gateway is not connected to NATS")
        return live_batches(self._nc, self.settings.stream, self.settings.request_timeout_s)

    async def subscribe(
        self, subject: str, callback: Callable[[Msg], Awaitable[Any]]
    ) -> Subscription:
        """Follow a subject (the views' announcements), core NATS: at most once, no replay."""
        if self._nc is None:
            raise ServiceUnavailableError("the gateway is not connected to NATS")
        return await self._nc.subscribe(subject, cb=callback)
