"""The coordinator's election night in a real browser, against `tally serve` and a real
nats-server: the board follows an operator sending a protocol from another browser without a
reload; the coordinator confirms it by the control code from the paper; a blind second entry with
one different number is refused and names the field; an entry on a commission's behalf is marked
as proxy on the board and in the audit trail; a coordinator of another gmina, and an operator,
get 403. The example election's day is past, so what is missing is late."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import msgspec
import pytest

from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from services.gateway.web.live import HEARTBEAT_S
from tests.accounts import PASSWORD, Person, Team, code, created, team
from tests.browser.test_operator_in_the_browser import SIZE, _shot, _type_protocol
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
ELECTION = "przyklad-2026"
MAYOR = f"mayor:{GMINA}"
LIVE_S = 10


def _log_in(browser: Browser, url: str, person: Person) -> Page:
    """A browser of its own, logged in (with the next code: the API login used this one)."""
    page = browser.new_context(viewport=SIZE).new_page()
    page.goto(url + "/login")
    page.fill("input[name=login]", person.login)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", code(person.secret, 1))
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page


def test_the_coordinator_follows_and_confirms_the_night_from_the_board(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    estimates = standing_precincts()
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2, 3))
        try:
            board = _log_in(browser, serve.url, crew.coordinator)
            board.click(f"a[href='/board/{ELECTION}/{GMINA}']")
            board.wait_for_selector("#p-2")
            assert "spóźniony" in board.inner_text("#p-2 td[data-state=late]")
            board.evaluate("window.notReloaded = true")
            _shot(board, screenshots, "10-board-before")

            # An operator sends precinct 2's mayor protocol from another browser.
            operator = _log_in(browser, serve.url, crew.operator)
            operator.click(f"a[href*='/2/{MAYOR}/0/1']")
            operator.wait_for_selector("input[name='content.valid_votes']")
            _type_protocol(operator, mayor_protocol(estimates[2], 2))
            operator.click("button.send")
            operator.wait_for_selector("#control-code, .notice.error")
            assert operator.is_visible("#control-code"), operator.inner_text("main")
            control_code = operator.inner_text("#control-code").strip()

            board.wait_for_selector("#p-2 td.s-accepted", timeout=LIVE_S * 1000)
            assert board.evaluate("window.notReloaded") is True
            assert "Na żywo" in board.inner_text("#live")
            _shot(board, screenshots, "11-board-live")

            _confirm_by_code(board, control_code, screenshots)
            _blind_entry_with_one_difference(board, serve.url, crew, estimates, screenshots)
            _proxy_entry(board, serve.url, crew, estimates, screenshots)
            _filters(board, serve.url)
            _connection_lost(board, serve.url, screenshots)
            _outsiders(browser, serve.url, crew.admin, operator)
        finally:
            crew.close()


def _connection_lost(board: Page, url: str, folder: Path) -> None:
    """The stream ends (here: the session is logged out in another tab; the server ends the
    feed at its next heartbeat and refuses the reconnection): the board says the connection is
    lost, with the time and position of what it shows, and keeps showing it."""
    other = board.context.new_page()
    other.goto(url + "/")
    other.click("form[action='/logout'] button")
    board.wait_for_selector("#live.lost", timeout=4 * HEARTBEAT_S * 1000)
    assert "Połączenie utracone" in board.inner_text("#live")
    assert board.is_visible("#p-7")  # what it showed stays, filtered as it was
    _shot(board, folder, "17-board-lost")


def _confirm_by_code(board: Page, control_code: str, folder: Path) -> None:
    board.click("#p-2 th a")
    board.wait_for_selector("form[data-action=confirm]")
    _shot(board, folder, "12-precinct")
    form = board.locator(f"#protocol-{MAYOR.replace(':', '-')}-0 form[data-action=confirm]")
    form.locator("input[name=control_code]").fill(control_code.lower())  # as read, any case
    form.locator("button").click()
    board.wait_for_selector("text=Zapisano")
    state = board.inner_text(f"#protocol-{MAYOR.replace(':', '-')}-0 h2 .state")
    assert "potwierdzony" == state.strip()
    _shot(board, folder, "13-confirmed")


def _blind_entry_with_one_difference(board: Page, url: str, crew: Team,
                                     estimates: dict[int, int], folder: Path) -> None:  # fmt: skip
    content = mayor_protocol(estimates[3], 3)
    key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=3, contest=MAYOR)
    outcome = crew.operator.client.submit(key, content)
    assert "accepted" == outcome.status, outcome
    board.goto(f"{url}/board/{ELECTION}/{GMINA}/3")
    board.click("text=Potwierdź ponownym wprowadzeniem")
    board.wait_for_selector("input[name='content.valid_votes']")
    assert "" == board.input_value("input[name='content.valid_votes']")  # nothing stored shown
    typed = msgspec.structs.replace(content, ballots_unused=content.ballots_unused + 1)
    _type_protocol(board, typed)
    board.click("button.send")
    board.wait_for_selector(".notice.error")
    assert "NIE jest potwierdzony" in board.inner_text(".notice.error")
    assert "$.ballots_unused" in board.inner_text(".notice.error")
    marked = board.locator("tr.has-error")
    assert 1 == marked.count()
    assert "ballots_unused" == marked.get_attribute("data-field")
    _shot(board, folder, "14-blind-differs")
    board.goto(f"{url}/board/{ELECTION}/{GMINA}/3")
    form = board.locator(f"#protocol-{MAYOR.replace(':', '-')}-0 form[data-action=reject]")
    form.locator("textarea[name=reason]").fill("Protokół niezgodny z kopią papierową")
    form.locator("button").click()
    board.wait_for_selector("text=Zapisano")
    assert "odrzucony" in board.inner_text(f"#protocol-{MAYOR.replace(':', '-')}-0 h2 .state")


def _proxy_entry(board: Page, url: str, crew: Team, estimates: dict[int, int],
                 folder: Path) -> None:  # fmt: skip
    board.goto(f"{url}/board/{ELECTION}/{GMINA}/4")
    board.click(f"#protocol-{MAYOR.replace(':', '-')}-0 >> text=Wprowadź w imieniu komisji")
    board.wait_for_selector("#proxy-banner")
    _type_protocol(board, mayor_protocol(estimates[4], 4))
    _shot(board, folder, "15-proxy-form")
    board.click("button.send")
    board.wait_for_selector("#control-code, .notice.error")
    assert board.is_visible("#control-code"), board.inner_text("main")
    board.goto(f"{url}/board/{ELECTION}/{GMINA}/4")
    assert "wpis zastępczy" in board.inner_text("article.version .badge.proxy")
    board.goto(f"{url}/board/{ELECTION}/{GMINA}")
    board.wait_for_selector("#p-4 .badge.proxy")
    assert "odrzucony" in board.inner_text("#p-3 td.s-rejected")
    _shot(board, folder, "16-board-proxy")
    token = crew.coordinator.client.token
    trail = httpx.get(f"{url}/v1/audit", params={"gmina": GMINA, "precinct": "4"},
                      headers={"Authorization": f"Bearer {token}"}).json()["rows"]  # fmt: skip
    submitted = [r for r in trail if r["event"] == "protocol.submitted.v1"]
    assert [("proxy", "account:koordynator")] == [(r["channel"], r["actor"]) for r in submitted]


def _filters(board: Page, url: str) -> None:
    board.goto(f"{url}/board/{ELECTION}/{GMINA}")
    board.select_option("#f-state", "confirmed")
    assert board.is_visible("#p-2")
    assert not board.is_visible("#p-5")
    board.select_option("#f-state", "")
    board.fill("#f-q", "7")
    assert board.is_visible("#p-7")
    assert not board.is_visible("#p-2")
    assert "q=7" in board.url  # a filtered board can be shared as a link


def _outsiders(browser: Browser, url: str, admin: Person, operator: Page) -> None:
    stranger = created(admin, url, CreateAccount(login="obcy", role=Role.COORDINATOR,
                                                  display_name="Obcy", gmina="306499"))  # fmt: skip
    page = _log_in(browser, url, stranger)
    answer = page.goto(f"{url}/board/{ELECTION}/{GMINA}")
    assert answer is not None
    assert 403 == answer.status
    answer = page.goto(f"{url}/board/{ELECTION}/{GMINA}/2")
    assert answer is not None
    assert 403 == answer.status
    answer = operator.goto(f"{url}/board/{ELECTION}/{GMINA}")
    assert answer is not None
    assert 403 == answer.status
    stranger.client.close()
