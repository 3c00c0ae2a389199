"""The v1 API. Commands are POSTed as the JSON types of ``schemas.commands``; every answer is an
``Outcome`` (queries: their view). Status codes: 200 accepted, 400 malformed (every problem with
its JSON path), 403 not yours to do (role, gmina, precincts) or a fresh TOTP code needed, 404 not
found, 409 idempotency key reused for another body, 413 body too large, 422 refused by the rules
or the protocol's state (field and rule code), 429 overloaded and 503 unavailable (both with
``Retry-After``). ``Idempotency-Key`` makes a retry safe for 48 hours.

A command's body is forwarded to the command service as it came: the command service is the one
place that decodes it (strictly: ``"3"`` is not a precinct number) and checks, on the command it
is about to run, that the actor may act at that place. Its reply comes back untouched; its status
header says which HTTP code it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.openapi import ResponseSpec
from litestar.params import FromPath  # noqa: TC002 - Litestar reads handler signatures at runtime

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
from services.gateway.responses import STATUS_CODES, unavailable

CORRELATION_HEADER: Final = "X-Correlation-Id"
ONLINE, PROXY = "online", "proxy"


def _bus(request: Request[Any, Any, Any]) -> CommandBus:
    bus: CommandBus = request.app.state.bus
    return bus


def _headers(request: Request[Any, Any, Any], channel: str) -> dict[str, str]:
    headers = {
        envelope.ACTOR: request.state.actor,
        envelope.ROLE: request.state.role,
        subjects.ACTOR_GMINA: request.state.gmina,
        subjects.ACTOR_PRECINCTS: request.state.precincts,
        subjects.CLIENT_ADDRESS: address_of(request),
        envelope.CHANNEL: channel,
        envelope.CORRELATION_ID: request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4()),
    }
    key = request.headers.get(subjects.IDEMPOTENCY_KEY)
    if key:
        headers[subjects.IDEMPOTENCY_KEY] = key
    return headers


async def forward(
    request: Request[Any, Any, Any], subject: str, body: bytes, channel: str = ONLINE
) -> Response[Any]:
    """Send ``body`` to the command service; answer with its reply as it came."""
    try:
        reply = await _bus(request).ask(subject, body, _headers(request, channel))
    except ServiceUnavailableError as error:
        return unavailable(str(error))
    code = STATUS_CODES.get(reply.status, 200 if reply.status == "ok" else 503)
    retry = reply.retry_after_s or (1 if code == 503 else 0)
    return Response(
        reply.body,
        status_code=code,
        media_type=MediaType.JSON,
        headers={"Retry-After": str(retry)} if retry else None,
    )


def _answers(*codes: int) -> dict[int, ResponseSpec]:
    return {code: ResponseSpec(data_container=Outcome, description=ANSWERS[code]) for code in codes}


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
COMMAND_ANSWERS: Final = _answers(400, 401, 403, 409, 413, 422, 429, 503)


@dataclass(frozen=True)
class Command:
    """One POST endpoint: its path, the NATS subject it forwards to, and what it takes."""

    path: str
    subject: str
    body: type[Any]
    permission: Permission
    summary: str
    name: str
    channel: str = ONLINE
    reply: type[Any] = Outcome


COMMANDS: Final = (
    Command("/v1/protocols", subjects.SUBMIT, SubmitProtocol, Permission.SUBMIT,
            "Submit a protocol (version 1)", "submit"),
    Command("/v1/protocols/corrections", subjects.CORRECT, CorrectProtocol, Permission.CORRECT,
            "Correct a protocol: a new version", "correct"),
    Command("/v1/proxy/protocols", subjects.SUBMIT, SubmitProtocol, Permission.PROXY,
            "Proxy entry: a coordinator submits for the OKW", "proxy_submit", PROXY),
    Command("/v1/proxy/protocols/corrections", subjects.CORRECT, CorrectProtocol,
            Permission.PROXY, "Proxy entry of a correction", "proxy_correct", PROXY),
    Command("/v1/protocols/confirmations", subjects.CONFIRM, ConfirmProtocol, Permission.CONFIRM,
            "Confirm the paper copy: its control code, or a blind entry of its numbers",
            "confirm"),
    Command("/v1/protocols/approvals", subjects.APPROVE, ApproveHardWarnings, Permission.APPROVE,
            "Approve a version's hard warnings", "approve"),
    Command("/v1/protocols/confirmation-withdrawals", subjects.WITHDRAW, WithdrawConfirmation,
            Permission.WITHDRAW, "Withdraw a confirmation", "withdraw"),
    Command("/v1/protocols/rejections", subjects.REJECT, RejectProtocol, Permission.REJECT,
            "Reject a protocol, with a reason", "reject"),
    Command("/v1/turnout-reports", subjects.TURNOUT_REPORT, ReportTurnout, Permission.TURNOUT,
            "Report turnout at one of the round's hours", "report_turnout"),
    Command("/v1/turnout-reports/corrections", subjects.TURNOUT_CORRECT, CorrectTurnout,
            Permission.TURNOUT, "Correct a turnout report", "correct_turnout"),
    Command("/v1/alerts/acknowledgements", subjects.ACKNOWLEDGE_ALERT, AcknowledgeAlert,
            Permission.ACKNOWLEDGE,
            "Acknowledge an alert of your gmina with a note (recorded as an event)",
            "acknowledge_alert"),
    Command("/v1/protocols/validations", subjects.VALIDATE, SubmitProtocol, Permission.VALIDATE,
            "Judge a protocol in its recorded setting without writing anything", "validate",
            reply=ValidationReport),
)  # fmt: skip


def _route(command: Command) -> Any:
    async def handler(request: Request[Any, Any, Any]) -> Response[Any]:
        return await forward(request, command.subject, await request.body(), command.channel)

    handler.__name__ = command.name
    return post(
        command.path,
        name=command.name,
        operation_id=command.name,
        opt={"body": command.body, "reply": command.reply, "permission": command.permission.value},
        summary=command.summary,
        status_code=200,
        responses=COMMAND_ANSWERS,
    )(handler)


PROTOCOL_PATH: Final = (
    "/v1/protocols/{election:str}/{teryt:str}/{precinct:int}/{contest:str}/{district:int}/"
    "{round_number:int}"
)


@get(
    PROTOCOL_PATH,
    summary="A protocol's current state and every version",
    responses=_answers(400, 401, 403, 404, 429, 503),
    opt={"permission": Permission.READ.value, "reply": ProtocolView},
)
async def protocol(
    request: Request[Any, Any, Any],
    election: FromPath[str],
    teryt: FromPath[str],
    precinct: FromPath[int],
    contest: FromPath[str],
    district: FromPath[int],
    round_number: FromPath[int],
) -> Response[Any]:
    key = ProtocolKey(election=election, teryt=teryt, precinct=precinct, contest=contest,
                      district=district, round=round_number)  # fmt: skip
    return await forward(request, subjects.GET_PROTOCOL, msgspec.json.encode(key))


@get("/health", opt={"public": True}, summary="Liveness and NATS connection")
async def health(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    connected = _bus(request).connected
    return Response({"status": "ok" if connected else "nats-disconnected"},
                    status_code=200 if connected else 503)  # fmt: skip


ROUTES: Final = [*(_route(command) for command in COMMANDS), protocol, health]
