"""The gmina's operators from the board, in a real browser on `tally serve` and a real
nats-server: the registry, an operator created (a wrong precinct refused by name), the printed
slip's code activating the account, a locked operator unlocked, a reset; and what a coordinator
and an operator may not open."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest

from services.tools.client import TallyClient
from tests.accounts import activate, team
from tests.browser.test_coordinator_board import ELECTION, _log_in
from tests.browser.test_operator_in_the_browser import _shot
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
FAST = {"TALLY_LOGIN_BACKOFF_S": "0.01"}
OTHER_GMINA = "306499"


def _status(page: Page, login: str) -> str:
    return page.get_attribute(f"[id='account-{login}']", "data-status") or ""


def test_operators_are_created_unlocked_and_reset_from_the_board(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    with running_serve(tmp_path, **FAST) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2,))
        try:
            page = _log_in(browser, serve.url, crew.coordinator)
            page.goto(f"{serve.url}/board/{ELECTION}/{GMINA}")
            page.click("text=Operatorzy")
            page.wait_for_selector("#account-operator")
            assert "active" == _status(page, "operator")
            assert "2" == page.inner_text("#account-operator td:nth-of-type(3)")
            _create_with_a_slip(page, serve.url, screenshots)

            # Ten wrong logins lock the operator; the registry says so; the coordinator unlocks.
            _lock_out(serve.url)
            page.goto(f"{serve.url}/board/{ELECTION}/{GMINA}/operators")
            for _ in range(50):  # the lock is recorded just after the tenth answer
                if "locked" == _status(page, "operator"):
                    break
                page.wait_for_timeout(100)
                page.reload()
            assert "locked" == _status(page, "operator")
            assert "active" == _status(page, "nowa.operatorka")
            _shot(page, screenshots, "31-operators-locked")
            page.click("#account-operator button[value=unlock]")
            page.wait_for_selector("text=Zapisano")
            assert "active" == _status(page, "operator")
            page.click("#account-operator button[value=reset]")
            page.wait_for_selector("#slip")
            assert re.fullmatch(r"\S+", page.inner_text("#slip .code code"))
            page.goto(f"{serve.url}/board/{ELECTION}/{GMINA}/operators")
            assert "pending-activation" == _status(page, "operator")
            _shot(page, screenshots, "32-operators-registry")
            # The coordinator has no reset for another coordinator.
            assert 0 == page.locator("#account-koordynator button").count()
        finally:
            crew.close()


def test_a_coordinator_and_an_operator_open_only_what_is_theirs(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2,))
        try:
            coordinator = _log_in(browser, serve.url, crew.coordinator)
            _refused(coordinator, serve.url, f"/board/{ELECTION}/{OTHER_GMINA}",
                     f"/board/{ELECTION}/{OTHER_GMINA}/operators",
                     f"/board/{ELECTION}/{OTHER_GMINA}/alerts",
                     f"/board/{ELECTION}/{OTHER_GMINA}/results",
                     f"/board/{ELECTION}/{OTHER_GMINA}/2")  # fmt: skip
            operator = _log_in(browser, serve.url, crew.operator)
            _refused(operator, serve.url, f"/board/{ELECTION}/{GMINA}",
                     f"/board/{ELECTION}/{GMINA}/operators", f"/board/{ELECTION}/{GMINA}/alerts",
                     f"/protocols/{ELECTION}/{GMINA}/3/mayor:{GMINA}/0/1")  # fmt: skip
            _shot(operator, screenshots, "33-operator-refused")
            own = operator.goto(f"{serve.url}/protocols/{ELECTION}/{GMINA}/2/mayor:{GMINA}/0/1")
            assert own is not None
            assert 200 == own.status
        finally:
            crew.close()


def _refused(page: Page, url: str, *paths: str) -> None:
    for path in paths:
        answer = page.goto(url + path)
        assert answer is not None
        assert 403 == answer.status, path


def _create_with_a_slip(page: Page, url: str, screenshots: Path) -> None:
    """A precinct the gmina does not have is refused, naming the field, and the form keeps what
    was typed; then the operator is created and the slip's code activates the account."""
    form = "#create-operator"
    page.fill(f"{form} input[name=login]", "nowa.operatorka")
    page.fill(f"{form} input[name=display_name]", "Anna Nowak")
    page.fill(f"{form} input[name=precincts]", "4, 99")
    page.click(f"{form} button[type=submit]")
    assert "precincts: no precinct 99 in this gmina" in page.inner_text("[role=alert] ul")
    assert "Anna Nowak" == page.input_value(f"{form} input[name=display_name]")
    page.fill(f"{form} input[name=precincts]", "4-5")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#slip")
    slip = page.inner_text("#slip")
    assert "nowa.operatorka" in slip
    assert "Anna Nowak" in slip
    assert "4, 5" in slip
    _shot(page, screenshots, "30-activation-slip")
    code = page.inner_text("#slip .code code")
    newcomer = activate(url, "nowa.operatorka", code)  # the slip works
    newcomer.client.close()


def _lock_out(url: str) -> None:
    """Ten wrong logins (a guesser's) lock the operator."""
    guesser = TallyClient(url)
    for _ in range(12):
        answer = guesser.login("operator", "zgadywane hasło", "000000")
        while answer.status == "throttled":
            time.sleep(0.05)
            answer = guesser.login("operator", "zgadywane hasło", "000000")
    guesser.close()
