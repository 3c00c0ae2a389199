"""Activation, login, step-up, logout and account management over HTTP."""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request, Response, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody  # noqa: TC002 - Litestar reads handler signatures at runtime

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


def _auth_post(path: str, body: type[Any], summary: str, permission: Permission | None) -> post:
    opt: dict[str, Any] = {"body": body}
    opt |= {"permission": permission.value} if permission else {"public": True}
    return post(path, opt=opt, summary=summary, status_code=200, responses=ANSWERS)


async def _ask(request: Request[Any, Any, Any], subject: str, data: Any) -> Response[AuthAnswer]:
    state = request.state
    headers = {
        envelope.ACTOR: state.actor,
        envelope.ROLE: state.role,
        subjects.ACTOR_GMINA: state.gmina,
        "Tally-Actor-Precincts": state.precincts,
        subjects.CLIENT_ADDRESS: address_of(request),
        subjects.SESSION_TOKEN: getattr(state, "session", ""),
    }
    bus: CommandBus = request.app.state.bus
    try:
        reply = await bus.request(subject, msgspec.json.encode(data), headers)
    except ServiceUnavailableError as error:
        answer = AuthAnswer(status="error", reason=str(error))
    else:
        answer = msgspec.json.decode(reply, type=AuthAnswer)
    code = CODES.get(answer.status, 503)
    retry = answer.retry_after_s or (1 if code == 503 else 0)
    return Response(
        answer, status_code=code, headers={"Retry-After": str(retry)} if retry else None
    )


@_auth_post(
    "/v1/auth/activate",
    Activate,
    "Activate an account with its one-time code: set a password, get the TOTP secret",
    None,
)
async def activate(
    request: Request[Any, Any, Any], data: JSONBody[Activate]
) -> Response[AuthAnswer]:
    return await _ask(request, subjects.ACTIVATE, data)


@_auth_post("/v1/auth/login", LogIn, "Log in with password and TOTP code: a session token", None)
async def login(request: Request[Any, Any, Any], data: JSONBody[LogIn]) -> Response[AuthAnswer]:
    return await _ask(request, subjects.LOGIN, data)


@_auth_post(
    "/v1/auth/step-up",
    StepUp,
    "Prove a fresh TOTP code (needed every 5 minutes for "
    "corrections, confirmations, approvals and proxy entry)",
    Permission.SESSION,
)
async def step_up(request: Request[Any, Any, Any], data: JSONBody[StepUp]) -> Response[AuthAnswer]:
    return await _ask(request, subjects.STEP_UP, data)


@_auth_post("/v1/auth/logout", AccountAction, "End this session", Permission.SESSION)
async def logout(
    request: Request[Any, Any, Any], data: JSONBody[AccountAction]
) -> Response[AuthAnswer]:
    return await _ask(request, subjects.LOGOUT, data)


@_auth_post(
    "/v1/accounts",
    CreateAccount,
    "Create an account: its one-time activation slip",
    Permission.MANAGE_ACCOUNTS,
)
async def create_account(
    request: Request[Any, Any, Any], data: JSONBody[CreateAccount]
) -> Response[AuthAnswer]:
    return await _ask(request, subjects.CREATE_ACCOUNT, data)


@_auth_post(
    "/v1/accounts/reset",
    AccountAction,
    "Reset an account: a new activation slip; its sessions end",
    Permission.MANAGE_ACCOUNTS,
)
async def reset_account(
    request: Request[Any, Any, Any], data: JSONBody[AccountAction]
) -> Response[AuthAnswer]:
    return await _ask(request, subjects.RESET_ACCOUNT, data)


@_auth_post(
    "/v1/accounts/unlock",
    AccountAction,
    "Lift a lockout after failed logins",
    Permission.MANAGE_ACCOUNTS,
)
async def unlock_account(
    request: Request[Any, Any, Any], data: JSONBody[AccountAction]
) -> Response[AuthAnswer]:
    return await _ask(request, subjects.UNLOCK_ACCOUNT, data)


AUTH_ROUTES = [activate, login, step_up, logout, create_account, reset_account, unlock_account]
