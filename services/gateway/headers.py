"""The headers every answer carries, whatever route made it: no sniffing, no framing, no referrer,
nothing loaded from elsewhere, and nothing cached unless a route says it may be (the public
results screen will). ``Strict-Transport-Security`` only where the gateway is reached over TLS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from litestar.enums import ScopeType

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy",
     b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)  # fmt: skip
NO_STORE: Final = (b"cache-control", b"no-store")
HSTS: Final = (b"strict-transport-security", b"max-age=31536000")


def security_headers(app: ASGIApp) -> ASGIApp:
    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if NO_STORE[0] not in present:
                    extra.append(NO_STORE)
                if tls:
                    extra.append(HSTS)
                message["headers"] = [*headers, *extra]
            await send(message)

        await app(scope, receive, with_headers)

    return secured
