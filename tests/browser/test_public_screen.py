"""The public results screen, in a real browser on `tally serve` and a real nats-server, with no
login: nothing before the polls close; after, the protocols received and the provisional result
labelled unofficial, cached for five seconds and built once per change; established, it says
so."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest

from schemas.validation import ProtocolKey
from services.apps.election_load import load_file
from services.common.environment import environment
from tests.accounts import team
from tests.browser.test_coordinator_board import ELECTION, MAYOR
from tests.browser.test_operator_in_the_browser import _shot
from tests.definitions import EXAMPLES
from tests.gateway import TEST_KEYS, running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts
from tests.natsserver import session_url

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

    from tests.gateway import RunningServe

pytestmark = pytest.mark.slow
FUTURE = "przyszle-2099"


def _future_election(serve: RunningServe, folder: Path) -> None:
    """The example gmina's election again, on a day to come: its polls have not closed."""
    definition = json.loads((EXAMPLES / "gmina-zielonka.json").read_text())
    definition["election"]["code"] = FUTURE
    for day, date in zip(definition["election"]["rounds"], ("2099-04-12", "2099-04-26"),
                         strict=True):  # fmt: skip
        day["date"] = date
    path = folder / "future.json"
    path.write_text(json.dumps(definition))
    with environment(NATS_URL=session_url(), NATS_STREAM=serve.stream,
                     TALLY_SECRET_KEYS=TEST_KEYS):  # fmt: skip
        load_file(path, data_dir=folder)


def test_the_public_screen_shows_nothing_before_the_polls_close_and_unofficial_results_after(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2, 3))
        try:
            _future_election(serve, tmp_path)
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            before = page.goto(f"{serve.url}/public/{FUTURE}/{GMINA}")
            assert before is not None
            assert 200 == before.status
            assert "po zamknięciu lokali wyborczych (12.04.2099 21:00)" in page.inner_text(
                "#not-yet")  # fmt: skip
            assert 0 == page.locator(".public-result, .public-progress").count()
            _shot(page, screenshots, "40-public-before-close")

            estimates = standing_precincts()
            for precinct in (2, 3):
                key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=precinct,
                                  contest=MAYOR)  # fmt: skip
                content = mayor_protocol(estimates[precinct], precinct)
                assert "accepted" == crew.operator.client.submit(key, content).status
            screen = f"{serve.url}/public/{ELECTION}/{GMINA}"
            mayor = f"#public-{MAYOR.replace(':', '-')}"
            for _ in range(50):  # the views fold the protocols within moments
                page.goto(screen)
                if "Protokoły: 2 z 15" in page.inner_text("body"):
                    break
                page.wait_for_timeout(200)
            assert "NIEOFICJALNE" in page.inner_text(mayor)
            assert "provisional" == page.get_attribute(mayor, "data-state")
            progress = page.inner_text(f".progress-row[data-contest='{MAYOR}']")
            assert "2 z 15" in progress
            assert "koordynator" not in page.content()  # no account, no login anywhere
            _shot(page, screenshots, "41-public-after-close")
            page.goto(screen + "?lang=en")
            assert "UNOFFICIAL" in page.inner_text(mayor)
            _shot(page, screenshots, "42-public-english")

            first = httpx.get(screen)
            assert "public, max-age=5" == first.headers["cache-control"]
            again = httpx.get(screen, headers={"If-None-Match": first.headers["etag"]})
            assert 304 == again.status_code
        finally:
            crew.close()
