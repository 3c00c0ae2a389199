"""The gateway's shell: the overload limit answers 429 at once; every route is authorized."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from services.eventstore.settings import StoreSettings
from services.gateway.app import create_app
from services.gateway.auth import authorize
from services.gateway.bus import CommandBus
from services.gateway.limits import inflight_limit


def test_beyond_the_limit_requests_get_429_with_retry_after() -> None:
    """With one request in flight and a limit of one, the next is answered at once."""

    async def scenario() -> list[dict[str, Any]]:
        release = asyncio.Event()

        async def slow_app(*_: Any) -> None:
            await release.wait()

        limited = inflight_limit(1)(slow_app)
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        first = asyncio.create_task(limited({"type": "http"}, None, send))
        await asyncio.sleep(0)
        await asyncio.wait_for(limited({"type": "http"}, None, send), timeout=1)
        release.set()
        await first
        return sent

    start, body = asyncio.run(scenario())
    assert 429 == start["status"]
    assert (b"retry-after", b"1") in start["headers"]
    assert "gateway.overloaded" == json.loads(body["body"])["problems"][0]["rule"]


def test_every_route_passes_the_authorization_hook() -> None:
    """No endpoint bypasses the one guard (it is app-wide and cannot be opted out of)."""
    app = create_app(CommandBus(StoreSettings()))
    handlers = [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", [getattr(route, "route_handler", None)])
        if handler is not None
    ]
    assert len(handlers) > 10
    for handler in handlers:
        guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
        assert authorize in guards, handler
