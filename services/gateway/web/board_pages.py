"""The coordinator's pages: a gmina's board (live over Server-Sent Events), a precinct's page
with every version of its protocols and the actions on them, and the blind second entry.

Who may open them: those who supervise the gmina (its coordinators, auditors, admins); anyone
else gets 403 and a security record, as the API's hook does. The actions go to the command
service exactly as the API sends them (same subjects and headers), so the command service checks
role, place and the TOTP proof again; a page asks for a code from the app when the proof is
older than the step-up window.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Template

from domain import paper_code
from domain.authorization import needs_step_up, refusal
from projections.board import board
from projections.protocol_state import numbers
from schemas import subjects
from schemas.accounts import AccessDenied, Permission
from schemas.ballots import PrecinctView, ProtocolState
from schemas.commands import Outcome, ProtocolView
from services.apps.board_reader import BoardReader
from services.apps.view_pages import ViewUnreadableError
from services.common.texts import text
from services.gateway.auth import address_of
from services.gateway.web.board_view import Format, context
from services.gateway.web.forms import nested
from services.gateway.web.live import HEARTBEAT_S
from services.gateway.web.pages import (
    PAGE,
    SUPERVISION,
    ask,
    ballot_of,
    form_of,
    marked,
    protocol_key,
    refused_page,
    render,
    step_up_proof,
)
from services.gateway.web.session import (
    CLOCK,
    KEY_FIELD,
    Viewer,
    command_headers,
    csrf_valid,
    lang_of,
    viewer_of,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

BOARD_PATH: Final = "/board/{election:str}/{teryt:str}"
PRECINCT_PATH: Final = BOARD_PATH + "/{precinct:int}"
BLIND_PATH: Final = PRECINCT_PATH + "/blind/{contest:str}/{district:int}/{round_number:int}"
ROUND: Final = QueryParameter(name="round")
ACTIONS: Final = {
    "approve": (subjects.APPROVE, Permission.APPROVE, "control_code", "action.approve"),
    "confirm": (subjects.CONFIRM, Permission.CONFIRM, "control_code", "action.confirm"),
    "reject": (subjects.REJECT, Permission.REJECT, "reason", "action.reject"),
    "withdraw": (subjects.WITHDRAW, Permission.WITHDRAW, "reason", "action.withdraw"),
}
"""A precinct page's actions: the subject, the permission, the one field the command takes
besides the protocol's key, and the text naming it."""


async def supervisor(request: Request[Any, Any, Any], teryt: str,
                     permission: Permission = SUPERVISION) -> Viewer | Template:  # fmt: skip
    """The viewer, or the page that refuses them (login, or 403 recorded on the account)."""
    viewer = await viewer_of(request)
    if viewer is None:  # after logging in, back here (a GET only: a form is sent again by hand)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return render(request, "login.html", status=401,
                      next=here if request.method == "GET" else "")  # fmt: skip
    reason = refusal(viewer.actor, permission, teryt)
    if reason:
        denied = AccessDenied(login=viewer.login, reason=reason, target=request.url.path)
        await ask(request, subjects.ACCESS_DENIED, denied,
                  {subjects.CLIENT_ADDRESS: address_of(request)})  # fmt: skip
        return refused_page(request, viewer, "error.forbidden", 403)
    return viewer


async def posted_form(request: Request[Any, Any, Any], teryt: str,
                      permission: Permission = SUPERVISION,
                      ) -> tuple[Viewer, dict[str, str]] | Template:  # fmt: skip
    """A supervisor's form with its CSRF token, or the page that refuses it."""
    viewer = await supervisor(request, teryt, permission)
    if isinstance(viewer, Template):
        return viewer
    form = await form_of(request)
    if not csrf_valid(request, form):
        return refused_page(request, viewer, "error.csrf", 403)
    return viewer, form


# The board.


@get(BOARD_PATH, opt=PAGE, include_in_schema=False)
async def board_page(  # noqa: PLR0913, PLR0917 - the path's and the filters' parameters
    request: Request[Any, Any, Any], election: str, teryt: str,
    round_number: Annotated[int | None, ROUND] = None,
    state_filter: Annotated[str, QueryParameter(name="state")] = "", contest: str = "",
    district: str = "", q: str = "",
) -> Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    try:
        rows = await BoardReader(request.app.state.bus.views).read(election, teryt)
    except ViewUnreadableError:
        return refused_page(request, viewer, "error.unavailable", 503)
    if not rows.precincts:
        return refused_page(request, viewer, "error.not_found", 404)
    shown = board(election, teryt, rows, CLOCK.now(), round_number)
    districts = sorted({c.district for p in shown.precincts for c in p.cells if c.district})
    filters = {"state": state_filter, "contest": contest, "district": district, "q": q}
    return render(request, "board.html", viewer, gmina_name=shown.name or teryt,
                  filters=filters, districts=districts, heartbeat_s=HEARTBEAT_S,
                  **context(shown, lang_of(request)))  # fmt: skip


