"""After a burst of submissions through the API, the coordinator's tallies and progress are right
within a second; views are scoped to the coordinator's gmina."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from schemas.protocol import CandidateVotes, ProtocolContent
from schemas.validation import ProtocolKey
from tests.accounts import team
from tests.definitions import EXAMPLES
from tests.gateway import running_serve

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow
GMINA = "302199"


def mayor_protocol(estimate: int, number: int) -> ProtocolContent:
    """A clean 2024 mayor protocol for a precinct of ``estimate`` voters."""
    received = round(estimate * 0.9)
    issued = round(estimate * 0.55)
    invalid = number % 4
    valid = issued - invalid
    votes = (valid // 2, valid // 3, valid - valid // 2 - valid // 3)
    zero = dict.fromkeys(("packages_sent", "envelopes_received", "envelopes_no_statement",
                          "envelopes_unsigned_statement", "envelopes_no_ballot_envelope",
                          "envelopes_unsealed", "ballot_envelopes_in_box",
                          "ballots_from_envelopes", "invalid_ballots"), 0)  # fmt: skip
    return ProtocolContent(
        form="2024", eligible_voters=estimate, ballots_received=received,
        ballots_unused=received - issued,
        ballots_issued=issued, proxy=0, ballots_issued_total=issued, ballots_from_box=issued,
        valid_ballots=issued, invalid_votes=invalid, invalid_votes_multiple_marks=invalid,
        invalid_votes_no_mark=0, invalid_votes_struck_off_only=0, valid_votes=valid,
        candidates=tuple(CandidateVotes(position=n, votes=v) for n, v in enumerate(votes, 1)),
        **zero,
    )  # fmt: skip


def standing_precincts() -> dict[int, int]:
    """The example gmina's standing precincts and their eligible voters."""
    definition = json.loads((EXAMPLES / "gmina-zielonka.json").read_text(encoding="utf-8"))
    return {p["number"]: p["eligible_voters"] for p in definition["units"][0]["precincts"]
            if p["type"] == "stały"}  # fmt: skip


def test_a_burst_shows_in_the_coordinators_views_within_a_second(tmp_path: Path) -> None:
    precincts = standing_precincts()
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=tuple(precincts))
        try:
            expected: dict[str, int] = {"precincts": 0}
            for number, estimate in precincts.items():
                key = ProtocolKey(election="przyklad-2026", teryt=GMINA, precinct=number,
                                  contest=f"mayor:{GMINA}")  # fmt: skip
                content = mayor_protocol(estimate, number)
                outcome = crew.operator.client.submit(key, content)
                assert "accepted" == outcome.status, outcome
                expected["precincts"] += 1
                expected["valid_votes"] = expected.get("valid_votes", 0) + (
                    content.valid_votes or 0
                )
            submitted = time.monotonic()
            auth = {"Authorization": f"Bearer {crew.coordinator.client.token}"}
            query = {"election": "przyklad-2026", "contest": f"mayor:{GMINA}", "level": "gmina",
                     "code": GMINA}  # fmt: skip
            row: dict[str, Any] = {}
            while time.monotonic() - submitted < 5:
                rows = httpx.get(f"{serve.url}/v1/views/tallies", params=query, headers=auth).json()
                row = rows["rows"][0] if rows["rows"] else {}
                if row.get("precincts") == expected["precincts"]:
                    break
                time.sleep(0.05)
            elapsed = time.monotonic() - submitted
            assert expected["precincts"] == row["precincts"]
            assert expected["valid_votes"] == row["numbers"]["valid_votes"]
            assert elapsed < 1.0, elapsed
            progress = httpx.get(f"{serve.url}/v1/views/progress",
                                 params={"election": "przyklad-2026", "gmina": GMINA},
                                 headers=auth).json()["rows"]  # fmt: skip
            mayor = next(r for r in progress if r["contest"] == f"mayor:{GMINA}")
            assert (15, len(precincts)) == (mayor["expected"], mayor["reported"])
            elsewhere = httpx.get(f"{serve.url}/v1/views/progress",
                                  params={"election": "przyklad-2026", "gmina": "306499"},
                                  headers=auth)  # fmt: skip
            assert 403 == elsewhere.status_code
            country = httpx.get(f"{serve.url}/v1/views/tallies", headers=auth,
                                params={"election": "przyklad-2026", "contest": "president:PL",
                                        "level": "country"})  # fmt: skip
            assert 403 == country.status_code
        finally:
            crew.close()
