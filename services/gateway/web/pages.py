"""The pages: login, activation, the operator's home, the protocol and turnout forms.

Each page checks its own session (the cookie's, as ``services.gateway.web.session`` reads it)
and sends what it does to the services exactly as the API does: the same command subjects, the
same headers, the same checks of role and place in the command service. A page of a precinct
that is not the operator's answers 403 and writes nothing; a form without its CSRF token, 403.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import msgspec
import segno
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from domain.authorization import needs_step_up, refusal
from schemas import subjects
from schemas.accounts import AuthAnswer, Permission, Role
from schemas.ballots import Ballot, PrecinctView
from schemas.catalog import ONLINE, PROXY
from schemas.commands import Outcome
from schemas.problems import Problem
from schemas.views import ViewQuery, ViewRows
from services.common.texts import LANGUAGES, TEXTS, text
from services.gateway.auth import address_of
from services.gateway.bus import ServiceUnavailableError
from services.gateway.web.forms import nested
from services.gateway.web.session import (
    CLOCK,
    CSRF_COOKIE,
    KEY_FIELD,
    LANG_COOKIE,
    SESSION_COOKIE,
    TOTP_FIELD,
    Viewer,
    command_headers,
    cookie,
    csrf_of,
    csrf_valid,
    lang_of,
    viewer_of,
)

if TYPE_CHECKING:
    from schemas.validation import ProtocolKey

HERE: Final = Path(__file__).resolve().parent
TEMPLATES: Final = HERE / "templates"
PAGE: Final = {"public": True}
"""The authorization hook lets a page through: the page checks its own session."""
SUPERVISION: Final = Permission.AUDIT
"""Who sees a gmina's board: those who supervise it (its coordinators, auditors, admins)."""
STATES: Final = ("none", "accepted", "awaiting-approval", "confirmed", "rejected")
PROTOCOL_PATH: Final = (
    "/protocols/{election:str}/{teryt:str}/{precinct:int}/{contest:str}/{district:int}/"
    "{round_number:int}"
)
LANG_AGE_S: Final = 365 * 24 * 3600
TURNOUT_PATH: Final = "/turnout/{election:str}/{teryt:str}/{precinct:int}/{round_number:int}"


def protocol_url(key: ProtocolKey) -> str:
    return (f"/protocols/{key.election}/{key.teryt}/{key.precinct}/{key.contest}/"
            f"{key.district}/{key.round}")  # fmt: skip


def turnout_url(key: Any, hour: str) -> str:
    return f"/turnout/{key.election}/{key.teryt}/{key.precinct}/{key.round}?hour={hour}"


def render(request: Request[Any, Any, Any], name: str, viewer: Viewer | None = None,
           *, status: int = 200, **context: Any) -> Template:  # fmt: skip
    """A page in the person's language, with the CSRF token its forms carry (set if new)."""
    lang = lang_of(request)
    csrf = csrf_of(request)

    def t(key: str, **fields: object) -> str:
        return text(key, lang, **fields)

    page = Template(template_name=name, status_code=status, context={
        "t": t, "lang": lang, "csrf": csrf, "viewer": viewer, "protocol_url": protocol_url,
        "known": TEXTS,
        "turnout_url": turnout_url, "states": STATES, **context})  # fmt: skip
    if request.cookies.get(CSRF_COOKIE) != csrf:
        page.cookies.append(cookie(request, CSRF_COOKIE, csrf))
    return page


def refused_page(request: Request[Any, Any, Any], viewer: Viewer | None, key: str,
                  status: int) -> Template:  # fmt: skip
    return render(request, "message.html", viewer, status=status,
                  message=text(key, lang_of(request)), message_kind="error")  # fmt: skip


async def form_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    found = await request.form()
    return {name: str(value) for name, value in found.items()}


async def ask(request: Request[Any, Any, Any], subject: str, body: Any,
               headers: dict[str, str]) -> bytes | None:  # fmt: skip
    try:
        reply: bytes = await request.app.state.bus.request(
            subject, msgspec.json.encode(body), headers
        )
    except ServiceUnavailableError:
        return None
    return reply


# Login, activation, logout, language.