@get(BOARD_PATH + "/events", opt=PAGE, include_in_schema=False)
async def board_events(request: Request[Any, Any, Any], election: str, teryt: str,
                       round_number: Annotated[int, ROUND] = 1,
                       since: int | None = None) -> ServerSentEvent | Response[Any]:  # fmt: skip
    """The board's changes as Server-Sent Events (``update``: rows, counts, the time), ids the
    views' stream position; a reconnecting browser's ``Last-Event-ID`` says where it was."""
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return Response({"status": "forbidden"}, status_code=viewer.status_code)
    last = request.headers.get("last-event-id", "")
    if last.isdigit():
        since = int(last)
    lang = lang_of(request)
    feeds = request.app.state.feeds
    token = viewer.token

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        async for update in feeds.follow(election, teryt, round_number, since, lang):
            if not update.payload:  # a heartbeat: also the moment to see the session lives
                if await request.app.state.bus.sessions.get(token, CLOCK.now()) is None:
                    return
                yield ServerSentEventMessage(event="heartbeat", data=str(update.position))
                continue
            payload = update.payload.get(lang) or next(iter(update.payload.values()))
            yield ServerSentEventMessage(data=payload,
                                         event="update", id=update.position)  # fmt: skip

    return ServerSentEvent(stream(), headers={"X-Accel-Buffering": "no"})


# A precinct's page and its actions.


@get(PRECINCT_PATH, opt=PAGE, include_in_schema=False)
async def precinct_page(request: Request[Any, Any, Any], election: str, teryt: str,
                        precinct: int,
                        round_number: Annotated[int, ROUND] = 1) -> Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    return await _precinct(request, viewer, election, teryt, precinct, round_number)


async def _precinct(  # noqa: PLR0913 - the precinct's place and what the page says
                    request: Request[Any, Any, Any], viewer: Viewer, election: str, teryt: str,
                    precinct: int, round_number: int, *, message: str = "",
                    problems: tuple[Any, ...] = (), asked: str = "",
                    status: int = 200) -> Template:  # fmt: skip
    """The page; ``asked``: the protocol (contest|district) whose action needs a code now."""
    headers = command_headers(request, viewer, "")
    query = {"key": {"election": election, "teryt": teryt, "precinct": precinct,
                     "round": round_number}}  # fmt: skip
    reply = await ask(request, subjects.GET_PRECINCT, query, headers)
    if reply is None:
        return refused_page(request, viewer, "error.unavailable", 503)
    if b'"protocols"' not in reply:
        return refused_page(request, viewer, "error.not_found", 404)
    view = msgspec.json.decode(reply, type=PrecinctView)

    async def versions(state: ProtocolState) -> ProtocolView | None:
        if state.state == "none":
            return None
        answer = await ask(request, subjects.GET_PROTOCOL, state.key, headers)
        if answer is None or b'"versions"' not in answer:
            return None
        return msgspec.json.decode(answer, type=ProtocolView)

    found = await asyncio.gather(*(versions(state) for state in view.protocols))
    protocols = [(state.key, view_of, _changes(view_of) if view_of else [])
                 for state, view_of in zip(view.protocols, found, strict=True)]  # fmt: skip
    fresh = not needs_step_up(Permission.CONFIRM, viewer.totp_at, CLOCK.now(),
                              request.app.state.step_up)  # fmt: skip
    return render(request, "precinct.html", viewer, status=status, view=view,
                  protocols=protocols, fmt=Format(lang_of(request)), code_fresh=fresh,
                  message=message, message_kind="error" if problems else "ok",
                  problems=problems, asked=asked, form_key=str(uuid.uuid4()),
                  board_url=f"/board/{election}/{teryt}?round={round_number}")  # fmt: skip


def _changes(protocol: ProtocolView) -> list[dict[str, Any]]:
    """Per version, its numbers and those that differ from the version before."""
    found: list[dict[str, Any]] = []
    before: dict[str, int] | None = None
    for version in protocol.versions:
        now = numbers(version.content)
        names = sorted({name for name, _ in before.items() ^ now.items()}) if before else []
        found.append({"numbers": sorted(now.items()),
                      "changes": [(name, (before or {}).get(name), now.get(name))
                                  for name in names]})  # fmt: skip
        before = now
    return found


