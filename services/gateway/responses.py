"""How command-service answers become HTTP responses, and every error an ``Outcome``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain.decoding import DecodeError, decode_json
from schemas.commands import Outcome
from schemas.problems import Problem

if TYPE_CHECKING:
    from litestar.types import ExceptionHandlersMap

RETRY_AFTER: Final = {"Retry-After": "1"}
STATUS_CODES: Final = {
    "accepted": 200,
    "ok": 200,
    "refused": 422,
    "invalid": 400,
    "forbidden": 403,
    "conflict": 409,
    "not-found": 404,
    "in-progress": 503,
    "failed": 503,
}


def outcome_response(outcome: Outcome) -> Response[Outcome]:
    code = STATUS_CODES.get(outcome.status, 503)
    return Response(outcome, status_code=code, headers=RETRY_AFTER if code == 503 else None)


def unavailable(reason: str) -> Response[Outcome]:
    problem = Problem(path="$", rule="gateway.unavailable", message=reason)
    return outcome_response(Outcome(status="failed", problems=(problem,)))


def _invalid_body(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Outcome]:
    """Every problem of a malformed body, with JSON paths, not only the first one msgspec saw.

    Exception handlers are synchronous; the body Litestar already read is cached on the
    connection state, so it is decoded again here with the all-problems decoder.
    """
    kind = request.route_handler.opt.get("body")
    body = request._connection_state.body  # noqa: SLF001 - read once by Litestar, cached here
    problems: list[Problem] = []
    if kind is not None and isinstance(body, bytes):
        try:
            decode_json(body, kind)
        except DecodeError as error:
            problems = error.problems
    if not problems:
        problems = [Problem(path="$", rule="http.invalid", message=str(exc.detail))]
    return outcome_response(Outcome(status="invalid", problems=tuple(problems)))


def _http_error(_request: Request[Any, Any, Any], exc: HTTPException) -> Response[Outcome]:
    rule = getattr(exc, "rule", f"http.{exc.status_code}")
    problem = Problem(path="$", rule=rule, message=str(exc.detail))
    status = {401: "unauthenticated", 403: "forbidden"}.get(exc.status_code, "invalid")
    return Response(
        Outcome(status=status if exc.status_code < 500 else "failed", problems=(problem,)),
        status_code=exc.status_code,
        headers=exc.headers,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ValidationException: _invalid_body,
    HTTPException: _http_error,
}