@get("/", opt=PAGE, include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", first_run=getattr(request.app.state, "first_run", ""))
    elections = await _elections(request, viewer.gmina)
    supervises = viewer.gmina and not refusal(viewer.actor, SUPERVISION, viewer.gmina)
    boards = elections if supervises else []
    precincts = []
    for election in elections:
        for number in viewer.precincts:
            query = {"key": {"election": election, "teryt": viewer.gmina, "precinct": number}}
            reply = await ask(request, subjects.GET_PRECINCT, query,
                               command_headers(request, viewer, ""))  # fmt: skip
            if reply is not None and b'"protocols"' in reply:
                precincts.append(msgspec.json.decode(reply, type=PrecinctView))
    return render(request, "home.html", viewer, precincts=precincts, boards=boards)


async def _elections(request: Request[Any, Any, Any], gmina: str) -> list[str]:
    """The elections with protocols expected in the gmina (as the progress view has them)."""
    where: dict[str, str | int] = {"gmina": gmina} if gmina else {}
    query = ViewQuery(view="progress", table="progress", where=where)
    reply = await ask(request, subjects.VIEWS_QUERY, query, {})
    if reply is None:
        return []
    rows = msgspec.json.decode(reply, type=ViewRows).rows
    return sorted({row["election"] for row in rows})


@get("/login", opt=PAGE, include_in_schema=False)
async def login_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    return Redirect("/") if await viewer_of(request) else render(request, "login.html")


@post("/login", opt=PAGE, include_in_schema=False, status_code=303)
async def log_in(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await form_of(request)
    lang = lang_of(request)
    if not csrf_valid(request, form):
        return refused_page(request, None, "error.csrf", 403)
    body = {"login": form.get("login", "").strip().lower(), "password": form.get("password", ""),
            "totp": form.get("totp", "").strip()}  # fmt: skip
    reply = await ask(request, subjects.LOGIN, body,
                       {subjects.CLIENT_ADDRESS: address_of(request)})  # fmt: skip
    if reply is None:
        return render(request, "login.html", status=503, login=body["login"],
                      next=form.get("next", ""), message=text("error.unavailable", lang),
                      message_kind="error")  # fmt: skip
    answer = msgspec.json.decode(reply, type=AuthAnswer)
    if answer.grant is None:
        key = {"throttled": "login.throttled"}.get(answer.status, "login.failed")
        message = text(key, lang, seconds=answer.retry_after_s) if key == "login.throttled" else (
            text(key, lang))  # fmt: skip
        return render(request, "login.html", status=401, login=body["login"], message=message,
                      next=form.get("next", ""), message_kind="error")  # fmt: skip
    request.app.state.first_run = ""  # someone has an account now
    done = Redirect(_local_path(form.get("next", "")), status_code=303)
    done.cookies.append(cookie(request, SESSION_COOKIE, answer.grant.token))
    if answer.grant.language in LANGUAGES:  # the account's choice, on any browser
        done.cookies.append(cookie(request, LANG_COOKIE, answer.grant.language,
                                   max_age=LANG_AGE_S))  # fmt: skip
    return done


def _local_path(asked: str) -> str:
    """Where to go after logging in: a path on this site only (never another site's address),
    so a link that needed a login (a scanned QR code) opens after it."""
    if asked.startswith("/") and not asked.startswith(("//", "/\\")):
        return asked
    return "/"


@get("/activate", opt=PAGE, include_in_schema=False)
async def activate_page(request: Request[Any, Any, Any]) -> Template:
    return render(request, "activate.html")


@post("/activate", opt=PAGE, include_in_schema=False, status_code=200)
async def activate(request: Request[Any, Any, Any]) -> Template:
    form = await form_of(request)
    lang = lang_of(request)
    if not csrf_valid(request, form):
        return refused_page(request, None, "error.csrf", 403)
    body = {"login": form.get("login", "").strip().lower(),
            "activation_code": form.get("activation_code", "").strip(),
            "password": form.get("password", "")}  # fmt: skip
    reply = await ask(request, subjects.ACTIVATE, body,
                       {subjects.CLIENT_ADDRESS: address_of(request)})  # fmt: skip
    answer = msgspec.json.decode(reply, type=AuthAnswer) if reply else None
    if answer is None or answer.enrollment is None:
        reason = answer.reason or answer.status if answer else text("error.unavailable", lang)
        message = text("activate.failed", lang, reason=reason)
        return render(request, "activate.html", status=422, login=body["login"],
                      message=message, message_kind="error")  # fmt: skip
    qr = segno.make_qr(answer.enrollment.otpauth_uri, error="m")
    svg = qr.svg_inline(scale=5, dark="#111", light="#fff")
    return render(request, "activate.html", enrollment=answer.enrollment, qr_svg=svg)


@post("/logout", opt=PAGE, include_in_schema=False, status_code=303)
async def log_out(request: Request[Any, Any, Any]) -> Template | Redirect:
    return await _end_sessions(request, everywhere=False)


@post("/logout-everywhere", opt=PAGE, include_in_schema=False, status_code=303)
async def log_out_everywhere(request: Request[Any, Any, Any]) -> Template | Redirect:
    return await _end_sessions(request, everywhere=True)


async def _end_sessions(
    request: Request[Any, Any, Any], *, everywhere: bool
) -> Template | Redirect:
    form = await form_of(request)
    if not csrf_valid(request, form):
        return refused_page(request, None, "error.csrf", 403)
    viewer = await viewer_of(request)
    if viewer is not None:
        headers = command_headers(request, viewer, "") | {subjects.SESSION_TOKEN: viewer.token}
        subject = subjects.LOGOUT_EVERYWHERE if everywhere else subjects.LOGOUT
        await ask(request, subject, {"login": viewer.login}, headers)
    done = Redirect("/", status_code=303)
    done.cookies.append(cookie(request, SESSION_COOKIE, "", max_age=0))
    return done


@get("/lang/{code:str}", opt=PAGE, include_in_schema=False)
async def choose_language(request: Request[Any, Any, Any], code: str) -> Redirect:
    """The language for this browser and, when logged in, for the account."""
    done = Redirect("/", status_code=303)
    if code not in LANGUAGES:
        return done
    done.cookies.append(cookie(request, LANG_COOKIE, code, max_age=LANG_AGE_S))
    viewer = await viewer_of(request)
    if viewer is not None:
        headers = command_headers(request, viewer, "") | {subjects.SESSION_TOKEN: viewer.token}
        await ask(request, subjects.CHOOSE_LANGUAGE, {"language": code}, headers)
    return done


# The protocol form.


def protocol_key(election: str, teryt: str, precinct: int, contest: str, district: int,
                  round_number: int) -> dict[str, Any]:  # fmt: skip
    return {"election": election, "teryt": teryt, "precinct": precinct, "contest": contest,
            "district": district, "round": round_number}  # fmt: skip


async def ballot_of(request: Request[Any, Any, Any], viewer: Viewer,
                  key: dict[str, Any]) -> Ballot | Outcome | None:  # fmt: skip
    reply = await ask(request, subjects.GET_BALLOT, key, command_headers(request, viewer, ""))
    if reply is None:
        return None
    if b'"fields"' in reply:
        return msgspec.json.decode(reply, type=Ballot)
    return msgspec.json.decode(reply, type=Outcome)


def _current_values(ballot: Ballot) -> dict[str, str]:
    """The current version's numbers as form values (a correction starts from them)."""
    if ballot.protocol is None:
        return {}
    content = msgspec.to_builtins(ballot.protocol.versions[-1].content)
    values: dict[str, str] = {}
    for name, value in content.items():
        if isinstance(value, int):
            values[f"content.{name}"] = str(value)
    for i, entry in enumerate(content.get("candidates", [])):
        values[f"content.candidates[{i}].votes"] = str(entry["votes"])
    for code, explanation in content.get("explanations", {}).items():
        values[f"content.explanations.{code}"] = explanation
    for j, votes in enumerate(content.get("lists", [])):
        values[f"content.lists[{j}].total"] = str(votes["total"])
        for k, entry in enumerate(votes["candidates"]):
            values[f"content.lists[{j}].candidates[{k}].votes"] = str(entry["votes"])
    return values


async def step_up_proof(request: Request[Any, Any, Any], viewer: Viewer, permission: Permission,
                   form: dict[str, str]) -> tuple[Problem, ...] | None:  # fmt: skip
    """None when the session's TOTP proof is fresh enough (or the code typed in the page
    proves it now); otherwise why the page must ask for a code."""
    window = request.app.state.step_up
    if not needs_step_up(permission, viewer.totp_at, CLOCK.now(), window):
        return None
    code = form.get(TOTP_FIELD, "").strip()
    if code:
        headers = command_headers(request, viewer, "") | {subjects.SESSION_TOKEN: viewer.token}
        reply = await ask(request, subjects.STEP_UP, {"totp": code}, headers)
        answer = msgspec.json.decode(reply, type=AuthAnswer) if reply else None
        if answer is not None and answer.status == "ok":
            return None
    message = text("stepup.title", lang_of(request))
    return (Problem(path="$." + TOTP_FIELD, rule="auth.step_up_required", message=message),)


async def _protocol_page(request: Request[Any, Any, Any], key: dict[str, Any],
                         values: dict[str, str] | None = None, problems: tuple[Any, ...] = (),
                         *, step_up: bool = False) -> Template:  # fmt: skip
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    ballot = await ballot_of(request, viewer, key)
    if ballot is None:
        return refused_page(request, viewer, "error.unavailable", 503)
    if isinstance(ballot, Outcome):
        forbidden = ballot.status == "forbidden"
        return render(request, "message.html", viewer, status=403 if forbidden else 404,
                      message=text("error.forbidden" if forbidden else "error.not_found",
                                   lang_of(request)), message_kind="error")  # fmt: skip
    url = request.url.path
    values = values if values is not None else _current_values(ballot)
    prefix = "content.explanations."
    typed = [name.removeprefix(prefix) for name in values if name.startswith(prefix)]
    asked = [p.path.removeprefix("$." + prefix) for p in problems
             if p.path.startswith("$." + prefix)]  # fmt: skip
    explain = dict.fromkeys(typed + asked)
    proxy = _proxy(viewer)
    if proxy and needs_step_up(Permission.PROXY, viewer.totp_at, CLOCK.now(),
                               request.app.state.step_up):  # fmt: skip
        step_up = True  # asked up front: the entry vouches for the commission
    return render(request, "protocol.html", viewer, ballot=ballot, check_url=url + "/check",
                  values=values, problems=problems, explain=list(explain), step_up=step_up,
                  form_key=str(uuid.uuid4()), store_key=url, proxy=proxy,
                  marked=marked(problems))  # fmt: skip


def marked(problems: tuple[Any, ...]) -> set[str]:
    """The fields the problems name, as the form's rows are marked (``$.<field>``)."""
    return {p.path.replace("$.content.", "$.") for p in problems}


def _proxy(viewer: Viewer) -> bool:
    """A coordinator's entry in a commission's form is proxy entry (operators enter their own
    precincts; nobody else may enter at all)."""
    return viewer.role == Role.COORDINATOR


@get(PROTOCOL_PATH, opt=PAGE, include_in_schema=False)
async def protocol_form(request: Request[Any, Any, Any], election: str, teryt: str,
                        precinct: int, contest: str, district: int,
                        round_number: int) -> Template:  # fmt: skip
    key = protocol_key(election, teryt, precinct, contest, district, round_number)
    return await _protocol_page(request, key)


@post(PROTOCOL_PATH, opt=PAGE, include_in_schema=False, status_code=200)
async def protocol_send(request: Request[Any, Any, Any], election: str, teryt: str,
                        precinct: int, contest: str, district: int,
                        round_number: int) -> Template:  # fmt: skip
    key = protocol_key(election, teryt, precinct, contest, district, round_number)
    form = await form_of(request)
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    if not csrf_valid(request, form):
        return refused_page(request, viewer, "error.csrf", 403)
    correcting = "reason" in form
    proxy = _proxy(viewer)
    if correcting or proxy:  # vouching for numbers: a fresh TOTP proof, as in the API
        permission = Permission.PROXY if proxy else Permission.CORRECT
        proof = await step_up_proof(request, viewer, permission, form)
        if proof is not None:
            return await _protocol_page(request, key, form, proof, step_up=True)
    document = nested(form)
    command: dict[str, Any] = {"key": key, "content": document.get("content", {})}
    if correcting:
        command |= {"reason": document.get("reason", ""),
                    "expected_version": document.get("expected_version")}  # fmt: skip
    subject = subjects.CORRECT if correcting else subjects.SUBMIT
    headers = command_headers(request, viewer, form.get(KEY_FIELD, ""), PROXY if proxy else ONLINE)
    reply = await ask(request, subject, command, headers)
    if reply is None:
        return await _protocol_page(request, key, form)
    outcome = msgspec.json.decode(reply, type=Outcome)
    if outcome.status != "accepted":
        return await _protocol_page(request, key, form, outcome.problems)
    changed = _changes(form) if correcting else []
    return render(request, "sent.html", viewer, outcome=outcome, store_key=request.url.path,
                  heading=text("protocol.sent", lang_of(request)), changed=changed)  # fmt: skip


def _changes(form: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, before, now) of every number a correction changed (the form carries what the
    page was drawn with as ``_was.<field>``)."""
    was = {name.removeprefix("_was."): value for name, value in form.items()
           if name.startswith("_was.")}  # fmt: skip
    return [(name.removeprefix("content."), was[name], value) for name, value in form.items()
            if name in was and was[name].strip() != value.strip()]  # fmt: skip


@post(PROTOCOL_PATH + "/check", opt=PAGE, include_in_schema=False, status_code=200)
async def protocol_check(request: Request[Any, Any, Any], election: str, teryt: str,
                         precinct: int, contest: str, district: int,
                         round_number: int) -> Response[Any]:  # fmt: skip
    """The server's judgement of what is typed so far (the rules live only on the server)."""
    key = protocol_key(election, teryt, precinct, contest, district, round_number)
    form = await form_of(request)
    viewer = await viewer_of(request)
    if viewer is None or not csrf_valid(request, form):
        return Response({"status": "forbidden"}, status_code=403)
    command = {"key": key, "content": nested(form).get("content", {})}
    reply = await ask(request, subjects.VALIDATE, command, command_headers(request, viewer, ""))
    if reply is None:
        return Response({"status": "failed"}, status_code=503)
    return Response(msgspec.json.decode(reply), status_code=200)


# Turnout.


@get(TURNOUT_PATH, opt=PAGE, include_in_schema=False)
async def turnout_form(request: Request[Any, Any, Any], election: str, teryt: str,
                       precinct: int, round_number: int,
                       hour: str = "12:00") -> Template:  # fmt: skip
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    if precinct not in viewer.precincts or teryt != viewer.gmina:
        return refused_page(request, viewer, "error.forbidden", 403)
    key = {"election": election, "teryt": teryt, "precinct": precinct, "round": round_number}
    return render(request, "turnout.html", viewer, key=key, hour=hour, values={},
                  form_key=str(uuid.uuid4()))  # fmt: skip


@post(TURNOUT_PATH, opt=PAGE, include_in_schema=False, status_code=200)
async def turnout_send(request: Request[Any, Any, Any], election: str, teryt: str,
                       precinct: int, round_number: int) -> Template:  # fmt: skip
    viewer = await viewer_of(request)
    if viewer is None:
        return render(request, "login.html", status=401)
    form = await form_of(request)
    if not csrf_valid(request, form):
        return refused_page(request, viewer, "error.csrf", 403)
    key = {"election": election, "teryt": teryt, "precinct": precinct, "round": round_number}
    report = nested(form).get("report", {})
    if isinstance(report.get("hour"), str) and re.fullmatch(r"\d\d:\d\d", report["hour"]):
        report["hour"] += ":00"  # the page shows 12:00; the API takes a full time
    reply = await ask(request, subjects.TURNOUT_REPORT, {"key": key, "report": report},
                       command_headers(request, viewer, form.get(KEY_FIELD, "")))  # fmt: skip
    outcome = msgspec.json.decode(reply, type=Outcome) if reply else None
    if outcome is None or outcome.status != "accepted":
        problems = outcome.problems if outcome else ()
        return render(request, "turnout.html", viewer, key=key, hour=report.get("hour", ""),
                      values=form, problems=problems, form_key=form.get(KEY_FIELD, ""),
                      status=403 if outcome and outcome.status == "forbidden" else 422)  # fmt: skip
    return render(request, "sent.html", viewer, outcome=outcome, store_key="",
                  heading=text("turnout.sent", lang_of(request)))  # fmt: skip


STATIC = create_static_files_router(path="/static", directories=[HERE / "static"], opt=PAGE,
                                    include_in_schema=False)  # fmt: skip
PAGES: Final[list[Any]] = [
    home, login_page, log_in, activate_page, activate, log_out, log_out_everywhere,
    choose_language, protocol_form, protocol_send, protocol_check, turnout_form, turnout_send,
    STATIC,
]  # fmt: skip
