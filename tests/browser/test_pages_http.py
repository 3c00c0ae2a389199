"""The pages over plain HTTP (no browser): they render, a form without its CSRF token is
refused, another precinct's form by URL is 403 and writes nothing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.accounts import PASSWORD, code, team
from tests.gateway import running_serve

if TYPE_CHECKING:
    from pathlib import Path

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
