"""The board's data for programs and its live feed, on `tally serve` and a real nats-server:
what is missing (with addresses, late or not), the feed's first message (the whole board), an
update when a protocol arrives, and a reconnection with ``Last-Event-ID`` that gets what changed
meanwhile; another gmina's coordinator is refused."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from tests.accounts import created, team
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow
ELECTION = "przyklad-2026"
MAYOR = f"mayor:{GMINA}"


def _events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, data) of each ``update`` of a Server-Sent Events stream."""
    event: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if event.get("event") == "update":
                yield event["id"], json.loads(event["data"])
            event = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            event[name] = value.removeprefix(" ")


def test_missing_reports_and_the_live_feed(tmp_path: Path) -> None:
    estimates = standing_precincts()
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=(2, 3))
        try:
            auth = {"Authorization": f"Bearer {crew.coordinator.client.token}"}
            found = httpx.get(f"{serve.url}/v1/views/missing", headers=auth,
                              params={"election": ELECTION, "gmina": GMINA}).json()  # fmt: skip
            mayor = [r for r in found["rows"] if r["what"] == "protocol" and r["contest"] == MAYOR]
            assert 15 == len(mayor)
            second = next(r for r in mayor if r["precinct"] == 2)
            assert second["late"]
            assert "Kościelna 12" in second["address"]
            turnout = {(r["precinct"], r["hour"]) for r in found["rows"] if r["what"] == "turnout"}
            assert {(n, h) for n in estimates for h in ("12:00", "17:00")} == turnout
            elsewhere = httpx.get(f"{serve.url}/v1/views/missing", headers=auth,
                                  params={"election": ELECTION, "gmina": "306499"})  # fmt: skip
            assert 403 == elsewhere.status_code

            cookies = {"tally_session": crew.coordinator.client.token}
            feed = f"{serve.url}/board/{ELECTION}/{GMINA}/events"
            with httpx.Client(cookies=cookies, timeout=30) as browser:
                with browser.stream("GET", feed, params={"round": 1}) as response:
                    assert 200 == response.status_code
                    events = _events(response)
                    _, first = next(events)
                    assert "p-2" in first["groups"]  # a new page gets the whole board
                    submit(crew, 2, estimates[2])
                    position, update = next(events)
                    assert ["2"] == list(update["rows"])
                    assert "s-accepted" in update["rows"]["2"]
                submit(crew, 3, estimates[3])  # while the browser is away
                resumed = {"Last-Event-ID": position}
                with browser.stream("GET", feed, params={"round": 1}, headers=resumed) as again:
                    _, missed = next(_events(again))
                    assert "groups" not in missed
                    assert "3" in missed["rows"]
                    assert "s-accepted" in missed["rows"]["3"]
            outsider = CreateAccount(login="obcy", role=Role.COORDINATOR, display_name="Obcy",
                                     gmina="306499")  # fmt: skip
            stranger = created(crew.admin, serve.url, outsider)
            refused = httpx.get(feed, cookies={"tally_session": stranger.client.token})
            assert 403 == refused.status_code
            stranger.client.close()
        finally:
            crew.close()


def submit(crew: Any, precinct: int, estimate: int) -> None:
    key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=precinct, contest=MAYOR)
    outcome = crew.operator.client.submit(key, mayor_protocol(estimate, precinct))
    assert "accepted" == outcome.status, outcome
