"""The gmina's operators on the board: the registry (precincts, activated or not, locked, last
login), creating an operator, a reset (a new activation code; the account's sessions end) and an
unlock; each new code is shown once, on an activation slip to print and hand over.

Only whoever manages the gmina's accounts opens it (its coordinator, an admin); an auditor reads
the election, not the people's accounts. The accounts service decides again on every request.
"""

from __future__ import annotations

import re
from typing import Any, Final

import msgspec
from litestar import Request, get, post
from litestar.response import Template

from projections import progress
from schemas import subjects
from schemas.accounts import AuthAnswer, Permission
from schemas.views import ViewQuery
from services.apps.view_pages import ViewUnreadableError, every_row
from services.common.texts import text
from services.gateway.web.board_pages import BOARD_PATH, posted_form, supervisor
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, refused_page, render
from services.gateway.web.session import Viewer, command_headers, lang_of

OPERATORS_PATH: Final = BOARD_PATH + "/operators"
MANAGE: Final = Permission.MANAGE_ACCOUNTS
_RANGE: Final = re.compile(r"^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$")
SUBJECTS: Final = {"reset": subjects.RESET_ACCOUNT, "unlock": subjects.UNLOCK_ACCOUNT}


class PrecinctListError(ValueError):
    """The precincts field does not name precincts of the gmina; the message says which rule."""


def precinct_numbers(typed: str, known: frozenset[int]) -> tuple[int, ...]:
    """``"1, 3, 5-7"`` as ``(1, 3, 5, 6, 7)``; every number must be a precinct of the gmina
    (when the gmina's precincts are known)."""
    chosen: set[int] = set()
    for part in filter(str.strip, typed.split(",")):
        found = _RANGE.match(part)
        if found is None:
            raise PrecinctListError(f"'{part.strip()}' is not a number nor a range like 5-7")
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        if not 1 <= first <= last or last - first > 999:
            raise PrecinctListError(f"'{part.strip()}' is not a range of precinct numbers")
        chosen.update(range(first, last + 1))
    if not chosen:
        raise PrecinctListError("name at least one precinct")
    unknown = sorted(chosen - known) if known else []
    if unknown:
        raise PrecinctListError(f"no precinct {', '.join(map(str, unknown))} in this gmina")
    return tuple(sorted(chosen))


async def _known_precincts(request: Request[Any, Any, Any], election: str,
                           teryt: str) -> frozenset[int]:  # fmt: skip
    query = ViewQuery(view=progress.NAME, table=progress.PRECINCTS, prefix=f"{election}|{teryt}|")
    try:
        rows, _ = await every_row(request.app.state.bus.views, query)
    except ViewUnreadableError:
        return frozenset()  # the accounts service takes any number then; the page says nothing
    return frozenset(int(row["number"]) for row in rows)


async def _registry(request: Request[Any, Any, Any], viewer: Viewer,
                    teryt: str) -> AuthAnswer | None:  # fmt: skip
    reply = await ask(request, subjects.LIST_ACCOUNTS, {"gmina": teryt},
                      command_headers(request, viewer, ""))  # fmt: skip
    return msgspec.json.decode(reply, type=AuthAnswer) if reply else None


@get(OPERATORS_PATH, opt=PAGE, include_in_schema=False)
async def operators_page(request: Request[Any, Any, Any], election: str, teryt: str) -> Template:
    viewer = await supervisor(request, teryt, MANAGE)
    if isinstance(viewer, Template):
        return viewer
    return await _listing(request, viewer, election, teryt)


async def _listing(  # noqa: PLR0913 - the gmina and what the page says
    request: Request[Any, Any, Any], viewer: Viewer, election: str, teryt: str, *,
    message: str = "", problems: tuple[str, ...] = (), form: dict[str, str] | None = None,
    status: int = 200,
) -> Template:  # fmt: skip
    answer = await _registry(request, viewer, teryt)
    if answer is None or answer.registry is None:
        return refused_page(request, viewer, "error.unavailable", 503)
    known = await _known_precincts(request, election, teryt)
    return render(request, "operators.html", viewer, status=status, fmt=Format(lang_of(request)),
                  election=election, teryt=teryt, registry=answer.registry,
                  known_precincts=sorted(known), form=form or {}, message=message,
                  message_kind="error" if problems else "ok", problems=problems)  # fmt: skip


@post(OPERATORS_PATH, opt=PAGE, include_in_schema=False, status_code=200)
async def operators_action(request: Request[Any, Any, Any], election: str, teryt: str) -> Template:
    """``action``: ``create`` (login, name, precincts), ``reset`` or ``unlock`` (login)."""
    posted = await posted_form(request, teryt, MANAGE)
    if not isinstance(posted, tuple):
        return posted
    viewer, form = posted
    lang, action = lang_of(request), form.get("action", "")
    if action == "create":
        known = await _known_precincts(request, election, teryt)
        try:
            numbers = precinct_numbers(form.get("precincts", ""), known)
        except PrecinctListError as error:
            return await _listing(request, viewer, election, teryt, form=form, status=422,
                                  message=text("action.refused", lang),
                                  problems=(f"precincts: {error}",))  # fmt: skip
        body: dict[str, Any] = {
            "login": form.get("login", "").strip().lower(), "role": "operator", "gmina": teryt,
            "display_name": form.get("display_name", "").strip(), "precincts": numbers,
        }  # fmt: skip
        subject = subjects.CREATE_ACCOUNT
    elif action in SUBJECTS:
        body, subject = {"login": form.get("login", "")}, SUBJECTS[action]
    else:
        return refused_page(request, viewer, "error.forbidden", 400)
    reply = await ask(request, subject, body, command_headers(request, viewer, ""))
    answer = msgspec.json.decode(reply, type=AuthAnswer) if reply else None
    if answer is None or answer.status != "ok":
        reason = answer.reason if answer else text("error.unavailable", lang)
        return await _listing(request, viewer, election, teryt, form=form, status=422,
                              message=text("action.refused", lang), problems=(reason,))  # fmt: skip
    if answer.slip is not None:
        listed = await _registry(request, viewer, teryt)
        accounts = listed.registry.accounts if listed and listed.registry else ()
        account = next((a for a in accounts if a.login == answer.slip.login), None)
        return render(request, "activation_slip.html", viewer, fmt=Format(lang),
                      election=election, teryt=teryt, slip=answer.slip, account=account,
                      activate_url=str(request.base_url).rstrip("/") + "/activate")  # fmt: skip
    done = text("action.done", lang, what=text("operators.unlock", lang))
    return await _listing(request, viewer, election, teryt, message=done)


OPERATOR_PAGES: Final[list[Any]] = [operators_page, operators_action]
