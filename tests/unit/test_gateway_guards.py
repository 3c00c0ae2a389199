"""The gateway's shell: the overload limit answers 429 at once; every route is authorized; only
Bearer tokens count; forwarded addresses only from trusted proxies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.eventstore.settings import StoreSettings
from services.gateway.app import create_app
from services.gateway.auth import authorize, bearer_token
from services.gateway.bus import CommandBus
from services.gateway.clients import TrustedProxiesError, client_address, trusted_proxies
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


def test_a_live_board_feed_is_not_counted_in_the_limit() -> None:
    """A board's feed stays open for hours: with one open and a limit of one, a request still
    passes (a second request, not a feed, is then refused)."""

    async def scenario() -> list[int]:
        release = asyncio.Event()
        answered: list[int] = []

        async def app(scope: dict[str, Any], *_: Any) -> None:
            if scope["path"].endswith("/events"):
                await release.wait()
            else:
                answered.append(200)
                await release.wait()

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])

        limited = inflight_limit(1)(app)
        feed = asyncio.create_task(limited({"type": "http", "path": "/board/e/021501/events"},
                                           None, send))  # fmt: skip
        page = asyncio.create_task(limited({"type": "http", "path": "/board/e/021501"}, None, send))
        await asyncio.sleep(0)
        await asyncio.wait_for(limited({"type": "http", "path": "/"}, None, send), timeout=1)
        release.set()
        await asyncio.gather(feed, page)
        return answered

    assert [200, 429] == asyncio.run(scenario())


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


def test_only_the_bearer_scheme_carries_a_session() -> None:
    """A bare token, Basic or Token schemes are no token at all; the scheme is case-blind."""
    assert "abc" == bearer_token("Bearer abc")
    assert "abc" == bearer_token("bearer  abc ")
    assert ("", "", "", "") == (bearer_token("abc"), bearer_token("Basic abc"),
                                bearer_token("Token abc"), bearer_token("Bearer"))  # fmt: skip


PROXIES = trusted_proxies("10.0.0.0/8, 192.168.1.1")


@given(forwarded=st.text(max_size=60), peer=st.sampled_from(["127.0.0.1", "8.8.8.8", "::1"]))
def test_a_forwarded_address_from_anyone_but_a_trusted_proxy_is_ignored(
    forwarded: str, peer: str
) -> None:
    """Whatever a client writes in X-Forwarded-For, an untrusted peer is who asks."""
    assert peer == client_address(peer, forwarded, PROXIES)


def test_a_trusted_proxy_names_the_nearest_untrusted_hop() -> None:
    """Read from the right: the proxies' own hops are skipped; a forged leftmost one is not
    reached; nonsense from a trusted proxy counts as the proxy itself."""
    assert "203.0.113.7" == client_address("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.9", PROXIES)
    assert "10.0.0.2" == client_address("10.0.0.2", "", PROXIES)
    assert "10.0.0.2" == client_address("10.0.0.2", "not-an-address", PROXIES)
    with pytest.raises(TrustedProxiesError, match=r"'10\.0\.0\.0/33'"):
        trusted_proxies("10.0.0.0/33")
