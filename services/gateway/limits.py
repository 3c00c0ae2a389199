"""Overload protection: beyond ``max_inflight`` concurrent requests the gateway answers 429 with
``Retry-After`` at once instead of queueing requests until they time out.

The boards' live feeds (paths ending in ``/events``) stay open for hours and do no work between
updates: they are not counted (each costs a queue and a socket, and its updates come from one
shared reading per gmina, ``services.gateway.web.live``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec
from litestar.enums import ScopeType

from schemas.commands import Outcome
from schemas.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.types import (
        ASGIApp,
        HTTPResponseBodyEvent,
        HTTPResponseStartEvent,
        Receive,
        Scope,
        Send,
    )

RETRY_AFTER_S = 1
LIVE_SUFFIX = "/events"


def inflight_limit(max_inflight: int) -> Callable[[ASGIApp], ASGIApp]:
    """An ASGI middleware factory for Litestar's ``middleware=[...]``."""

    def middleware(app: ASGIApp) -> ASGIApp:
        slots = asyncio.Semaphore(max_inflight)

        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or scope.get("path", "").endswith(LIVE_SUFFIX):
                await app(scope, receive, send)
                return
            if slots.locked():
                await _too_many(send)
                return
            async with slots:
                await app(scope, receive, send)

        return limited

    return middleware


async def _too_many(send: Send) -> None:
    body = msgspec.json.encode(
        Outcome(
            status="overloaded",
            problems=(Problem(path="$", rule="gateway.overloaded",
                              message=f"too many requests at once; retry in {RETRY_AFTER_S} s"),),
        )
    )  # fmt: skip
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"retry-after", str(RETRY_AFTER_S).encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    done: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(done)