@post(PRECINCT_PATH + "/{action:str}", opt=PAGE, include_in_schema=False, status_code=200)
async def precinct_action(request: Request[Any, Any, Any], election: str, teryt: str,
                          precinct: int, action: str) -> Template | Redirect:  # fmt: skip
    posted = await posted_form(request, teryt)
    if isinstance(posted, Template):
        return posted
    viewer, form = posted
    if action not in ACTIONS:
        return refused_page(request, viewer, "error.not_found", 404)
    subject, permission, field, label = ACTIONS[action]
    typed = form.get(field, "").strip()
    if field == "control_code" and paper_code.PREFIX in typed:
        # A handheld scanner typed a protocol's QR code here: compare it with the stored
        # versions first; the scan page offers the confirmation on a match.
        return Redirect(f"{paper_code.SCAN_PATH}?{urlencode({paper_code.LINK_PARAMETER: typed})}",
                        status_code=303)  # fmt: skip
    round_number = int(form.get("round", "1") or 1)
    key = {"election": election, "teryt": teryt, "precinct": precinct,
           "contest": form.get("contest", ""), "district": int(form.get("district", "0") or 0),
           "round": round_number}  # fmt: skip
    asked = f"{key['contest']}|{key['district']}|{action}"
    proof = await step_up_proof(request, viewer, permission, form)
    if proof is not None:
        return await _precinct(request, viewer, election, teryt, precinct, round_number,
                               message=text("stepup.title", lang_of(request)), problems=proof,
                               asked=asked, status=403)  # fmt: skip
    body = {"key": key, field: form.get(field, "").strip()}
    reply = await ask(request, subject, body,
                      command_headers(request, viewer, form.get(KEY_FIELD, "")))  # fmt: skip
    return await _answered(request, viewer, key, reply, label, asked)


async def _answered(request: Request[Any, Any, Any], viewer: Viewer, key: dict[str, Any],
                    reply: bytes | None, label: str, asked: str) -> Template:  # fmt: skip
    lang = lang_of(request)
    outcome = msgspec.json.decode(reply, type=Outcome) if reply else None
    place = (key["election"], key["teryt"], key["precinct"], key["round"])
    if outcome is None:
        return await _precinct(request, viewer, *place, message=text("error.unavailable", lang),
                               problems=(), status=503)  # fmt: skip
    if outcome.status != "accepted":
        return await _precinct(request, viewer, *place, message=text("action.refused", lang),
                               problems=outcome.problems, asked=asked, status=422)  # fmt: skip
    done = text("action.done", lang, what=text(label, lang))
    return await _precinct(request, viewer, *place, message=done)


# The blind second entry.


@get(BLIND_PATH, opt=PAGE, include_in_schema=False)
async def blind_form(request: Request[Any, Any, Any], election: str, teryt: str, precinct: int,
                     contest: str, district: int, round_number: int) -> Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    key = protocol_key(election, teryt, precinct, contest, district, round_number)
    return await _blind_page(request, viewer, key, {}, ())


async def _blind_page(request: Request[Any, Any, Any], viewer: Viewer, key: dict[str, Any],
                      values: dict[str, str], problems: tuple[Any, ...],
                      status: int = 200) -> Template:  # fmt: skip
    """The protocol's form without the stored numbers (nor anything that would tell them)."""
    ballot = await ballot_of(request, viewer, key)
    if ballot is None or isinstance(ballot, Outcome):
        return refused_page(request, viewer, "error.unavailable" if ballot is None else
                            "error.not_found", 503 if ballot is None else 404)  # fmt: skip
    step_up = needs_step_up(Permission.CONFIRM, viewer.totp_at, CLOCK.now(),
                            request.app.state.step_up)  # fmt: skip
    return render(request, "protocol.html", viewer, status=status, ballot=ballot, blind=True,
                  values=values, problems=problems, explain=[], step_up=step_up,
                  form_key=str(uuid.uuid4()), store_key="", check_url="",
                  marked=marked(problems))  # fmt: skip


@post(BLIND_PATH, opt=PAGE, include_in_schema=False, status_code=200)
async def blind_send(request: Request[Any, Any, Any], election: str, teryt: str, precinct: int,
                     contest: str, district: int, round_number: int) -> Template:  # fmt: skip
    posted = await posted_form(request, teryt)
    if isinstance(posted, Template):
        return posted
    viewer, form = posted
    key = protocol_key(election, teryt, precinct, contest, district, round_number)
    proof = await step_up_proof(request, viewer, Permission.CONFIRM, form)
    if proof is not None:
        return await _blind_page(request, viewer, key, form, proof, status=403)
    entry = nested(form).get("content", {})
    reply = await ask(request, subjects.CONFIRM, {"key": key, "entry": entry},
                      command_headers(request, viewer, form.get(KEY_FIELD, "")))  # fmt: skip
    outcome = msgspec.json.decode(reply, type=Outcome) if reply else None
    if outcome is None or outcome.status != "accepted":
        return await _blind_page(request, viewer, key, form, outcome.problems if outcome else (),
                                 status=422)  # fmt: skip
    return await _answered(request, viewer, key, reply, "action.blind", "")


BOARD_PAGES: Final[list[Any]] = [board_page, board_events, precinct_page, precinct_action,
                                 blind_form, blind_send]  # fmt: skip
