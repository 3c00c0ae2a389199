"""The coordinator's alerts inbox in a real browser, on `tally serve` and a real nats-server: a
correction after confirmation raises an alert; acknowledged with a note it leaves the open list
and keeps its note; the printable list for the chairs carries it under its precinct."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import pytest

from schemas.validation import ProtocolKey
from tests.accounts import team
from tests.browser.test_coordinator_board import ELECTION, MAYOR, _log_in
from tests.browser.test_operator_in_the_browser import _shot
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow
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
            assert "accepted" == crew.operator.client.correct(key, fixed, "pełnomocnik").status

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
        finally:
            crew.close()
