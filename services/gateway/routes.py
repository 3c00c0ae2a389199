"""The v1 API's command, query and account routes, one per row of ``schemas.catalog`` that has a
path. Commands are POSTed as the JSON types of ``schemas.commands``; every answer is an
``Outcome`` (queries: their view; account routes: an ``AuthAnswer``). Status codes: 200 accepted,
400 malformed (every problem with its JSON path), 401 not logged in, 403 not yours to do (role,
gmina, precincts) or a fresh TOTP code needed, 404 not found, 409 idempotency key reused for
another body, 413 body too large, 422 refused by the rules or the protocol's state (field and rule
code), 429 overloaded and 503 unavailable (both with ``Retry-After``). ``Idempotency-Key`` makes a
retry safe for 48 hours.

A body is forwarded to its service as it came: the service is the one place that decodes it
(strictly: ``"3"`` is not a precinct number) and checks, on the command it is about to run, that
the actor may act at that place. A GET route's path parameters are the fields of its request. The
reply comes back untouched; its status header says which HTTP code it is. Account answers carry
session tokens and TOTP secrets: never cached anywhere (``Cache-Control: no-store``).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.openapi import ResponseSpec

from schemas import envelope, subjects
from schemas.accounts import AuthAnswer, Permission
from schemas.catalog import ENDPOINTS, Endpoint, Service
from schemas.commands import Outcome
from services.gateway.auth import address_of
from services.gateway.bus import CommandBus, ServiceUnavailableError
from services.gateway.responses import STATUS_CODES, unavailable

CORRELATION_HEADER: Final = "X-Correlation-Id"
ACCOUNT_CODES: Final = {
    "ok": 200,
    "invalid": 400,
    "failed": 401,
    "forbidden": 403,
    "refused": 422,
    "throttled": 429,
    "error": 503,
}
"""The accounts service's statuses ("failed" is a failed login there, not a failure)."""
NO_STORE: Final = {"Cache-Control": "no-store"}
ANSWERS: Final = {
    400: "Malformed: every problem with its JSON path",
    401: "Not logged in, or the session ended",
    403: "Not allowed here (role, gmina, precincts) or a fresh TOTP code is needed (step-up)",
    404: "No such protocol or path",
    409: "The Idempotency-Key was used for another request",
    413: "The body is too large",
    422: "Refused by the rules or the protocol's state: field and rule code",
    429: "Overloaded: retry after Retry-After seconds",
    503: "Unavailable or failed: retry after Retry-After seconds",
}


def _headers(request: Request[Any, Any, Any], endpoint: Endpoint) -> dict[str, str]:
    state = request.state
    headers = {
        envelope.ACTOR: state.actor,
        envelope.ROLE: state.role,
        subjects.ACTOR_GMINA: state.gmina,
        subjects.ACTOR_PRECINCTS: state.precincts,
        subjects.CLIENT_ADDRESS: address_of(request),
    }
    if endpoint.service is Service.ACCOUNTS:
        return headers | {subjects.SESSION_TOKEN: getattr(state, "session", "")}
    headers |= {
        envelope.CHANNEL: endpoint.channel,
        envelope.CORRELATION_ID: request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4()),
    }
    key = request.headers.get(subjects.IDEMPOTENCY_KEY)
    if key:
        headers[subjects.IDEMPOTENCY_KEY] = key
    return headers


async def forward(
    request: Request[Any, Any, Any], endpoint: Endpoint, body: bytes
) -> Response[Any]:
    """Send ``body`` to the endpoint's service; answer with its reply as it came."""
    accounts = endpoint.service is Service.ACCOUNTS
    bus: CommandBus = request.app.state.bus
    try:
        reply = await bus.ask(endpoint.subject, body, _headers(request, endpoint))
    except ServiceUnavailableError as error:
        if not accounts:
            return unavailable(str(error))
        answer = AuthAnswer(status="error", reason=str(error))
        return Response(answer, status_code=503, headers={**NO_STORE, "Retry-After": "1"})
    if accounts:
        code = ACCOUNT_CODES.get(reply.status, 503)
    else:
        code = STATUS_CODES.get(reply.status, 200 if reply.status == "ok" else 503)
    retry = reply.retry_after_s or (1 if code == 503 else 0)
    headers = {**NO_STORE} if accounts else {}
    if retry:
        headers["Retry-After"] = str(retry)
    return Response(reply.body, status_code=code, media_type=MediaType.JSON,
                    headers=headers or None)  # fmt: skip


def _answers(endpoint: Endpoint) -> dict[int, ResponseSpec]:
    if endpoint.service is Service.ACCOUNTS:
        return {code: ResponseSpec(data_container=AuthAnswer, description=status)
                for status, code in ACCOUNT_CODES.items() if code != 200}  # fmt: skip
    codes = (400, 401, 403, 404, 429, 503) if endpoint.method == "GET" else (
        400, 401, 403, 409, 413, 422, 429, 503)  # fmt: skip
    return {code: ResponseSpec(data_container=Outcome, description=ANSWERS[code])
            for code in codes}  # fmt: skip


def route(endpoint: Endpoint) -> Any:
    """The route of one catalogue row: POST forwards the body, GET its path parameters."""

    async def handler(request: Request[Any, Any, Any]) -> Response[Any]:
        if endpoint.method == "GET":
            body = msgspec.json.encode(request.path_params)
        else:
            body = await request.body()
        return await forward(request, endpoint, body)

    handler.__name__ = endpoint.name
    opt: dict[str, Any] = {"reply": endpoint.reply}
    opt |= {"permission": endpoint.permission.value} if endpoint.permission else {"public": True}
    if endpoint.method == "POST":
        opt["body"] = endpoint.request
    decorator = get if endpoint.method == "GET" else post
    summary = endpoint.summary + (" (needs a fresh TOTP proof)" if endpoint.step_up else "")
    return decorator(
        endpoint.path, name=endpoint.name, operation_id=endpoint.name, opt=opt, summary=summary,
        status_code=200, responses=_answers(endpoint),
    )(handler)  # fmt: skip


LIST_ACCOUNTS: Final = next(e for e in ENDPOINTS if e.name == "list_accounts")


@get("/v1/accounts", name="list_accounts", operation_id="list_accounts",
     opt={"permission": Permission.MANAGE_ACCOUNTS.value, "reply": AuthAnswer},
     summary=LIST_ACCOUNTS.summary, responses=_answers(LIST_ACCOUNTS))  # fmt: skip
async def list_accounts(request: Request[Any, Any, Any], gmina: str | None = None) -> Response[Any]:
    """The registry for programs: the answer's ``registry`` lists each account of the gmina (a
    coordinator: their own, also when ``gmina`` is left out)."""
    body = msgspec.json.encode({"gmina": gmina} if gmina is not None else {})
    return await forward(request, LIST_ACCOUNTS, body)


@get("/health", opt={"public": True}, summary="Liveness and NATS connection")
async def health(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    bus: CommandBus = request.app.state.bus
    connected = bus.connected
    return Response({"status": "ok" if connected else "nats-disconnected"},
                    status_code=200 if connected else 503)  # fmt: skip


ROUTES: Final = [*(route(e) for e in ENDPOINTS if e.path is not None), list_accounts, health]
