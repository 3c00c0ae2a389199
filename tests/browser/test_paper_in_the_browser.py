"""Paper from the board, in a real browser on `tally serve`: the draft printed from a precinct's
page, its QR code scanned into the board's field (a handheld scanner types it) and confirmed on
a match; a paper with a changed number shown with the difference and no confirmation; a phone
opening the printed link logs in first and lands on the comparison, which confirms nothing by
itself; the gmina's templates, a results draft and the operators' slips as PDFs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from domain import paper_code
from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from tests.accounts import PASSWORD, Team, code, team
from tests.browser.test_coordinator_board import ELECTION, _log_in
from tests.browser.test_operator_in_the_browser import _shot
from tests.gateway import running_serve
from tests.integration.test_paper import needs_tools, pdf_text, qr_codes
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
MAYOR = f"mayor:{GMINA}"
PUBLIC_URL = "https://wybory.example.test"
PDF = "application/pdf"


def _pdf(page: Page, href: str, out: Path) -> Path:
    """A linked PDF fetched with the page's own session, as the browser would open it."""
    response = page.request.get(href)
    assert response.ok, response.status
    assert PDF == response.headers["content-type"]
    out.write_bytes(response.body())
    return out


def test_a_draft_printed_from_the_board_is_scanned_back_and_confirmed(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    needs_tools()
    with running_serve(tmp_path, TALLY_PUBLIC_URL=PUBLIC_URL) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2,))
        try:
            key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=2, contest=MAYOR)
            outcome = crew.operator.client.submit(key, mayor_protocol(standing_precincts()[2], 2))
            assert "accepted" == outcome.status, outcome
            board = _log_in(browser, serve.url, crew.coordinator)
            board.goto(f"{serve.url}/board/{ELECTION}/{GMINA}/2")
            link = board.locator("a.pdf", has_text="Wydruk kontrolny wersji 1")
            draft = _pdf(board, serve.url + (link.get_attribute("href") or ""),
                         tmp_path / "draft.pdf")  # fmt: skip
            assert outcome.control_code in pdf_text(draft)
            (carried,) = qr_codes(draft, tmp_path)
            assert carried.startswith(f"{PUBLIC_URL}/scan?c=TALLY1|")
            _changed_paper_is_refused(board, serve.url, carried, screenshots)
            _phone_logs_in_and_lands_on_the_comparison(browser, serve.url, crew, carried)

            # The handheld scanner types the whole link into the board's field and presses Enter.
            board.goto(f"{serve.url}/board/{ELECTION}/{GMINA}")
            _shot(board, screenshots, "40-board-scan-field")
            board.fill("#scan input[name=c]", carried)
            board.press("#scan input[name=c]", "Enter")
            board.wait_for_selector("#scan-result[data-verdict=match]")
            _shot(board, screenshots, "41-scan-match")
            board.click("#scan-result form[data-action=confirm] button")
            board.wait_for_selector("text=Zapisano")
            confirmed = crew.coordinator.client.protocol(key)
            assert confirmed is not None
            assert "confirmed" == confirmed.state
            _documents(board, serve.url, tmp_path, screenshots, crew)
        finally:
            crew.close()


def _changed_paper_is_refused(board: Page, url: str, carried: str, folder: Path) -> None:
    scanned = paper_code.read(carried)
    changed = (scanned.numbers[0] + 1, *scanned.numbers[1:])
    forged = paper_code.payload(scanned.key, scanned.control_code, changed)
    board.goto(f"{url}/board/{ELECTION}/{GMINA}/2")
    form = board.locator(f"#protocol-{MAYOR.replace(':', '-')}-0 form[data-action=confirm]")
    form.locator("input[name=control_code]").fill(forged)  # the scanner types into that field
    form.locator("button").click()
    board.wait_for_selector("#scan-result[data-verdict=mismatch]")
    assert 0 == board.locator("#scan-result form[data-action=confirm]").count()
    assert "Liczba kopert na kartę wrzuconych do urny" in board.inner_text("table.changes")
    _shot(board, folder, "42-scan-mismatch")


def _phone_logs_in_and_lands_on_the_comparison(browser: Browser, url: str, crew: Team,
                                               carried: str) -> None:  # fmt: skip
    """The link on the paper opens the login first, then the comparison; nothing is confirmed
    by opening it. (The admin holds this phone: the coordinator's codes of this minute are used
    up, each code logs in once.)"""
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(carried.replace(PUBLIC_URL, url))
    phone.wait_for_selector("input[name=login]")
    admin = crew.admin
    phone.fill("input[name=login]", admin.login)
    phone.fill("input[name=password]", PASSWORD)
    phone.fill("input[name=totp]", code(admin.secret, 1))
    phone.click("button[type=submit].primary")
    phone.wait_for_selector("#scan-result[data-verdict=match]")
    key = paper_code.read(carried).key
    view = crew.coordinator.client.protocol(key)
    assert view is not None
    assert "accepted" == view.state
    phone.context.close()


def _documents(board: Page, url: str, out: Path, folder: Path, crew: Team) -> None:
    base = f"{url}/board/{ELECTION}/{GMINA}"
    templates = _pdf(board, f"{base}/paper/templates?precinct=2&round=1", out / "t.pdf")
    assert "Świetlica wiejska, ul. Kościelna 12, Zielonka Górna" in pdf_text(templates)
    board.goto(base)
    board.click("#templates-by summary")
    district = board.locator("#templates-by a.pdf", has_text="2").first.get_attribute("href")
    by_district = pdf_text(_pdf(board, url + (district or ""), out / "d2.pdf"))
    assert f"{ELECTION}/{GMINA}/2/council:{GMINA}/2/1" in by_district
    _shot(board, folder, "45-board-templates-by-district")
    board.goto(f"{base}/results?round=1")
    href = board.locator("a.pdf").first.get_attribute("href") or ""
    results = _pdf(board, url + href, out / "results.pdf")
    assert re.search(r"pozycja \d+", pdf_text(results))
    _shot(board, folder, "43-results-with-pdf-link")

    coordinator = crew.coordinator
    slip = coordinator.client.create_account(CreateAccount(
        login="operator.piec", role=Role.OPERATOR, display_name="Operator Pięć", gmina=GMINA,
        precincts=(5,)))  # fmt: skip
    assert slip.slip is not None
    board.goto(f"{base}/operators")
    _shot(board, folder, "44-operators-print-slips")
    # The button posts the page's form; the browser gets the PDF (sent here as the form is).
    form = board.locator("#print-slips")
    response = board.request.post(url + (form.get_attribute("action") or ""), form={
        "_csrf": form.locator("input[name=_csrf]").input_value()})  # fmt: skip
    assert response.ok, response.status
    assert PDF == response.headers["content-type"]
    (out / "slips.pdf").write_bytes(response.body())
    said = pdf_text(out / "slips.pdf")
    assert "operator.piec" in said
    assert slip.slip.activation_code not in said  # a fresh code; the first one stopped working
