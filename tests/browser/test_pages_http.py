"""The pages over plain HTTP (no browser): they render, a form without its CSRF token is
refused, another precinct's form by URL is 403 and writes nothing."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from tests.accounts import PASSWORD, code, team
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol

if TYPE_CHECKING:
    from pathlib import Path

    from services.tools.client import TallyClient

pytestmark = pytest.mark.slow


def test_the_pages_render_and_refuse_what_they_must(tmp_path: Path) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(1, 2))
        try:
            browser = httpx.Client(base_url=serve.url)
            first = browser.get("/")
            assert 200 == first.status_code
            assert '<html lang="pl">' in first.text
            assert "script-src" not in first.headers["content-security-policy"]
            assert "default-src 'self'" in first.headers["content-security-policy"]
            csrf = browser.cookies.get("tally_csrf")
            assert csrf
            refused = browser.post("/login", data={"login": "operator", "password": PASSWORD,
                                                   "totp": code(crew.operator.secret)})  # fmt: skip
            assert 403 == refused.status_code
            fresh = code(crew.operator.secret, 1)  # the current one was used by the API login
            logged = browser.post("/login", data={"_csrf": csrf, "login": "operator",
                                                  "password": PASSWORD, "totp": fresh})  # fmt: skip
            assert 303 == logged.status_code, logged.text
            session = browser.cookies.get("tally_session")
            assert session
            home = browser.get("/")
            assert 200 == home.status_code, home.text
            links = re.findall(r'href="(/protocols/[^"]+)"', home.text)
            assert links, home.text
            page = browser.get(links[0])
            assert 200 == page.status_code, page.text
            assert 'name="content.valid_votes"' in page.text
            other = browser.get("/protocols/przyklad-2026/302199/9/mayor:302199/0/1")
            assert 403 == other.status_code
            sent = browser.post("/protocols/przyklad-2026/302199/9/mayor:302199/0/1",
                                data={"_csrf": csrf, "content.form": "2024",
                                      "content.valid_votes": "10"})  # fmt: skip
            assert sent.status_code in (403, 422)
            assert "accepted" not in sent.text.lower()
        finally:
            crew.close()


def test_a_correction_in_the_page_asks_for_a_fresh_code_once_the_window_has_passed(
    tmp_path: Path,
) -> None:
    """As the API: vouching for new numbers needs a TOTP proof younger than the step-up window
    (one second here); the page asks for a code, keeps what was typed, and shows what changed."""
    with running_serve(tmp_path, TALLY_STEP_UP_S="1") as serve:
        crew = team(serve.url, serve.admin_code, precincts=(1,))
        try:
            key = ProtocolKey(election="przyklad-2026", teryt=GMINA, precinct=1,
                              contest=f"mayor:{GMINA}")  # fmt: skip
            assert "accepted" == crew.operator.client.submit(key, mayor_protocol(851, 1)).status
            secret = _fresh_operator(serve.url, crew.coordinator.client)
            browser = httpx.Client(base_url=serve.url)
            browser.get("/")
            csrf = browser.cookies.get("tally_csrf") or ""
            browser.post("/login", data={"_csrf": csrf, "login": "druga-operatorka",
                                         "password": PASSWORD, "totp": code(secret)})  # fmt: skip
            page = f"/protocols/przyklad-2026/{GMINA}/1/mayor:{GMINA}/0/1"
            drawn = browser.get(page).text
            form = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', drawn))
            form |= {"_csrf": csrf, "reason": "pomyłka",
                     "content.invalid_votes_multiple_marks": "0",
                     "content.invalid_votes_no_mark": "1"}  # fmt: skip
            time.sleep(1.5)
            asked = browser.post(page, data=form)
            assert 'name="_totp"' in asked.text
            assert 1 == len(crew.operator.client.protocol(key).versions)  # nothing written
            form["_totp"] = code(secret, 1)
            sent = browser.post(page, data=form)
            assert 'id="control-code"' in sent.text, re.findall(r"<li>.*?</li>", sent.text)
            assert "Zmienione liczby" in sent.text
            assert "w tym z powodu niepostawienia znaku X" in sent.text  # by its Polish label
            assert 2 == len(crew.operator.client.protocol(key).versions)
        finally:
            crew.close()


def _fresh_operator(url: str, coordinator: TallyClient) -> str:
    """An operator of precinct 1 activated but never logged in: its TOTP secret."""
    answer = coordinator.create_account(CreateAccount(
        login="druga-operatorka", role=Role.OPERATOR, display_name="Druga", gmina=GMINA,
        precincts=(1,)))  # fmt: skip
    assert answer.slip is not None
    activated = httpx.post(url + "/v1/auth/activate", json={
        "login": "druga-operatorka", "activation_code": answer.slip.activation_code,
        "password": PASSWORD})  # fmt: skip
    secret: str = activated.json()["enrollment"]["totp_secret"]
    return secret


def test_the_language_chosen_follows_the_account_to_another_browser(tmp_path: Path) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(1,))
        try:
            secret = _fresh_operator(serve.url, crew.coordinator.client)
            first = httpx.Client(base_url=serve.url)
            first.get("/")
            first.post("/login", data={"_csrf": first.cookies.get("tally_csrf") or "",
                                       "login": "druga-operatorka", "password": PASSWORD,
                                       "totp": code(secret)})  # fmt: skip
            first.get("/lang/en")
            assert '<html lang="en">' in first.get("/").text
            other = httpx.Client(base_url=serve.url)
            assert '<html lang="pl">' in other.get("/").text  # Polish until the login
            other.post("/login", data={"_csrf": other.cookies.get("tally_csrf") or "",
                                       "login": "druga-operatorka", "password": PASSWORD,
                                       "totp": code(secret, 1)})  # fmt: skip
            home = other.get("/").text
            assert '<html lang="en">' in home
            assert "Your precincts" in home
        finally:
            crew.close()
