"""The v1 API. Commands are POSTed as the JSON types of ``schemas.commands``; every answer is an
``Outcome`` (queries: their view). Status codes: 200 accepted, 400 malformed (every problem with
its JSON path), 404 not found, 409 idempotency key reused for another body, 413 body too large,
422 refused by the rules or the protocol's state (field and rule code), 429 overloaded and 503
unavailable (both with ``Retry-After``). ``Idempotency-Key`` makes a retry safe for 48 hours."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody  # noqa: TC002 - Litestar reads handler signatures at runtime

from domain.authorization import Permission
from schemas import envelope, subjects
from schemas.commands import (
    AcknowledgeAlert,
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    Outcome,
    ProtocolView,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from schemas.validation import ProtocolKey, ValidationReport
from services.gateway.auth import address_of
from services.gateway.bus import CommandBus, ServiceUnavailableError
from services.gateway.responses import decode_reply, outcome_response, unavailable

CORRELATION_HEADER = "X-Correlation-Id"
ONLINE, PROXY = "online", "proxy"


def _bus(request: Request[Any, Any, Any]) -> CommandBus:
    bus: CommandBus = request.app.state.bus
    return bus


def _headers(request: Request[Any, Any, Any], channel: str) -> dict[str, str]:
    headers = {
        envelope.ACTOR: request.state.actor,
        envelope.ROLE: request.state.role,
        subjects.ACTOR_GMINA: request.state.gmina,
        "Tally-Actor-Precincts": request.state.precincts,
        subjects.CLIENT_ADDRESS: address_of(request),
        envelope.CHANNEL: channel,
        envelope.CORRELATION_ID: request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4()),
    }
    key = request.headers.get(subjects.IDEMPOTENCY_KEY)
    if key:
        headers[subjects.IDEMPOTENCY_KEY] = key
    return headers


async def _command(
    request: Request[Any, Any, Any], subject: str, data: Any, channel: str = ONLINE
) -> Response[Outcome]:
    try:
        reply = await _bus(request).request(
            subject, msgspec.json.encode(data), _headers(request, channel)
        )
    except ServiceUnavailableError as error:
        return unavailable(str(error))
    return outcome_response(msgspec.json.decode(reply, type=Outcome))


def _answers(*codes: int) -> dict[int, ResponseSpec]:
    return {code: ResponseSpec(data_container=Outcome, description=ANSWERS[code]) for code in codes}


ANSWERS = {
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
COMMAND_ANSWERS = _answers(400, 401, 403, 409, 413, 422, 429, 503)


def _post(path: str, body: type[Any], summary: str, permission: Permission) -> post:
    return post(
        path,
        opt={"body": body, "permission": permission.value},
        summary=summary,
        status_code=200,
        responses=COMMAND_ANSWERS,
    )


@_post("/v1/protocols", SubmitProtocol, "Submit a protocol (version 1)", Permission.SUBMIT)
async def submit(
    request: Request[Any, Any, Any], data: JSONBody[SubmitProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.SUBMIT, data)


@_post(
    "/v1/protocols/corrections",
    CorrectProtocol,
    "Correct a protocol: a new version",
    Permission.CORRECT,
)
async def correct(
    request: Request[Any, Any, Any], data: JSONBody[CorrectProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.CORRECT, data)


@_post(
    "/v1/proxy/protocols",
    SubmitProtocol,
    "Proxy entry: a coordinator submits for the OKW",
    Permission.PROXY,
)
async def proxy_submit(
    request: Request[Any, Any, Any], data: JSONBody[SubmitProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.SUBMIT, data, PROXY)


@_post(
    "/v1/proxy/protocols/corrections",
    CorrectProtocol,
    "Proxy entry of a correction",
    Permission.PROXY,
)
async def proxy_correct(
    request: Request[Any, Any, Any], data: JSONBody[CorrectProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.CORRECT, data, PROXY)


@_post(
    "/v1/protocols/confirmations",
    ConfirmProtocol,
    "Confirm the paper copy: its control code, or a blind entry of its numbers",
    Permission.CONFIRM,
)
async def confirm(
    request: Request[Any, Any, Any], data: JSONBody[ConfirmProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.CONFIRM, data)


@_post(
    "/v1/protocols/approvals",
    ApproveHardWarnings,
    "Approve a version's hard warnings",
    Permission.APPROVE,
)
async def approve(
    request: Request[Any, Any, Any], data: JSONBody[ApproveHardWarnings]
) -> Response[Outcome]:
    return await _command(request, subjects.APPROVE, data)


@_post(
    "/v1/protocols/confirmation-withdrawals",
    WithdrawConfirmation,
    "Withdraw a confirmation",
    Permission.WITHDRAW,
)
async def withdraw(
    request: Request[Any, Any, Any], data: JSONBody[WithdrawConfirmation]
) -> Response[Outcome]:
    return await _command(request, subjects.WITHDRAW, data)


@_post(
    "/v1/protocols/rejections",
    RejectProtocol,
    "Reject a protocol, with a reason",
    Permission.REJECT,
)
async def reject(
    request: Request[Any, Any, Any], data: JSONBody[RejectProtocol]
) -> Response[Outcome]:
    return await _command(request, subjects.REJECT, data)


@_post(
    "/v1/turnout-reports",
    ReportTurnout,
    "Report turnout at one of the round's hours",
    Permission.TURNOUT,
)
async def report_turnout(
    request: Request[Any, Any, Any], data: JSONBody[ReportTurnout]
) -> Response[Outcome]:
    return await _command(request, subjects.TURNOUT_REPORT, data)


@_post(
    "/v1/turnout-reports/corrections",
    CorrectTurnout,
    "Correct a turnout report",
    Permission.TURNOUT,
)
async def correct_turnout(
    request: Request[Any, Any, Any], data: JSONBody[CorrectTurnout]
) -> Response[Outcome]:
    return await _command(request, subjects.TURNOUT_CORRECT, data)


@_post(
    "/v1/alerts/acknowledgements",
    AcknowledgeAlert,
    "Acknowledge an alert of your gmina with a note (recorded as an event)",
    Permission.ACKNOWLEDGE,
)
async def acknowledge_alert(
    request: Request[Any, Any, Any], data: JSONBody[AcknowledgeAlert]
) -> Response[Outcome]:
    return await _command(request, subjects.ACKNOWLEDGE_ALERT, data)


@_post(
    "/v1/protocols/validations",
    SubmitProtocol,
    "Judge a protocol in its recorded setting without writing anything",
    Permission.VALIDATE,
)
async def validate(
    request: Request[Any, Any, Any], data: JSONBody[SubmitProtocol]
) -> Response[ValidationReport | Outcome]:
    try:
        reply = await _bus(request).request(
            subjects.VALIDATE, msgspec.json.encode(data), _headers(request, ONLINE)
        )
    except ServiceUnavailableError as error:
        return unavailable(str(error))  # type: ignore[return-value]
    answer = decode_reply(reply, ValidationReport)
    if isinstance(answer, Outcome):
        return outcome_response(answer)  # type: ignore[return-value]
    return Response(answer, status_code=200)


PROTOCOL_PATH = (
    "/v1/protocols/{election:str}/{teryt:str}/{precinct:int}/{contest:str}/{district:int}/"
    "{round_number:int}"
)


@get(
    PROTOCOL_PATH,
    summary="A protocol's current state and every version",
    responses=_answers(400, 401, 403, 404, 429, 503),
    opt={"permission": Permission.READ.value},
)
async def protocol(
    request: Request[Any, Any, Any],
    election: FromPath[str],
    teryt: FromPath[str],
    precinct: FromPath[int],
    contest: FromPath[str],
    district: FromPath[int],
    round_number: FromPath[int],
) -> Response[ProtocolView | Outcome]:
    key = ProtocolKey(election=election, teryt=teryt, precinct=precinct, contest=contest,
                      district=district, round=round_number)  # fmt: skip
    try:
        reply = await _bus(request).request(
            subjects.GET_PROTOCOL, msgspec.json.encode(key), _headers(request, ONLINE)
        )
    except ServiceUnavailableError as error:
        return unavailable(str(error))  # type: ignore[return-value]
    answer = decode_reply(reply, ProtocolView)
    if isinstance(answer, Outcome):
        return outcome_response(answer)  # type: ignore[return-value]
    return Response(answer, status_code=200)


@get("/health", opt={"public": True}, summary="Liveness and NATS connection")
async def health(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    connected = _bus(request).connected
    return Response({"status": "ok" if connected else "nats-disconnected"},
                    status_code=200 if connected else 503)  # fmt: skip


ROUTES = [
    acknowledge_alert,
    submit,
    correct,
    proxy_submit,
    proxy_correct,
    confirm,
    approve,
    withdraw,
    reject,
    report_turnout,
    correct_turnout,
    validate,
    protocol,
    health,
]
