"""The README's first command leads a newcomer to a working page: on a store without accounts
`tally serve` says (in its log and on `/`) how the first admin is made, and `tally serve --demo`
loads the examples and prints the one-time codes of a demo admin, coordinator and operator, with
which the operator logs in from the page."""

from __future__ import annotations

import re
import signal
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from domain import totp
from services.nats.server import free_port
from tests.accounts import PASSWORD
from tests.natsserver import fresh_stream, session_url
from tests.processes import ServeProcess, cli_env

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow


def _serve(tmp_path: Path, *args: str) -> tuple[ServeProcess, str]:
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=fresh_stream(), TALLY_PASSWORD_HASH="fast")
    process = ServeProcess(tmp_path, env, "--http-port", str(free_port()), *args)
    return process, process.wait_for("serve.ready")["gateway_url"]


def _stop(process: ServeProcess) -> None:
    process.process.send_signal(signal.SIGTERM)
    process.finish()


def test_a_store_without_accounts_says_how_to_make_the_first_admin(tmp_path: Path) -> None:
    process, url = _serve(tmp_path)
    try:
        hint = process.wait_for("serve.no_admin_yet")["make_one"]
        assert hint.startswith("tally admin bootstrap --data-dir ")
        page = httpx.get(url + "/")
        assert 200 == page.status_code
        assert hint in page.text
        assert "Nie ma jeszcze administratora" in page.text
    finally:
        _stop(process)


def test_the_demo_prints_one_time_codes_that_work_in_the_page(tmp_path: Path) -> None:
    process, url = _serve(tmp_path, "--demo")
    try:
        deadline = time.monotonic() + 10
        while not any("demo-operator" in line for line in process.printed):
            assert time.monotonic() < deadline, process.printed
            time.sleep(0.05)
        line = next(line for line in process.printed if "demo-operator" in line)
        code = re.search(r"activation code (\S+)", line)
        assert code is not None
        slip = {"login": "demo-operator", "activation_code": code.group(1), "password": PASSWORD}
        activated = httpx.post(url + "/v1/auth/activate", json=slip)
        secret = activated.json()["enrollment"]["totp_secret"]
        browser = httpx.Client(base_url=url)
        browser.get("/")
        first_code = totp.code_at(secret, totp.step_of(time.time()))
        logged = browser.post("/login", data={
            "_csrf": browser.cookies.get("tally_csrf"), "login": "demo-operator",
            "password": PASSWORD, "totp": first_code})  # fmt: skip
        assert 303 == logged.status_code, logged.text
        home = browser.get("/")
        assert "Obwód nr 1" in home.text
        assert "/protocols/przyklad-2026/302199/1/mayor:302199/0/1" in home.text
    finally:
        _stop(process)
