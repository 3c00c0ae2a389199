"""Security events as append-only records of their own: one message each, under
``<accounts stream>.events.security.<id>`` (two tokens where an account's subject has one, so no
account's history ever includes one), acknowledged before it counts as kept.

An account's version chain is the wrong home for them: concurrent refusals raced for the next
version and most were lost (2,545 of 3,000 once), and every one made the account longer to load,
so refusals slowed that account's logins. A record here has no expected sequence: nothing races,
nothing is lost (a retried publish carries the same ``Nats-Msg-Id``, so it is stored once), and
the account stays as short as its real changes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Final

import msgspec
import nats.errors
import structlog

from schemas import envelope
from schemas.account_events import SecurityRecord
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client

log = structlog.get_logger("accounts.security")
ATTEMPTS: Final = 20


def security_prefix(accounts_stream: str) -> str:
    return f"{accounts_stream}.events.security."


class SecurityLog:
    def __init__(self, nc: Client, accounts_stream: str, timeout_s: float) -> None:
        self._nc = nc
        self._prefix = security_prefix(accounts_stream)
        self._timeout = timeout_s

    async def record(self, record: SecurityRecord) -> None:
        """Store the record; through an outage it retries (the same message id) before giving
        up loudly."""
        identity = str(uuid.uuid4())
        headers = {
            envelope.MSG_ID: identity,
            envelope.EVENT_TYPE: SecurityRecord.TAG,
            envelope.RECORDED_AT: dt.datetime.now(dt.UTC).isoformat(),
            envelope.ACTOR: f"account:{record.login}",
        }
        data = msgspec.json.encode(record)
        for attempt in range(ATTEMPTS):
            try:
                await jsapi.publish(self._nc, self._prefix + identity, data, headers, self._timeout)
            except (nats.errors.TimeoutError, nats.errors.NoRespondersError, jsapi.ApiError):
                await asyncio.sleep(min(0.1 * 2**attempt, 2.0))
                continue
            return
        log.error("accounts.security_event_not_recorded", **msgspec.to_builtins(record))
