"""A newcomer's path in a real browser, against `tally serve` and a real nats-server: the
coordinator creates the operator (as today), the operator activates the account in the page
(TOTP from the secret the page shows), logs in, sends a turnout report and a protocol typed with
the keyboard alone, sees the control code, and corrects the protocol. In Polish."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import msgspec
import pytest

from domain import totp
from schemas.accounts import CreateAccount, Role
from tests.accounts import PASSWORD, team
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = pytest.mark.slow
SIZE: ViewportSize = {"width": 1366, "height": 768}
TABLET: ViewportSize = {"width": 800, "height": 1280}


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_an_operator_activates_logs_in_and_sends_from_the_browser(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2,))
        try:
            answer = crew.coordinator.client.create_account(CreateAccount(
                login="nowa-operatorka", role=Role.OPERATOR, display_name="Nowa Operatorka",
                gmina=GMINA, precincts=(1,)))  # fmt: skip
            assert answer.slip is not None, answer
            page = browser.new_page(viewport=SIZE)
            _activate_and_log_in(page, serve.url, answer.slip.activation_code, screenshots)
            _report_turnout(page, screenshots)
            code = _send_protocol(page, serve.url, screenshots)
            _correct_protocol(page, serve.url, code, screenshots)
            page.close()
        finally:
            crew.close()


def _activate_and_log_in(page: Page, url: str, activation_code: str, folder: Path) -> None:
    page.goto(url + "/")
    assert "pl" == page.get_attribute("html", "lang")
    _shot(page, folder, "01-login")
    page.click("a[href='/activate']")
    page.fill("input[name=login]", "nowa-operatorka")
    page.fill("input[name=activation_code]", activation_code)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector(".qr svg")
    _shot(page, folder, "02-enrol")
    secret = page.inner_text(".secret code").strip()
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", totp.code_at(secret, totp.step_of(time.time())))
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Twoje obwody")
    _shot(page, folder, "03-home")


def _report_turnout(page: Page, folder: Path) -> None:
    page.click("a.chip >> nth=0")
    page.fill("input[name='report.eligible_voters']", "1200")
    page.press("input[name='report.eligible_voters']", "Enter")  # moves on, sends nothing
    page.keyboard.type("300")
    _shot(page, folder, "04-turnout")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert "Meldunek przyjęty" in page.content(), page.inner_text("main")


def _send_protocol(page: Page, url: str, folder: Path) -> str:
    """Typed with the keyboard alone; the server's rules warn while typing (R113: 1,200
    voters where the pre-election report said 851) and the page asks for the explanation."""
    page.goto(url + "/")
    page.click(f"a[href*='/mayor:{GMINA}/0/1']")
    page.wait_for_selector("input[name='content.valid_votes']")
    content = mayor_protocol(1200, 1)
    _type_protocol(page, content)
    page.reload()  # what was typed is kept in the browser until it is sent
    valid = page.locator("input[name='content.valid_votes']")
    assert str(content.valid_votes) == valid.input_value()
    valid.fill(str(content.valid_votes))  # typing again asks the server again
    explanation = page.locator("textarea[name='content.explanations.R113']")
    explanation.wait_for()
    _shot(page, folder, "05-protocol-warning")
    explanation.fill("Dopisano wyborców w dniu głosowania (przeniesieni z innego obwodu).")
    page.set_viewport_size(TABLET)  # the same form on a counting centre's tablet
    _shot(page, folder, "05-protocol-tablet")
    page.set_viewport_size(SIZE)
    page.click("button.send")
    page.wait_for_selector("#control-code")
    code = page.inner_text("#control-code").strip()
    assert re.fullmatch(r"[A-Z0-9-]{4,}", code), code
    _shot(page, folder, "06-sent")
    return code


def _correct_protocol(page: Page, url: str, code: str, folder: Path) -> None:
    """A correction starts from the current version and asks for the reason."""
    page.goto(url + "/")
    page.click(f"a[href*='/mayor:{GMINA}/0/1']")
    page.wait_for_selector("textarea[name=reason]")
    valid = mayor_protocol(1200, 1).valid_votes
    assert page.input_value("input[name='content.valid_votes']") == str(valid)
    # The one invalid vote had no mark at all, not two marks.
    page.fill("input[name='content.invalid_votes_multiple_marks']", "0")
    page.fill("input[name='content.invalid_votes_no_mark']", "1")
    page.fill("textarea[name=reason]", "pomyłka przy przepisywaniu")
    page.click("button.send")
    page.wait_for_selector("#control-code")
    assert page.inner_text("#control-code").strip() != code
    _shot(page, folder, "07-corrected")


def _type_protocol(page: Page, content: object) -> None:
    """Every number of the protocol with the keyboard alone: Enter moves to the next field."""
    inputs = page.locator("form#protocol input:not([type=hidden])")
    values = _values(content)
    inputs.first.focus()
    for index in range(inputs.count()):
        name = inputs.nth(index).get_attribute("name") or ""
        page.keyboard.type(values.get(name, "0"))
        page.keyboard.press("Enter")


def _values(content: object) -> dict[str, str]:
    document = msgspec.to_builtins(content)
    found = {f"content.{k}": str(v) for k, v in document.items() if isinstance(v, int)}
    for i, entry in enumerate(document.get("candidates", [])):
        found[f"content.candidates[{i}].votes"] = str(entry["votes"])
    return found
