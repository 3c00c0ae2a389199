"""A gmina's results on the coordinator's board: for each local contest the provisional result
(accepted protocols) with each list's distance to the next seat, or the result as established;
establishing, reopening and recording a lot from the page (each asks for a fresh code from the
app, as the API's step-up does). Every result says the log position it was computed at."""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from domain.authorization import needs_step_up
from projections.board import plan
from schemas import subjects
from schemas.accounts import Permission
from schemas.ballots import Ballot
from schemas.commands import Outcome
from schemas.results import ContestResult, ResultState
from services.apps.board_reader import BoardReader
from services.apps.view_pages import ViewUnreadableError
from services.common.texts import text
from services.gateway.web.board_pages import BOARD_PATH, posted_form, supervisor
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE, ask, refused_page, render, step_up_proof
from services.gateway.web.session import CLOCK, KEY_FIELD, Viewer, command_headers, lang_of

NATIONAL: Final = frozenset({"president", "senate"})
"""Results the PKW establishes: the board shows their progress only."""
Answer = ContestResult | ResultState | Outcome
ACTIONS: Final = {
    "establish": (subjects.ESTABLISH_RESULT, "results.establish"),
    "reopen": (subjects.REOPEN_RESULT, "results.reopen"),
    "lot": (subjects.DRAW_LOT, "results.record_lot"),
}


@get(BOARD_PATH + "/results", opt=PAGE, include_in_schema=False)
async def results_page(request: Request[Any, Any, Any], election: str, teryt: str,
                       round_number: Annotated[int | None, QueryParameter(name="round")] = None,
                       ) -> Template:  # fmt: skip
    viewer = await supervisor(request, teryt)
    if isinstance(viewer, Template):
        return viewer
    return await _results(request, viewer, election, teryt, round_number)


async def _results(  # noqa: PLR0913 - the gmina, the round and what the page says
    request: Request[Any, Any, Any], viewer: Viewer, election: str, teryt: str,
    round_number: int | None, *, message: str = "", problems: tuple[Any, ...] = (),
    status: int = 200,
) -> Template:  # fmt: skip
    try:
        rows = await BoardReader(request.app.state.bus.views).read(election, teryt)
    except ViewUnreadableError:
        return refused_page(request, viewer, "error.unavailable", 503)
    chosen = plan(rows, round_number)
    headers = command_headers(request, viewer, "")
    contests: list[tuple[dict[str, Any], Answer | None, Answer | None]] = []
    names: dict[str, dict[str, str]] = {}
    for row in chosen.expected:
        if row["kind"] in NATIONAL:
            contests.append((row, None, None))
            continue
        key = {"election": election, "contest": row["contest"], "round": chosen.round}
        now = await _query(request, {"key": key, "flavour": "accepted"}, headers)
        recorded = await _query(request, {"key": key, "flavour": "established"}, headers)
        contests.append((row, now, recorded))
        if row["kind"] == "mayor" and row["slots"]:
            names[row["contest"]] = await _candidates(request, key, row["slots"][0], teryt,
                                                      headers)  # fmt: skip
    fresh = not needs_step_up(Permission.ESTABLISH, viewer.totp_at, CLOCK.now(),
                              request.app.state.step_up)  # fmt: skip
    return render(request, "results.html", viewer, status=status, fmt=Format(lang_of(request)),
                  election=election, teryt=teryt, round=chosen.round, rounds=chosen.rounds,
                  contests=contests, names=names, code_fresh=fresh, message=message,
                  message_kind="error" if problems else "ok", problems=problems,
                  form_key=f"{election}-{teryt}-{chosen.round}")  # fmt: skip


async def _query(request: Request[Any, Any, Any], query: dict[str, Any],
                 headers: dict[str, str]) -> Answer | None:  # fmt: skip
    reply = await ask(request, subjects.GET_RESULT, query, headers)
    if reply is None:
        return None
    found = msgspec.json.decode(reply)
    if "districts" in found:
        return msgspec.convert(found, ContestResult)
    if "state" in found and "key" in found:
        return msgspec.convert(found, ResultState)
    return msgspec.convert(found, Outcome)


async def _candidates(request: Request[Any, Any, Any], key: dict[str, Any], slot: str,
                      teryt: str, headers: dict[str, str]) -> dict[str, str]:  # fmt: skip
    """A mayor's candidates by id (``c.<position>``), from the ballot of one of its precincts
    (a mayor's result names them by ballot position only)."""
    precinct, district = slot.split("/")
    ballot_key = key | {"teryt": teryt, "precinct": int(precinct), "district": int(district)}
    reply = await ask(request, subjects.GET_BALLOT, ballot_key, headers)
    if reply is None or b'"candidates"' not in reply:
        return {}
    ballot = msgspec.json.decode(reply, type=Ballot)
    return {f"c.{entry.position}": entry.name for entry in ballot.candidates}


@post(BOARD_PATH + "/results/{action:str}", opt=PAGE, include_in_schema=False, status_code=200)
async def result_action(request: Request[Any, Any, Any], election: str, teryt: str,
                        action: str) -> Template:  # fmt: skip
    posted = await posted_form(request, teryt)
    if not isinstance(posted, tuple):
        return posted
    viewer, form = posted
    if action not in ACTIONS:
        return refused_page(request, viewer, "error.not_found", 404)
    subject, label = ACTIONS[action]
    round_number = int(form.get("round", "1") or 1)
    lang = lang_of(request)
    proof = await step_up_proof(request, viewer, Permission.ESTABLISH, form)
    if proof is not None:
        return await _results(request, viewer, election, teryt, round_number,
                              message=text("stepup.title", lang), problems=proof,
                              status=403)  # fmt: skip
    key = {"election": election, "contest": form.get("contest", ""), "round": round_number}
    body: dict[str, Any] = {"key": key, "reason": form.get("reason", "").strip()}
    if action == "lot":
        body = {"key": key, "district": int(form.get("district", "0") or 0),
                "among": [a for a in form.get("among", "").split("|") if a],
                "drawn": [form.get("drawn", "")],
                "drawn_by": form.get("drawn_by", "").strip()}  # fmt: skip
    reply = await ask(request, subject, body,
                      command_headers(request, viewer, form.get(KEY_FIELD, "")))  # fmt: skip
    outcome = msgspec.json.decode(reply, type=Outcome) if reply else None
    if outcome is None or outcome.status != "accepted":
        return await _results(request, viewer, election, teryt, round_number,
                              message=text("action.refused", lang),
                              problems=outcome.problems if outcome else (), status=422)  # fmt: skip
    done = text("action.done", lang, what=text(label, lang))
    return await _results(request, viewer, election, teryt, round_number, message=done)


RESULT_PAGES: Final[list[Any]] = [results_page, result_action]
