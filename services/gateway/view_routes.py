"""Read endpoints over the projections: tallies, progress, turnout, alerts, the audit trail. A
coordinator (or operator) names their gmina and gets that gmina's rows only: each route filters by
the scope the authorization hook decided (``request.state.scope``), never by a parameter of its
own reading; auditors and admins read everything."""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from projections.board import missing
from schemas import subjects
from schemas.accounts import Permission
from schemas.board import MissingPage
from schemas.catalog import ENDPOINTS
from schemas.commands import Outcome
from schemas.problems import Problem
from schemas.results import ContestResult
from schemas.views import (
    AlertPage,
    AuditPage,
    ProgressPage,
    TallyPage,
    TurnoutPage,
    ViewQuery,
    ViewRows,
)
from services.apps.board_reader import BoardReader
from services.apps.view_pages import ViewUnreadableError
from services.gateway.auth import CLOCK
from services.gateway.bus import CommandBus, ServiceUnavailableError
from services.gateway.routes import forward


def _opt(page: type[Any], permission: Permission = Permission.VIEW) -> dict[str, Any]:
    """Who may read, and the page type the OpenAPI document shows (the projector's rows as
    ``schemas.views`` types them; the gateway passes them on as they came)."""
    return {"permission": permission.value, "reply": page}


ANSWERS: Final = {
    400: ResponseSpec(data_container=Outcome, description="bad query: the parameter and rule"),
    401: ResponseSpec(data_container=Outcome, description="not logged in"),
    403: ResponseSpec(data_container=Outcome, description="outside your gmina"),
    429: ResponseSpec(data_container=Outcome, description="overloaded"),
    503: ResponseSpec(data_container=ViewRows, description="views unavailable"),
}


AFTER: Final = "continue after this row key: the `next` of the previous page"


def _scoped(
    request: Request[Any, Any, Any], level: str, code: str | None
) -> tuple[str, str | None]:
    """A scoped reader reads its own gmina's level only (the hook refused anything else)."""
    scope: str | None = request.state.scope
    return ("gmina", scope) if scope else (level, code)


async def _rows(
    request: Request[Any, Any, Any], query: ViewQuery, after: str | None
) -> Response[Any]:
    """One page of rows; ``next`` in the answer says where the following page starts."""
    if after:
        query = msgspec.structs.replace(query, after=after)
    bus: CommandBus = request.app.state.bus
    try:
        reply = await bus.request(subjects.VIEWS_QUERY, msgspec.json.encode(query), {})
    except ServiceUnavailableError as error:
        rows = ViewRows(view=query.view, position=0, rows=[], error=str(error))
        return Response(rows, status_code=503, headers={"Retry-After": "1"})
    rows = msgspec.json.decode(reply, type=ViewRows)
    if rows.error:
        problem = Problem(path="$", rule="view.query", message=rows.error)
        return Response(Outcome(status="invalid", problems=(problem,)), status_code=400)
    return Response(rows, status_code=200)


@get(
    "/v1/views/tallies",
    opt=_opt(TallyPage),
    responses=ANSWERS,
    summary="Sums of the current versions: per gmina; for national contests also per powiat, "
    "województwo and country. flavour: accepted or confirmed; without contest, every contest",
)
async def tallies(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    contest: FromQuery[str | None] = None,
    flavour: FromQuery[str] = "accepted",
    round_number: Annotated[int, QueryParameter(name="round")] = 1,
    level: FromQuery[str] = "gmina",
    code: FromQuery[str | None] = None,
    after: Annotated[str | None, QueryParameter(description=AFTER)] = None,
) -> Response[Any]:
    level, code = _scoped(request, level, code)
    where: dict[str, str | int] = {"round": round_number, "level": level}
    if code is not None:
        where["code"] = code
    query = ViewQuery(
        view="tally",
        table="tallies",
        prefix=f"{flavour}|{election}|{contest}|" if contest else f"{flavour}|{election}|",
        where=where,
    )
    return await _rows(request, query, after)


@get(
    "/v1/views/progress",
    opt=_opt(ProgressPage),
    responses=ANSWERS,
    summary="Protocols expected, reported, awaiting approval, with warnings, confirmed, "
    "corrected after confirmation, rejected; per gmina x contest x round",
)
async def progress(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    gmina: FromQuery[str | None] = None,
    after: Annotated[str | None, QueryParameter(description=AFTER)] = None,
) -> Response[Any]:
    gmina = request.state.scope or gmina
    where: dict[str, str | int] = {"gmina": gmina} if gmina else {}
    query = ViewQuery(view="progress", table="progress", prefix=f"{election}|", where=where)
    return await _rows(request, query, after)


