"""A newcomer's session from the command line: load the example election, submit, correct and
confirm protocols both ways, report turnout; bad input is refused and nothing is written."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

from tests.definitions import EXAMPLES
from tests.factories import read_stream
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, cli_env

if TYPE_CHECKING:
    from pathlib import Path

PROTOCOLS = EXAMPLES / "protocols"
MAYOR = "przyklad-2026/302199/2/mayor:302199/0/1"
COUNCIL = "przyklad-2026/302199/2/council:302199/2/1"


def test_a_newcomer_submits_corrects_and_confirms_from_the_cli(tmp_path: Path) -> None:
    """Every step answers on stdout with the control code; refusals name field and rule."""
    stream = fresh_stream()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream, TALLY_LOG_LEVEL="warning")

    def tally(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*TALLY, *args], env=env, capture_output=True, text=True,
                              check=False)  # fmt: skip

    def accepted(*args: str) -> dict:
        done = tally(*args, "--json")
        assert 0 == done.returncode, done.stdout + done.stderr
        outcome = json.loads(done.stdout)
        assert "accepted" == outcome["status"]
        return outcome

    assert 0 == tally("election", "load", str(EXAMPLES / "gmina-zielonka.json")).returncode
    first = accepted("protocol", "submit", str(PROTOCOLS / "mayor-precinct-2.json"))
    accepted("protocol", "submit", str(PROTOCOLS / "council-precinct-2.json"), "--channel",
             "offline-file")  # fmt: skip
    second = accepted("protocol", "correct", str(PROTOCOLS / "mayor-precinct-2-correction.json"))
    assert (1, 2) == (first["version"], second["version"])

    wrong = tally("protocol", "confirm", MAYOR, "--code", first["control_code"])
    assert 1 == wrong.returncode
    assert "protocol.wrong_control_code" in wrong.stdout
    confirmed = accepted("protocol", "confirm", MAYOR, "--code", second["control_code"])
    assert "confirmed" == confirmed["state"]

    content = json.loads((PROTOCOLS / "council-precinct-2.json").read_text())["content"]
    blind = tmp_path / "paper.json"
    blind.write_text(json.dumps(content))
    assert "confirmed" == accepted("protocol", "confirm", COUNCIL, "--blind", str(blind))["state"]

    report = accepted("turnout", "report", str(PROTOCOLS / "turnout-precinct-2-1200.json"))
    assert report["late"]  # the example day is past: accepted, marked late

    stored = len(read_stream(session_url(), stream))
    broken = json.loads((PROTOCOLS / "mayor-precinct-2.json").read_text())
    broken["content"]["valid_vote"] = 1
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    refused = tally("protocol", "submit", str(tmp_path / "broken.json"))
    assert 1 == refused.returncode
    assert "$.content.valid_vote" in refused.stdout
    assert "schema.unknown_field" in refused.stdout
    bad_key = tally("protocol", "confirm", "przyklad-2026/302199/x", "--code", "X")
    assert 1 == bad_key.returncode
    assert stored == len(read_stream(session_url(), stream))

    shown = tally("protocol", "show", MAYOR)
    state = json.loads(shown.stdout)
    assert "confirmed" == state["state"]
    assert [1, 2] == [v["version"] for v in state["versions"]]
    channels = [m.headers.get("Tally-Channel") for m in read_stream(session_url(), stream)]
    assert {"cli", "offline-file"} <= set(channels)
