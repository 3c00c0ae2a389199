"""The coordinator's alerts inbox in a real browser, on `tally serve` and a real nats-server: a
correction after confirmation raises an alert; acknowledged with a note it leaves the open list
and keeps its note; the printable list for the chairs carries it under its precinct."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import httpx
import msgspec
import pytest

from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from tests.accounts import Team, created, team
from tests.browser.test_coordinator_board import ELECTION, MAYOR, _log_in
from tests.browser.test_operator_in_the_browser import _shot
from tests.gateway import RunningServe, running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts
from tests.natsserver import session_url
from tests.processes import TALLY, cli_env

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
EVENTS = "rows => rows.map(r => r.dataset.event)"
NOTE = "Przewodniczący OKW potwierdził telefonicznie: jeden pełnomocnik"


def test_an_alert_is_acknowledged_with_a_note_and_printed_for_the_chair(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2,))
        try:
            key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=2, contest=MAYOR)
            content = mayor_protocol(standing_precincts()[2], 2)
            outcome = crew.operator.client.submit(key, content)
            assert "accepted" == crew.coordinator.client.confirm(
                key, control_code=outcome.control_code).status  # fmt: skip
            fixed = msgspec.structs.replace(content, proxy=1)
            corrected = crew.operator.client.correct(key, fixed, "pełnomocnik")
            assert "accepted" == corrected.status

            page = _log_in(browser, serve.url, crew.coordinator)
            inbox = f"{serve.url}/board/{ELECTION}/{GMINA}/alerts"
            alert = "article.alert[data-kind=corrected-after-confirmation]"
            for _ in range(50):  # the views fold the correction within moments
                page.goto(inbox)
                if page.locator(alert).count():
                    break
                page.wait_for_timeout(100)
            assert "korekta po potwierdzeniu" in page.inner_text(alert)
            _shot(page, screenshots, "20-alerts-open")
            page.locator(f"{alert} textarea[name=note]").fill(NOTE)
            page.locator(f"{alert} button").click()
            page.wait_for_selector("text=Zapisano")
            page.goto(inbox)
            assert 0 == page.locator(alert).count()  # gone from the open list
            page.goto(inbox + "?state=acknowledged")
            assert NOTE in page.inner_text(alert)
            _shot(page, screenshots, "21-alerts-acknowledged")
            page.goto(inbox + "/print")
            printed = page.inner_text("#print-2")
            assert "korekta po potwierdzeniu" in printed
            assert NOTE in printed
            _shot(page, screenshots, "22-alerts-print")
            # The chair confirms the corrected paper: the result is made of confirmed protocols.
            assert "accepted" == crew.coordinator.client.confirm(
                key, control_code=corrected.control_code).status  # fmt: skip
            _established_from_the_board(page, serve.url, screenshots)
            _auditor_filters_the_trail(browser, serve, tmp_path, crew, screenshots)
        finally:
            crew.close()


def _auditor_filters_the_trail(
    browser: Browser, serve: RunningServe, data_dir: Path, crew: Team, folder: Path
) -> None:
    """An auditor reads the whole trail and filters it by who acted; a coordinator's trail is
    their gmina's whatever the address asks. The verdict of ``tally audit verify`` shows on the
    page; the log downloaded from it verifies with ``tally audit verify --export``."""
    url = serve.url
    auditor = created(crew.admin, url, CreateAccount(login="audytor", role=Role.AUDITOR,
                                                     display_name="Audytor"))  # fmt: skip
    page = _log_in(browser, url, auditor)
    page.goto(f"{url}/audit?gmina={GMINA}&precinct=2")
    events = set(page.eval_on_selector_all("tr[data-event]", EVENTS))
    assert {"protocol.submitted.v1", "protocol.confirmed.v1", "protocol.corrected.v1"} <= events
    page.fill("input[name=actor]", "account:koordynator")
    page.click("form.filters button")
    page.wait_for_load_state()
    shown = page.eval_on_selector_all("tr[data-event]", EVENTS)
    assert shown
    assert set(shown) <= {"protocol.confirmed.v1", "alert.acknowledged.v1"}
    _shot(page, folder, "23-audit-trail")
    assert "nie zweryfikowano" in page.inner_text("#verified")
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=serve.stream)
    verify = [*TALLY, "audit", "verify", "--data-dir", str(data_dir)]
    checked = subprocess.run(verify, env=env, capture_output=True, text=True, check=False)
    assert 0 == checked.returncode, checked.stdout + checked.stderr
    for _ in range(50):  # the verdict is an event: the views fold it within moments
        page.goto(f"{url}/audit")
        if "bez zastrzeżeń" in page.inner_text("#verified"):
            break
        page.wait_for_timeout(100)
    assert "0" == page.get_attribute("#verified", "data-problems")
    assert "audit.log_verified.v1" in page.eval_on_selector_all("tr[data-event]", EVENTS)
    with page.expect_download() as download:
        page.click("a[href='/audit/export']")
    log = data_dir / "downloaded.jsonl"
    download.value.save_as(log)
    again = subprocess.run([*verify, "--export", str(log)], env=env, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert 0 == again.returncode, again.stdout + again.stderr
    _shot(page, folder, "26-audit-verified")
    auditor.client.close()
    coordinator = crew.coordinator.client
    elsewhere = httpx.get(f"{url}/audit", params={"gmina": "306499"},
                          cookies={"tally_session": coordinator.token})  # fmt: skip
    assert 200 == elsewhere.status_code
    assert f'name="gmina" value="{GMINA}" readonly' in elsewhere.text  # their own gmina's
    assert 'href="/audit/export"' not in elsewhere.text
    download = httpx.get(f"{url}/audit/export", cookies={"tally_session": coordinator.token})
    assert 403 == download.status_code


def _established_from_the_board(page: Page, url: str, folder: Path) -> None:
    """The mayor's provisional result, labelled unofficial, established early with a reason."""
    page.goto(f"{url}/board/{ELECTION}/{GMINA}/results")
    mayor = f"#result-{MAYOR.replace(':', '-')}"
    assert page.locator(mayor).count(), page.inner_text("main")
    assert "NIEOFICJALNE" in page.inner_text(mayor)
    assert "Protokoły: 1 z 15" in page.inner_text(mayor)
    _shot(page, folder, "24-results-provisional")
    page.fill(f"{mayor} form[data-action=establish] textarea[name=reason]",
              "Próba: ustalenie przed wpłynięciem wszystkich protokołów")  # fmt: skip
    page.click(f"{mayor} form[data-action=establish] button")
    page.wait_for_selector(".notice.ok, .notice.error")
    assert page.is_visible(".notice.ok"), page.inner_text("main")
    assert "established" == page.get_attribute(mayor, "data-state")
    assert "NIEOFICJALNE" not in page.inner_text(mayor)
    assert "ponowne głosowanie: Stanisław GÓRSKI, Katarzyna WIŚNIEWSKA" in page.inner_text(mayor)
    _shot(page, folder, "25-results-established")
