"""The one authorization hook every endpoint passes through: an app-level guard, so no route can
opt out. Routes say what they need in ``opt``: ``public`` (health, documents, activation, login)
or a ``permission`` (``domain.authorization.Permission``).

For everything else the hook requires a live session (``Authorization: Bearer <token>``), checks
the role, the place (an operator's own precincts, a coordinator's gmina: read from the command's
``key`` or the path) and, for commands that vouch for the paper, a TOTP code proven in the last 5
minutes. A refusal is answered 403 and recorded as a security event on the account.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException

from domain.authorization import Actor, Permission, needs_step_up, refusal
from domain.clock import SystemClock
from schemas import subjects
from schemas.accounts import Role
from services.accounts.service import AccessDenied

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from services.gateway.bus import CommandBus

ANONYMOUS = "anonymous"
STEP_UP_WINDOW = dt.timedelta(seconds=float(os.environ.get("TALLY_STEP_UP_S", "300")))
"""How fresh a TOTP proof vouching commands need (``TALLY_STEP_UP_S``; drills may shorten it)."""
DOCUMENTS = "/v1/schema"
"""The OpenAPI document and its viewer (Litestar's own routes) are public like /health."""
CLOCK = SystemClock()


class AuthError(HTTPException):
    """401/403 with the rule that refused, carried into the Outcome the client gets."""

    def __init__(self, status_code: int, rule: str, detail: str) -> None:
        super().__init__(status_code=status_code, detail=detail)
        self.rule = rule


class _Place(msgspec.Struct):
    teryt: str | None = None
    precinct: int | None = None


class _Keyed(msgspec.Struct):
    key: _Place | None = None


async def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    state = connection.state
    state.actor, state.role, state.gmina, state.precincts = ANONYMOUS, ANONYMOUS, "", ""
    if handler.opt.get("public") or connection.scope["path"].startswith(DOCUMENTS):
        return
    bus: CommandBus = connection.app.state.bus
    token = connection.headers.get("authorization", "").removeprefix("Bearer ").strip()
    now = CLOCK.now()
    session = await bus.sessions.get(token, now) if token and bus.sessions else None
    if session is None:
        raise AuthError(401, "auth.unauthenticated", "log in: send Authorization: Bearer <token>")
    actor = Actor(login=session.login, role=Role(session.role), gmina=session.gmina,
                  precincts=session.precincts)  # fmt: skip
    permission = Permission(handler.opt["permission"])
    teryt, precinct = await _place(connection)
    reason = refusal(actor, permission, teryt, precinct)
    if reason:
        await bus.request(subjects.ACCESS_DENIED, msgspec.json.encode(
            AccessDenied(login=actor.login, reason=reason, target=connection.url.path)),
            {subjects.CLIENT_ADDRESS: _address(connection)})  # fmt: skip
        raise AuthError(403, "auth.forbidden", reason)
    if needs_step_up(permission, session.totp_at, now, STEP_UP_WINDOW):
        raise AuthError(403, "auth.step_up_required",
                        "prove a fresh TOTP code at /v1/auth/step-up first")  # fmt: skip
    state.actor, state.role = f"account:{actor.login}", actor.role.value
    state.gmina, state.precincts = actor.gmina or "", ",".join(map(str, actor.precincts))
    state.session = token


async def _place(connection: ASGIConnection) -> tuple[str | None, int | None]:  # type: ignore[type-arg]
    """Where the request acts: the command's key, or the path of a read."""
    params: dict[str, Any] = connection.path_params
    if "teryt" in params:
        return str(params["teryt"]), int(params["precinct"])
    query = connection.query_params
    if "gmina" in query:
        return str(query["gmina"]), None
    if query.get("level") == "gmina" and "code" in query:
        return str(query["code"]), None
    if isinstance(connection, Request) and connection.method == "POST":
        try:
            keyed = msgspec.json.decode(await connection.body(), type=_Keyed)
        except msgspec.DecodeError:
            return None, None  # malformed: the route answers 400 and nothing runs
        if keyed.key is not None:
            return keyed.key.teryt, keyed.key.precinct
    return None, None


def _address(connection: ASGIConnection) -> str:  # type: ignore[type-arg]
    client = connection.client
    return client.host if client else "unknown"


def address_of(connection: ASGIConnection) -> str:  # type: ignore[type-arg]
    return _address(connection)
