"""The audit trail as a page: every event in order with who (actor, role), how (the channel:
proxy entry marked), when (server time), where and what changed, filtered by gmina, precinct,
actor and time; a page at a time, continuing after the last event shown. For auditors and admins
everywhere, for coordinators their own gmina (as ``GET /v1/audit``). Above it, the verdict of the
last ``tally audit verify`` (recorded in the log, so every gateway shows the same); for auditors
and admins, the whole log to download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec
from litestar import Request, get
from litestar.response import Stream, Template

from domain.authorization import refusal
from projections import audit_trail
from schemas import subjects
from schemas.accounts import Permission
from schemas.views import ViewQuery, ViewRows
from services.apps.log_records import json_lines
from services.gateway.auth import CLOCK, UNSCOPED
from services.gateway.bus import CommandBus, ServiceUnavailableError
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, refused_page, render
from services.gateway.web.session import lang_of, viewer_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

SHOWN: Final = 300
"""Events on one page."""


@get("/audit", opt=PAGE, include_in_schema=False)
async def audit_page(
    request: Request[Any, Any, Any], gmina: str = "", precinct: str = "", actor: str = "",
    since: str = "", until: str = "", after: str = "",
) -> Template:  # fmt: skip
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    if viewer.actor.role not in UNSCOPED:
        gmina = viewer.gmina  # a coordinator reads their own gmina's trail only
    if refusal(viewer.actor, Permission.AUDIT, gmina or None):
        return refused_page(request, viewer, "error.forbidden", 403)
    where: dict[str, str | int] = {name: value for name, value in
                                   (("gmina", gmina), ("precinct", precinct), ("actor", actor))
                                   if value}  # fmt: skip
    rows: list[dict[str, Any]] = []
    cursor = after
    while len(rows) < SHOWN:
        query = ViewQuery(view="audit", table="entries", where=where, after=cursor)
        reply = await ask(request, subjects.VIEWS_QUERY, query, {})
        if reply is None:
            return refused_page(request, viewer, "error.unavailable", 503)
        page = msgspec.json.decode(reply, type=ViewRows)
        rows += [r for r in page.rows if _within(r["time"], since, until)]
        cursor = page.next
        if not cursor:
            break
    verified = await _last_verification(request)
    shown = rows[:SHOWN]
    more = f"{shown[-1]['seq']:012d}" if len(rows) > SHOWN or cursor else ""
    filters = {"gmina": gmina, "precinct": precinct, "actor": actor, "since": since,
               "until": until}  # fmt: skip
    return render(request, "audit.html", viewer, fmt=Format(lang_of(request)), rows=shown,
                  filters=filters, more=more, scoped=viewer.actor.role not in UNSCOPED,
                  verified=verified)  # fmt: skip


async def _last_verification(request: Request[Any, Any, Any]) -> dict[str, Any] | None:
    """The verdict of the last ``tally audit verify`` recorded in the log (None: none yet, or
    the views cannot be read now; the trail below says which)."""
    query = ViewQuery(view=audit_trail.NAME, table=audit_trail.VERIFIED,
                      prefix=audit_trail.LAST_VERIFICATION)  # fmt: skip
    bus: CommandBus = request.app.state.bus
    rows = (await bus.views(query)).rows
    return rows[0] if rows else None


@get("/audit/export", opt=PAGE, include_in_schema=False)
async def audit_export(request: Request[Any, Any, Any]) -> Stream | Template:
    """The whole log as JSON lines, exactly as ``tally audit export`` writes it (so ``tally audit
    verify --export`` checks the download): for auditors and admins, who read every gmina."""
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    if viewer.actor.role not in UNSCOPED:
        return refused_page(request, viewer, "error.forbidden", 403)
    bus: CommandBus = request.app.state.bus
    try:
        batches = bus.log()
    except ServiceUnavailableError:
        return refused_page(request, viewer, "error.unavailable", 503)
    encoder = msgspec.json.Encoder()

    async def lines() -> AsyncIterator[bytes]:
        async for batch in batches:
            yield json_lines(batch, encoder)

    stamp = CLOCK.now().strftime("%Y%m%dT%H%M%SZ")
    return Stream(lines(), media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="tally-log-{stamp}.jsonl"'})  # fmt: skip


def _within(time: str, since: str, until: str) -> bool:
    """ISO times compare as text; an empty bound is no bound."""
    return (not since or time >= since) and (not until or time <= until)


AUDIT_PAGES: Final[list[Any]] = [audit_page, audit_export]