@get(
    "/v1/views/turnout",
    opt=_opt(TurnoutPage),
    responses=ANSWERS,
    summary="Turnout per reporting hour, per gmina, powiat, województwo and country",
)
async def turnout(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    round_number: Annotated[int, QueryParameter(name="round")] = 1,
    level: FromQuery[str] = "gmina",
    code: FromQuery[str | None] = None,
    after: Annotated[str | None, QueryParameter(description=AFTER)] = None,
) -> Response[Any]:
    level, code = _scoped(request, level, code)
    where: dict[str, str | int] = {"level": level}
    if code is not None:
        where["code"] = code
    query = ViewQuery(
        view="turnout", table="totals", prefix=f"{election}|{round_number}|", where=where
    )
    return await _rows(request, query, after)


@get(
    "/v1/views/alerts",
    opt=_opt(AlertPage),
    responses=ANSWERS,
    summary="Discrepancy alerts (open, acknowledged, closed) of a gmina, or all for auditors",
)
async def alerts(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    gmina: FromQuery[str | None] = None,
    alert_state: Annotated[str | None, QueryParameter(name="state")] = None,
    after: Annotated[str | None, QueryParameter(description=AFTER)] = None,
) -> Response[Any]:
    gmina = request.state.scope or gmina
    where: dict[str, str | int] = {"state": alert_state} if alert_state else {}
    prefix = f"{election}|{gmina}|" if gmina else f"{election}|"
    return await _rows(
        request, ViewQuery(view="alerts", table="alerts", prefix=prefix, where=where), after
    )


@get(
    "/v1/audit",
    opt=_opt(AuditPage, Permission.AUDIT),
    responses=ANSWERS,
    summary="The audit trail: every event in order (who, how, when, where, what changed); "
    "filter by gmina, precinct, actor; format=jsonl for JSON lines",
)
async def audit(
    request: Request[Any, Any, Any],
    gmina: FromQuery[str | None] = None,
    precinct: FromQuery[str | None] = None,
    actor: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    output: Annotated[str, QueryParameter(name="format")] = "json",
    after: Annotated[str | None, QueryParameter(description=AFTER)] = None,
) -> Response[Any]:
    gmina = request.state.scope or gmina
    where: dict[str, str | int] = {
        name: value
        for name, value in (("gmina", gmina), ("precinct", precinct), ("actor", actor))
        if value
    }
    query = ViewQuery(view="audit", table="entries", where=where)
    response = await _rows(request, query, after)
    if response.status_code != 200:
        return response
    rows = [
        r
        for r in response.content.rows
        if (since is None or r["time"] >= since) and (until is None or r["time"] <= until)
    ]
    if output == "jsonl":
        lines = b"".join(msgspec.json.encode(row) + b"\n" for row in rows)
        return Response(lines, media_type="application/x-ndjson")
    return Response(
        msgspec.structs.replace(response.content, rows=rows), status_code=response.status_code
    )


@get(
    "/v1/views/missing",
    opt=_opt(MissingPage),
    responses=ANSWERS,
    summary="What a gmina has not sent yet: every precinct without a turnout report (per "
    "hour) or a protocol (per contest and district), with its address, when it was due and "
    "whether it is late now; one round, or every round with protocols expected",
)
async def missing_reports(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    gmina: FromQuery[str | None] = None,
    round_number: Annotated[int | None, QueryParameter(name="round")] = None,
) -> Response[Any]:
    gmina = request.state.scope or gmina
    if not gmina:
        problem = Problem(path="$.gmina", rule="query.required", message="name the gmina")
        return Response(Outcome(status="invalid", problems=(problem,)), status_code=400)
    bus: CommandBus = request.app.state.bus
    try:
        rows = await BoardReader(bus.views).read(election, gmina)
    except ViewUnreadableError as error:
        unread = ViewRows(view="progress", position=0, rows=[], error=str(error))
        return Response(unread, status_code=503, headers={"Retry-After": "1"})
    return Response(missing(election, gmina, rows, CLOCK.now(), round_number))


RESULT_ENDPOINT: Final = next(e for e in ENDPOINTS if e.name == "result")


@get(
    "/v1/views/results",
    opt=_opt(ContestResult, Permission.READ),
    responses=ANSWERS,
    summary="A contest's result (council, mayor, rada powiatu, sejmik): who is elected if "
    "counting stopped now, from the accepted or confirmed protocols, with the precincts "
    "missing, lots waiting for a draw and each list's margins; flavour=established: the "
    "result as established (state, result, draws). A coordinator reads their gmina's",
)
async def results(
    request: Request[Any, Any, Any],
    election: FromQuery[str],
    contest: FromQuery[str],
    round_number: Annotated[int, QueryParameter(name="round")] = 1,
    flavour: FromQuery[str] = "accepted",
) -> Response[Any]:
    query = {"key": {"election": election, "contest": contest, "round": round_number},
             "flavour": flavour}  # fmt: skip
    return await forward(request, RESULT_ENDPOINT, msgspec.json.encode(query))


VIEW_ROUTES = [tallies, progress, turnout, alerts, audit, missing_reports, results]
