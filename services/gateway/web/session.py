"""Who is at the browser: the API's own sessions, carried in a cookie, and the forms' CSRF token.

The session token lives in ``tally_session`` (HttpOnly, SameSite=Strict, Secure over TLS), so
the pages use the same accounts, sessions, step-up and revocation as the API. Every form carries
``_csrf``, which must equal the ``tally_csrf`` cookie (set by the page that drew the form; a
site elsewhere can neither read it nor, with SameSite=Strict, send it). ``tally_lang`` keeps the
person's language.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from litestar.datastructures import Cookie

from domain.authorization import Actor
from domain.clock import SystemClock
from schemas import envelope, subjects
from schemas.accounts import Role
from schemas.catalog import ONLINE
from services.common.texts import language
from services.gateway.auth import address_of

if TYPE_CHECKING:
    import datetime as dt

    from litestar import Request

SESSION_COOKIE: Final = "tally_session"
CSRF_COOKIE: Final = "tally_csrf"
LANG_COOKIE: Final = "tally_lang"
CSRF_FIELD: Final = "_csrf"
TOTP_FIELD: Final = "_totp"
"""A code from the app, typed in the page when a vouching action needs a fresh proof."""
KEY_FIELD: Final = "_key"
"""A form's idempotency key, drawn with the form: sending it twice records it once."""
CLOCK: Final = SystemClock()


@dataclass(frozen=True)
class Viewer:
    login: str
    role: str
    gmina: str
    precincts: tuple[int, ...]
    token: str
    totp_at: dt.datetime

    @property
    def actor(self) -> Actor:
        return Actor(login=self.login, role=Role(self.role), gmina=self.gmina or None,
                     precincts=self.precincts)  # fmt: skip


async def viewer_of(request: Request[Any, Any, Any]) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    bus = request.app.state.bus
    if not token or bus.sessions is None:
        return None
    session = await bus.sessions.get(token, CLOCK.now())
    if session is None:
        return None
    return Viewer(login=session.login, role=session.role, gmina=session.gmina or "",
                  precincts=session.precincts, token=token, totp_at=session.totp_at)  # fmt: skip


def lang_of(request: Request[Any, Any, Any]) -> str:
    return language(request.cookies.get(LANG_COOKIE))


def csrf_of(request: Request[Any, Any, Any]) -> str:
    """The CSRF token the page's forms carry (the cookie's, or a new one the page sets)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def csrf_valid(request: Request[Any, Any, Any], form: dict[str, str]) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())


def cookie(request: Request[Any, Any, Any], name: str, value: str, *,
           max_age: int | None = None) -> Cookie:  # fmt: skip
    return Cookie(key=name, value=value, path="/", httponly=True, samesite="strict",
                  secure=request.url.scheme == "https", max_age=max_age)  # fmt: skip


def command_headers(request: Request[Any, Any, Any], viewer: Viewer, key: str,
                    channel: str = ONLINE) -> dict[str, str]:  # fmt: skip
    """The headers the gateway sends with a command (as ``services.gateway.routes`` does);
    ``channel`` is ``proxy`` for entry on a commission's behalf."""
    return {
        envelope.ACTOR: f"account:{viewer.login}",
        envelope.ROLE: viewer.role,
        subjects.ACTOR_GMINA: viewer.gmina,
        subjects.ACTOR_PRECINCTS: subjects.encode_precincts(viewer.precincts),
        subjects.CLIENT_ADDRESS: address_of(request),
        envelope.CHANNEL: channel,
        envelope.CORRELATION_ID: str(uuid.uuid4()),
        subjects.IDEMPOTENCY_KEY: key or str(uuid.uuid4()),
    }
