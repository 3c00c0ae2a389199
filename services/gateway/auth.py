"""The one authorization hook every endpoint passes through: an app-level guard, so no route can
opt out. Routes say what they need in ``opt``: ``public`` (health, documents, activation, login)
or a ``permission`` (``domain.authorization.Permission``).

For everything else the hook requires a live session (``Authorization: Bearer <token>``), checks
the role, the place of a read (the path's precinct; every query parameter that names a place)
and, for commands that vouch for the paper, a TOTP code proven in the last 5 minutes. A refusal is
answered 403 and recorded as a security event on the account. A command's place is in its body:
the command service checks it on the command as decoded for execution (never here, where a second
reading of the body could disagree with the one that runs). A scoped reader's views are limited
to the gmina decided here (``state.scope``), whatever else the query says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec
import nats.errors
from litestar.exceptions import HTTPException

from domain.authorization import Actor, needs_step_up, refusal
from domain.clock import SystemClock
from schemas import subjects
from schemas.accounts import AccessDenied, Permission, Role
from services.eventstore.jsapi import ApiError
from services.gateway.clients import client_address

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from services.gateway.bus import CommandBus

ANONYMOUS: Final = "anonymous"
DOCUMENTS: Final = "/v1/schema"
"""The OpenAPI document and its page are public like /health."""
CLOCK: Final = SystemClock()
UNSCOPED: Final = frozenset({Role.ADMIN, Role.AUDITOR})
"""Roles that read everywhere; every other reader gets its own gmina's views only."""


class AuthError(HTTPException):
    """401/403 (or 400 for a query that names its place twice) with the rule that refused,
    carried into the Outcome the client gets."""

    def __init__(self, status_code: int, rule: str, detail: str) -> None:
        super().__init__(status_code=status_code, detail=detail)
        self.rule = rule


async def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    state = connection.state
    state.actor, state.role, state.gmina, state.precincts = ANONYMOUS, ANONYMOUS, "", ""
    state.scope = None
    _refuse_repeated(connection)
    if handler.opt.get("public") or connection.scope["path"].startswith(DOCUMENTS):
        return
    bus: CommandBus = connection.app.state.bus
    token = bearer_token(connection.headers.get("authorization", ""))
    now = CLOCK.now()
    try:
        session = await bus.sessions.get(token, now) if token and bus.sessions else None
    except (TimeoutError, nats.errors.Error, ApiError) as error:
        # The sessions' bucket did not answer (a cluster electing a leader): try again, not 500.
        unreadable = f"the sessions cannot be read now: {error!r}; retry"
        raise AuthError(503, "gateway.unavailable", unreadable) from error
    if session is None:
        raise AuthError(401, "auth.unauthenticated", "log in: send Authorization: Bearer <token>")
    actor = Actor(login=session.login, role=Role(session.role), gmina=session.gmina,
                  precincts=session.precincts)  # fmt: skip
    permission = Permission(handler.opt["permission"])
    teryt, precinct = _place(connection, actor)
    reason = refusal(actor, permission, teryt, precinct)
    if reason:
        await bus.request(subjects.ACCESS_DENIED, msgspec.json.encode(
            AccessDenied(login=actor.login, reason=reason, target=connection.url.path)),
            {subjects.CLIENT_ADDRESS: address_of(connection)})  # fmt: skip
        raise AuthError(403, "auth.forbidden", reason)
    if needs_step_up(permission, session.totp_at, now, connection.app.state.step_up):
        raise AuthError(403, "auth.step_up_required",
                        "prove a fresh TOTP code at /v1/auth/step-up first")  # fmt: skip
    state.actor, state.role = f"account:{actor.login}", actor.role.value
    state.gmina, state.precincts = actor.gmina or "", subjects.encode_precincts(actor.precincts)
    state.session = token
    if actor.role not in UNSCOPED:
        state.scope = actor.gmina


def _refuse_repeated(connection: ASGIConnection) -> None:  # type: ignore[type-arg]
    """No route takes a parameter twice; a repeated one could be read differently by the check
    and by the route, so it is refused before either reads it."""
    query = connection.query_params
    repeated = sorted({name for name in query if len(query.getall(name)) > 1})
    if repeated:
        names = ", ".join(repeated)
        raise AuthError(400, "query.repeated", f"query parameter(s) given more than once: {names}")


def bearer_token(authorization: str) -> str:
    """The token of ``Authorization: Bearer <token>``; anything else is no token at all."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _place(connection: ASGIConnection, actor: Actor) -> tuple[str | None, int | None]:  # type: ignore[type-arg]
    """Where a read acts: the path's precinct, or the place the query names.

    Every parameter that names a place counts, not only the one a route reads: ``gmina`` and
    ``code``. A scoped reader naming two different places, or a level above the gmina, names a
    place that is not theirs (the refusal says which).
    """
    params: dict[str, Any] = connection.path_params
    if "teryt" in params:
        return str(params["teryt"]), int(params["precinct"])
    query = connection.query_params
    named = {query[name] for name in ("gmina", "code") if name in query}
    level = query.get("level", "gmina")
    if len(named) > 1 or (named and level != "gmina" and actor.role not in UNSCOPED):
        return f"{' and '.join(sorted(named))} at level {level}", None
    return (named.pop() if named else None), None


def address_of(connection: ASGIConnection) -> str:  # type: ignore[type-arg]
    client = connection.client
    peer = client.host if client else "unknown"
    trusted = getattr(connection.app.state, "trusted_proxies", ())
    return client_address(peer, connection.headers.get("x-forwarded-for", ""), trusted)
