"""The audit trail as a page: every event in order with who (actor, role), how (the channel:
proxy entry marked), when (server time), where and what changed, filtered by gmina, precinct,
actor and time; a page at a time, continuing after the last event shown. For auditors and admins
everywhere, for coordinators their own gmina (as ``GET /v1/audit``)."""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request, get
from litestar.response import Template  # noqa: TC002 - the route's return type, read at start

from domain.authorization import refusal
from schemas import subjects
from schemas.accounts import Permission
from schemas.views import ViewQuery, ViewRows
from services.gateway.auth import UNSCOPED
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, refused_page, render
from services.gateway.web.session import lang_of, viewer_of

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
    shown = rows[:SHOWN]
    more = f"{shown[-1]['seq']:012d}" if len(rows) > SHOWN or cursor else ""
    filters = {"gmina": gmina, "precinct": precinct, "actor": actor, "since": since,
               "until": until}  # fmt: skip
    return render(request, "audit.html", viewer, fmt=Format(lang_of(request)), rows=shown,
                  filters=filters, more=more, scoped=viewer.actor.role not in UNSCOPED)  # fmt: skip


def _within(time: str, since: str, until: str) -> bool:
    """ISO times compare as text; an empty bound is no bound."""
    return (not since or time >= since) and (not until or time <= until)


AUDIT_PAGES: Final[list[Any]] = [audit_page]
