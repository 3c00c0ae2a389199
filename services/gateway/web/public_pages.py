"""The public results screen of a gmina, ``/public/{election}/{teryt}``: for the projector in the
commission's room and the gmina's website. No login and no personal data: how many protocols
have come in per contest, and each local contest's result, provisional (labelled unofficial)
until the commission establishes it. Before the round's polls close it shows nothing but when
results will come (the results desk refuses to say more, whoever asks).

Served with ``Cache-Control: public, max-age=5`` and an ETag, from ``PublicScreens``: built once
per change, so a thousand viewers cost the server no more than one. The page refreshes itself
(``public.js``: a conditional request every 10 seconds, swapping the screen when it changed).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Final

import msgspec
from litestar import Request, Response, get
from litestar.params import QueryParameter

from domain.clock import to_warsaw
from projections.board import board, plan
from schemas import subjects
from schemas.results import DistrictResult, PublicResult, Standing
from schemas.views import ViewQuery
from services.apps.board_reader import BoardReader
from services.apps.view_pages import ViewUnreadableError, every_row
from services.common.texts import LANGUAGES, TEXTS, text
from services.gateway.bus import ServiceUnavailableError
from services.gateway.web.board_view import Format
from services.gateway.web.pages import PAGE
from services.gateway.web.session import lang_of

if TYPE_CHECKING:
    from services.gateway.web.public_screen import PublicScreens, Screen

PUBLIC_PATH: Final = "/public/{election:str}/{teryt:str}"
LOCAL: Final = frozenset({"mayor", "council"})
"""Contests a gmina's commission establishes: their results are on the screen; the others'
progress only (the PKW publishes those)."""
CACHE: Final = "public, max-age=5"


@get(PUBLIC_PATH, opt=PAGE, include_in_schema=False)
async def public_screen(
    request: Request[Any, Any, Any], election: str, teryt: str,
    round_number: Annotated[int | None, QueryParameter(name="round")] = None,
    chosen: Annotated[str | None, QueryParameter(name="lang")] = None,
) -> Response[bytes]:  # fmt: skip
    """``?lang=en`` for English (a projector's address says it once); else the browser's
    choice, Polish by default."""
    lang = chosen if chosen in LANGUAGES else lang_of(request)
    screens: PublicScreens = request.app.state.public_screens

    async def read() -> tuple[bytes, Any]:
        return await _read(request, election, teryt, round_number, lang)

    try:
        screen = await screens.screen((election, teryt, f"{lang}|{round_number}"), read)
    except ViewUnreadableError:
        return Response(text("error.unavailable", lang).encode(), status_code=503,
                        media_type="text/plain", headers={"Retry-After": "5"})  # fmt: skip
    return _answer(request, screen)


def _answer(request: Request[Any, Any, Any], screen: Screen) -> Response[bytes]:
    headers = {"Cache-Control": CACHE, "ETag": screen.etag, "Vary": "Cookie"}
    if request.headers.get("if-none-match") == screen.etag:
        return Response(b"", status_code=304, headers=headers)
    return Response(screen.body, media_type="text/html; charset=utf-8", headers=headers)


async def _read(request: Request[Any, Any, Any], election: str, teryt: str,
                round_number: int | None, lang: str) -> tuple[bytes, Any]:  # fmt: skip
    """What the screen shows (positions left out, so only a change here changes it) and its
    renderer."""
    rows = await BoardReader(request.app.state.bus.views).read(election, teryt)
    chosen = plan(rows, round_number)
    now = dt.datetime.now(dt.UTC)
    closes = chosen.due.polls_close
    opened = closes is not None and now >= closes
    shown: dict[str, Any] = {
        "lang": lang, "name": rows.name, "round": chosen.round, "rounds": chosen.rounds,
        "opened": opened, "closes": closes.isoformat() if closes else "",
        "progress": [], "contests": [],
    }  # fmt: skip
    if opened:
        summary = board(election, teryt, rows, now, chosen.round)
        shown["progress"] = [_progress(s) for s in summary.contests]
        for row in chosen.expected:
            if row["kind"] in LOCAL:
                key = {"election": election, "contest": row["contest"], "round": chosen.round}
                found = await _result(request, key)
                votes = (
                    await _mayor_votes(request, key, teryt, found) if row["kind"] == "mayor" else {}
                )
                shown["contests"].append(_public(row, found, votes))
    canonical = msgspec.json.encode(shown)

    def render(built_at: float) -> bytes:
        when = to_warsaw(dt.datetime.fromtimestamp(built_at, dt.UTC))
        engine = request.app.template_engine
        assert engine is not None  # the app is made with its templates
        page = engine.get_template("public.html").render(
            t=lambda key, **fields: text(key, lang, **fields), fmt=Format(lang), lang=lang,
            known=TEXTS, election=election, teryt=teryt, built=f"{when:%H:%M:%S}",
            closes=_local(shown["closes"]),
            **{k: v for k, v in shown.items() if k not in ("closes", "lang")},
        )  # fmt: skip
        return str(page).encode()

    return canonical, render


async def _result(request: Request[Any, Any, Any], key: dict[str, Any]) -> PublicResult | None:
    try:
        reply = await request.app.state.bus.request(
            subjects.GET_PUBLIC_RESULT, msgspec.json.encode({"key": key}), {}
        )
    except ServiceUnavailableError:
        return None  # no answer now: the contest shows without its result until the next read
    found = msgspec.json.decode(reply)
    if "opened" not in found:
        return None  # refused (no such contest or round): nothing to show for this contest
    return msgspec.convert(found, PublicResult)


def _progress(summary: Any) -> dict[str, Any]:
    missing = summary.counts.get("missing", 0) + summary.counts.get("late", 0)
    return {"contest": summary.contest, "kind": summary.kind, "expected": summary.expected,
            "received": summary.expected - missing}  # fmt: skip


async def _mayor_votes(request: Request[Any, Any, Any], key: dict[str, Any], teryt: str,
                       found: PublicResult | None) -> dict[str, int]:  # fmt: skip
    """A mayor's votes per candidate (``c.<position>``) and valid votes, from the tally of the
    protocols the result counts (a mayor's result says who, not how many votes)."""
    if found is None or found.result is None:
        return {}
    flavour = "confirmed" if found.state == "established" else "accepted"
    query = ViewQuery(view="tally", table="tallies",
                      prefix=f"{flavour}|{key['election']}|{key['contest']}|",
                      where={"round": key["round"], "level": "gmina", "code": teryt})  # fmt: skip
    rows, _ = await every_row(request.app.state.bus.views, query)
    numbers: dict[str, int] = rows[0]["numbers"] if rows else {}
    return numbers


def _public(contest: dict[str, Any], found: PublicResult | None,
            votes: dict[str, int]) -> dict[str, Any]:  # fmt: skip
    """A contest as the screen shows it: names resolved, positions dropped; a mayor's candidates
    as one district of their votes."""
    if found is None or found.result is None:
        return {"contest": contest["contest"], "kind": contest["kind"], "result": None}
    result, names = found.result, found.names
    if result.mayor is not None:
        valid = votes.get("valid_votes", 0)
        standing = [Standing(id=name, name=name, votes=votes.get(name, 0))
                    for name in names if name.startswith("c.")]  # fmt: skip
        district = DistrictResult(district=0, seats=1, valid_votes=valid,
                                  standing=tuple(standing), elected=())  # fmt: skip
        result = msgspec.structs.replace(result, districts=(district,))
    districts = [{
        "district": d.district, "seats": d.seats, "valid_votes": d.valid_votes,
        "standing": [{"name": names.get(s.id, s.name), "votes": s.votes, "seats": s.seats,
                      "share": round(100 * s.votes / d.valid_votes, 2) if d.valid_votes else 0.0,
                      "passed": s.passed}
                     for s in sorted(d.standing, key=lambda s: -s.votes)],
        "elected": [names.get(e.id, e.name) for e in d.elected],
    } for d in result.districts]  # fmt: skip
    mayor = None
    if result.mayor is not None:
        m = result.mayor
        mayor = {"decision": m.decision, "elected": names.get(m.elected, m.elected),
                 "runoff": [names.get(r, r) for r in m.runoff]}  # fmt: skip
    return {"contest": contest["contest"], "kind": contest["kind"], "state": found.state,
            "counted": result.precincts_counted, "expected": result.precincts_expected,
            "districts": districts, "mayor": mayor}  # fmt: skip


def _local(instant: str) -> str:
    if not instant:
        return ""
    return f"{to_warsaw(dt.datetime.fromisoformat(instant)):%d.%m.%Y %H:%M}"


PUBLIC_PAGES: Final[list[Any]] = [public_screen]
