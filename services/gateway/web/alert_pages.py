"""The coordinator's alerts inbox: the gmina's alerts by severity and kind with what raised them,
acknowledged with a note (recorded as an event, kept with the alert for the report), and a
printable list per precinct of what to signal to each commission's chair."""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from schemas import subjects
from schemas.commands import Outcome
from schemas.views import ViewQuery
from services.apps.view_pages import ViewUnreadableError, every_row
from services.common.texts import text
from services.gateway.web.board_pages import BOARD_PATH, posted_form, supervisor
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, refused_page, render
from services.gateway.web.session import KEY_FIELD, Viewer, command_headers, lang_of

SEVERITIES: Final = ("critical", "warning", "info")
STATES: Final = ("open", "acknowledged", "closed", "all")
SIGNALLED: Final = frozenset({"open", "acknowledged"})
"""What the printed list carries: everything not closed (an acknowledged alert is still to be
told to the chair; closed ones went away with a correction)."""


async def _alerts(request: Request[Any, Any, Any], election: str,
                  teryt: str) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    query = ViewQuery(view="alerts", table="alerts", prefix=f"{election}|{teryt}|")
    rows, position = await every_row(request.app.state.bus.views, query)
    order = {severity: n for n, severity in enumerate(SEVERITIES)}
    rows.sort(key=lambda r: (order.get(r["severity"], 9), r["kind"], _number(r), r["key"]))
    return rows, position


def _number(row: dict[str, Any]) -> int:
    precinct = row["precinct"]
    return precinct if isinstance(precinct, int) else 0


@get(BOARD_PATH + "/alerts", opt=PAGE, include_in_schema=False)
async def alerts_page(request: Request[Any, Any, Any], election: str, teryt: str,
                      shown: Annotated[str, QueryParameter(name="state")] = "open",
                      ) -> Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    return await _inbox(request, viewer, election, teryt, shown)


async def _inbox(  # noqa: PLR0913 - the gmina, the state shown and what the page says
                 request: Request[Any, Any, Any], viewer: Viewer, election: str, teryt: str,
                 shown: str, *, message: str = "", problems: tuple[Any, ...] = (),
                 status: int = 200) -> Template:  # fmt: skip
    try:
        rows, position = await _alerts(request, election, teryt)
    except ViewUnreadableError:
        return refused_page(request, viewer, "error.unavailable", 503)
    shown = shown if shown in STATES else "open"
    listed = [r for r in rows if shown == "all" or r["state"] == shown]
    counts = {state: sum(r["state"] == state for r in rows) for state in STATES[:3]}
    groups = [(severity, [r for r in listed if r["severity"] == severity])
              for severity in SEVERITIES]  # fmt: skip
    return render(request, "alerts.html", viewer, status=status, fmt=Format(lang_of(request)),
                  election=election, teryt=teryt, shown=shown, states=STATES, counts=counts,
                  groups=[g for g in groups if g[1]], position=position, message=message,
                  message_kind="error" if problems else "ok", problems=problems)  # fmt: skip


@post(BOARD_PATH + "/alerts", opt=PAGE, include_in_schema=False, status_code=200)
async def acknowledge(request: Request[Any, Any, Any], election: str, teryt: str) -> Template:
    posted = await posted_form(request, teryt)
    if not isinstance(posted, tuple):
        return posted
    viewer, form = posted
    body = {"key": {"teryt": teryt, "alert": form.get("alert", "")},
            "note": form.get("note", "").strip()}  # fmt: skip
    reply = await ask(request, subjects.ACKNOWLEDGE_ALERT, body,
                      command_headers(request, viewer, form.get(KEY_FIELD, "")))  # fmt: skip
    lang = lang_of(request)
    outcome = msgspec.json.decode(reply, type=Outcome) if reply else None
    if outcome is None or outcome.status != "accepted":
        problems = outcome.problems if outcome else ()
        return await _inbox(request, viewer, election, teryt, "open",
                            message=text("action.refused", lang), problems=problems,
                            status=422)  # fmt: skip
    done = text("action.done", lang, what=text("alerts.acknowledge", lang))
    return await _inbox(request, viewer, election, teryt, "open", message=done)


@get(BOARD_PATH + "/alerts/print", opt=PAGE, include_in_schema=False)
async def alerts_print(request: Request[Any, Any, Any], election: str, teryt: str) -> Template:
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    try:
        rows, position = await _alerts(request, election, teryt)
    except ViewUnreadableError:
        return refused_page(request, viewer, "error.unavailable", 503)
    by_precinct: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["state"] in SIGNALLED:
            by_precinct.setdefault(_number(row), []).append(row)
    return render(request, "alerts_print.html", viewer, fmt=Format(lang_of(request)),
                  election=election, teryt=teryt, position=position,
                  precincts=sorted(by_precinct.items()))  # fmt: skip


ALERT_PAGES: Final[list[Any]] = [alerts_page, acknowledge, alerts_print]
