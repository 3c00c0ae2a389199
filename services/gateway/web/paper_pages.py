"""Paper from the board: a link per precinct, protocol, district and contest to its PDF (the same
data and the same rendering as ``tally print``), the activation slips of the operators not yet
activated, and the page a scanned protocol code opens.

The scan page compares the paper's code and numbers (``domain.paper_code``) with the stored
versions and, on a match, offers the confirmation: opening it (a phone following the QR code's
link, or a handheld scanner typing into the board's field) never confirms anything by itself;
the logged-in coordinator does, with the usual fresh code from the app.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar
from urllib.parse import quote

import msgspec
from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from domain import paper_code
from domain.authorization import needs_step_up
from domain.controlcode import canonical_numbers
from schemas import subjects
from schemas.accounts import AuthAnswer, Permission
from schemas.commands import Outcome, ProtocolView
from schemas.paper import PaperPrecincts, ProtocolsPaper, ResultsPaper
from services.common.texts import text
from services.gateway.web.board_pages import BOARD_PATH, posted_form, supervisor
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, render
from services.gateway.web.session import CLOCK, Viewer, command_headers, lang_of, viewer_of
from services.paper.gmina import NothingToPrintError, gmina_templates
from services.paper.render import protocols_pdf, results_pdf, slips_pdf
from services.paper.slips import awaiting_slips, slips_paper

if TYPE_CHECKING:
    from schemas.accounts import ActivationSlip, RegisteredAccount

PAPER_PATH: Final = BOARD_PATH + "/paper"
ROUND: Final = QueryParameter(name="round")
T = TypeVar("T")


class _RefusedError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _pdf(pdf: bytes, name: str) -> Response[bytes]:
    headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"}
    return Response(pdf, media_type="application/pdf", headers=headers)


def _message(request: Request[Any, Any, Any], viewer: Viewer, message: str,
             status: int) -> Template:  # fmt: skip
    return render(request, "message.html", viewer, status=status, message=message,
                  message_kind="error")  # fmt: skip


async def _query(request: Request[Any, Any, Any], viewer: Viewer, subject: str, body: Any,
                 kind: type[T]) -> T:  # fmt: skip
    """The command service's answer as ``kind``; ``_RefusedError`` naming what it refused."""
    reply = await ask(request, subject, body, command_headers(request, viewer, ""))
    lang = lang_of(request)
    if reply is None:
        raise _RefusedError(text("error.unavailable", lang), 503)
    found = msgspec.json.decode(reply)
    if isinstance(found, dict) and "status" in found and "problems" in found:
        outcome = msgspec.convert(found, Outcome)
        said = "; ".join(p.message for p in outcome.problems) or outcome.status
        status = {"forbidden": 403, "unavailable": 503}.get(outcome.status, 404)
        raise _RefusedError(f"{text('paper.refused', lang)} {said}", status)
    return msgspec.convert(found, kind)


async def _rendered(render_pdf: Any, *args: Any) -> bytes:
    """Typst releases the interpreter while it compiles: the event loop goes on meanwhile."""
    pdf: bytes = await asyncio.to_thread(render_pdf, *args)
    return pdf


@get(PAPER_PATH + "/templates", opt=PAGE, include_in_schema=False)
async def templates_pdf(
    request: Request[Any, Any, Any], election: str, teryt: str, precinct: int | None = None,
    contest: str = "", district: int | None = None,
    round_number: Annotated[int, ROUND] = 1,
) -> Response[bytes] | Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    try:
        if precinct is not None:
            numbers: tuple[int, ...] = (precinct,)
        else:
            found = await _query(request, viewer, subjects.PAPER_PRECINCTS,
                                 {"key": {"election": election, "teryt": teryt}},
                                 PaperPrecincts)  # fmt: skip
            numbers = found.numbers

        async def one(number: int) -> ProtocolsPaper:
            place = {"election": election, "teryt": teryt, "precinct": number,
                     "round": round_number}  # fmt: skip
            body = {"key": place, "contest": contest, "district": district,
                    "gmina_wide": precinct is None}  # fmt: skip
            return await _query(request, viewer, subjects.PAPER_TEMPLATES, body, ProtocolsPaper)

        paper = await gmina_templates(numbers, one)
    except _RefusedError as refused:
        return _message(request, viewer, str(refused), refused.status)
    except NothingToPrintError as nothing:
        return _message(request, viewer, f"{text('paper.refused', lang_of(request))} {nothing}",
                        404)  # fmt: skip
    pdf = await _rendered(protocols_pdf, paper, request.app.state.public_url)
    suffix = f"-{precinct}" if precinct is not None else ""
    return _pdf(pdf, f"szablony-{teryt}{suffix}-tura{round_number}.pdf")


@get(PAPER_PATH + "/protocol/{precinct:int}/{contest:str}/{district:int}/{round_number:int}",
     opt=PAGE, include_in_schema=False)  # fmt: skip
async def protocol_pdf(  # noqa: PLR0913, PLR0917 - the protocol's key
    request: Request[Any, Any, Any], election: str, teryt: str, precinct: int, contest: str,
    district: int, round_number: int, version: int | None = None,
) -> Response[bytes] | Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    key = {"election": election, "teryt": teryt, "precinct": precinct, "contest": contest,
           "district": district, "round": round_number}  # fmt: skip
    try:
        paper = await _query(request, viewer, subjects.PAPER_PROTOCOL,
                             {"key": key, "version": version}, ProtocolsPaper)  # fmt: skip
    except _RefusedError as refused:
        return _message(request, viewer, str(refused), refused.status)
    pdf = await _rendered(protocols_pdf, paper, request.app.state.public_url)
    number = paper.documents[0].version if paper.documents else version
    return _pdf(pdf, f"protokol-{teryt}-{precinct}-{contest.replace(':', '-')}-{district}-"
                     f"tura{round_number}-v{number}.pdf")  # fmt: skip


