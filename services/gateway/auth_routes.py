"""Activation, login, step-up, logout and account management over HTTP.

Bodies go to the accounts service as they came (it decodes them, strictly, once) and its answer
comes back untouched. Answers carry session tokens and TOTP secrets: never cached anywhere
(``Cache-Control: no-store``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from litestar import MediaType, Request, Response, post
from litestar.openapi import ResponseSpec

from domain.authorization import Permission
from schemas import envelope, subjects
from schemas.accounts import AccountAction, Activate, AuthAnswer, CreateAccount, LogIn, StepUp
from services.gateway.auth import address_of
from services.gateway.bus import CommandBus, ServiceUnavailableError

CODES: Final = {
    "ok": 200,
    "invalid": 400,
    "failed": 401,
    "forbidden": 403,
    "refused": 422,
    "throttled": 429,
    "error": 503,
}
ANSWERS: Final = {
    code: ResponseSpec(data_container=AuthAnswer, description=status)
    for status, code in CODES.items()
    if code != 200
}
NO_STORE: Final = {"Cache-Control": "no-store"}


async def _ask(request: Request[Any, Any, Any], subject: str) -> Response[Any]:
    state = request.state
    headers = {
        envelope.ACTOR: state.actor,
        envelope.ROLE: state.role,
        subjects.ACTOR_GMINA: state.gmina,
        subjects.ACTOR_PRECINCTS: state.precincts,
        subjects.CLIENT_ADDRESS: address_of(request),
        subjects.SESSION_TOKEN: getattr(state, "session", ""),
    }
    bus: CommandBus = request.app.state.bus
    try:
        reply = await bus.ask(subject, await request.body(), headers)
    except ServiceUnavailableError as error:
        answer = AuthAnswer(status="error", reason=str(error))
        return Response(answer, status_code=503, headers={**NO_STORE, "Retry-After": "1"})
    code = CODES.get(reply.status, 503)
    retry = reply.retry_after_s or (1 if code == 503 else 0)
    return Response(
        reply.body,
        status_code=code,
        media_type=MediaType.JSON,
        headers={**NO_STORE, "Retry-After": str(retry)} if retry else NO_STORE,
    )


@dataclass(frozen=True)
class AuthRoute:
    path: str
    subject: str
    body: type[Any]
    summary: str
    name: str
    permission: Permission | None = None
    """None: public (activation and login need no session)."""


ROUTES: Final = (
    AuthRoute("/v1/auth/activate", subjects.ACTIVATE, Activate,
              "Activate an account with its one-time code: set a password, get the TOTP secret",
              "activate"),
    AuthRoute("/v1/auth/login", subjects.LOGIN, LogIn,
              "Log in with password and TOTP code: a session token", "login"),
    AuthRoute("/v1/auth/step-up", subjects.STEP_UP, StepUp,
              "Prove a fresh TOTP code (needed every 5 minutes for corrections, confirmations, "
              "approvals, rejections, withdrawals and proxy entry)", "step_up",
              Permission.SESSION),
    AuthRoute("/v1/auth/logout", subjects.LOGOUT, AccountAction, "End this session", "logout",
              Permission.SESSION),
    AuthRoute("/v1/accounts", subjects.CREATE_ACCOUNT, CreateAccount,
              "Create an account: its one-time activation slip", "create_account",
              Permission.MANAGE_ACCOUNTS),
    AuthRoute("/v1/accounts/reset", subjects.RESET_ACCOUNT, AccountAction,
              "Reset an account: a new activation slip; its sessions end", "reset_account",
              Permission.MANAGE_ACCOUNTS),
    AuthRoute("/v1/accounts/unlock", subjects.UNLOCK_ACCOUNT, AccountAction,
              "Lift a lockout after failed logins", "unlock_account",
              Permission.MANAGE_ACCOUNTS),
)  # fmt: skip


def _route(route: AuthRoute) -> Any:
    async def handler(request: Request[Any, Any, Any]) -> Response[Any]:
        return await _ask(request, route.subject)

    handler.__name__ = route.name
    opt: dict[str, Any] = {"body": route.body, "reply": AuthAnswer}
    opt |= {"permission": route.permission.value} if route.permission else {"public": True}
    return post(route.path, name=route.name, operation_id=route.name, opt=opt,
                summary=route.summary, status_code=200, responses=ANSWERS)(handler)  # fmt: skip


AUTH_ROUTES: Final = [_route(route) for route in ROUTES]