@get(PAPER_PATH + "/results/{contest:str}", opt=PAGE, include_in_schema=False)
async def results_protocol_pdf(request: Request[Any, Any, Any], election: str, teryt: str,
                               contest: str, round_number: Annotated[int, ROUND] = 1,
                               ) -> Response[bytes] | Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    body = {"key": {"election": election, "contest": contest, "round": round_number}}
    try:
        paper = await _query(request, viewer, subjects.PAPER_RESULTS, body, ResultsPaper)
    except _RefusedError as refused:
        return _message(request, viewer, str(refused), refused.status)
    pdf = await _rendered(results_pdf, paper)
    return _pdf(pdf, f"wyniki-{contest.replace(':', '-')}-tura{round_number}.pdf")


@post(PAPER_PATH + "/slips", opt=PAGE, include_in_schema=False, status_code=200)
async def slips_document(request: Request[Any, Any, Any], election: str,
                         teryt: str) -> Response[bytes] | Template:  # fmt: skip
    """Fresh codes for the gmina's operators not activated yet (each a reset by this coordinator,
    recorded); the PDF is the only place the codes exist."""
    del election
    posted = await posted_form(request, teryt, Permission.MANAGE_ACCOUNTS)
    if not isinstance(posted, tuple):
        return posted
    viewer, _ = posted
    lang = lang_of(request)
    listed = await _auth(request, viewer, subjects.LIST_ACCOUNTS, {"gmina": teryt})
    if listed is None or listed.registry is None:
        return _message(request, viewer, text("error.unavailable", lang), 503)
    issued: list[tuple[RegisteredAccount, ActivationSlip]] = []
    for account in awaiting_slips(listed.registry.accounts, teryt):
        answer = await _auth(request, viewer, subjects.RESET_ACCOUNT, {"login": account.login})
        if answer is not None and answer.slip is not None:
            issued.append((account, answer.slip))
    if not issued:
        return _message(request, viewer, text("paper.no_slips", lang), 404)
    base = request.app.state.public_url or str(request.base_url).rstrip("/")
    paper = slips_paper(issued, unit=teryt, activate_url=f"{base}/activate", now=CLOCK.now())
    return _pdf(await _rendered(slips_pdf, paper), f"karty-aktywacyjne-{teryt}.pdf")


async def _auth(request: Request[Any, Any, Any], viewer: Viewer, subject: str,
                body: dict[str, Any]) -> AuthAnswer | None:  # fmt: skip
    reply = await ask(request, subject, body, command_headers(request, viewer, ""))
    return msgspec.json.decode(reply, type=AuthAnswer) if reply else None


# The scanned code.


@get(paper_code.SCAN_PATH, opt=PAGE, include_in_schema=False)
async def scan_page(request: Request[Any, Any, Any],
                    c: Annotated[str, QueryParameter(name=paper_code.LINK_PARAMETER)] = "",
                    ) -> Template | Redirect:  # fmt: skip
    viewer = await viewer_of(request)
    if viewer is None:
        here = f"{paper_code.SCAN_PATH}?{paper_code.LINK_PARAMETER}={quote(c, safe='|/:,-')}"
        return render(request, "login.html", status=401, next=here)
    lang = lang_of(request)
    try:
        scanned = paper_code.read(c)
    except paper_code.PaperCodeError as error:
        return render(request, "scan.html", viewer, status=422, scanned=None, problem=str(error),
                      fmt=Format(lang))  # fmt: skip
    key = scanned.key
    checked = await supervisor(request, key.teryt)
    if isinstance(checked, Template):
        return checked
    try:
        view = await _query(request, viewer, subjects.GET_PROTOCOL,
                            msgspec.to_builtins(key), ProtocolView)  # fmt: skip
    except _RefusedError as refused:
        return _message(request, viewer, str(refused), refused.status)
    stored = [paper_code.StoredVersion(version=v.version, control_code=v.control_code,
                                       numbers=tuple(canonical_numbers(v.content)))
              for v in view.versions]  # fmt: skip
    found = paper_code.verdict(scanned, stored)
    fresh = not needs_step_up(Permission.CONFIRM, viewer.totp_at, CLOCK.now(),
                              request.app.state.step_up)  # fmt: skip
    return render(request, "scan.html", viewer, scanned=scanned, verdict=found, view=view,
                  key_text=paper_code.key_text(key), fmt=Format(lang), code_fresh=fresh,
                  form_key=str(uuid.uuid4()),
                  differences=[(Format(lang).number(flat_name(name)), paper, mine)
                               for name, paper, mine in found.differences])  # fmt: skip


def flat_name(name: str) -> str:
    """A canonical number's name (``controlcode.canonical_numbers``) as the views spell it
    (``Format.number`` labels those): ``candidate.3`` -> ``c.3``, ``list.2.total`` -> ``l.2``,
    ``list.2.candidate.5`` -> ``l.2.5``."""
    parts = name.split(".")
    if parts[0] == "candidate":
        return f"c.{parts[1]}"
    if parts[0] == "list" and parts[-2] == "candidate":
        return f"l.{parts[1]}.{parts[-1]}"
    if parts[0] == "list" and parts[-1] == "total":
        return f"l.{parts[1]}"
    return name


PAPER_PAGES: Final[list[Any]] = [templates_pdf, protocol_pdf, results_protocol_pdf,
                                 slips_document, scan_page]  # fmt: skip
