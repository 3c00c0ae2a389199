"""Auditors: export the log, replay it as of a point, verify it; tampering is reported at the
right sequence."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from schemas.audit_events import LogVerified
from services.apps.protocols import Protocols
from services.audit.source import file_records, live_records, write_records
from services.common.environment import environment
from services.eventstore.settings import StoreSettings
from services.tools.bench.synthetic import append_protocols
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, ServeProcess, cli_env

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """A stream with 60 protocols (180 events) and live views that have caught up."""
    data_dir = tmp_path_factory.mktemp("audit")
    stream = fresh_stream()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream)
    app = Protocols(env={"NATS_URL": session_url(), "NATS_STREAM": stream})
    try:
        append_protocols(app, 1, 60, batch=7)
    finally:
        app.close()
    projector = ServeProcess(data_dir, env, "--only", "projections")
    time.sleep(3)
    projector.process.send_signal(signal.SIGTERM)
    assert 0 == projector.finish()
    return env, data_dir


def live_records_of(env: dict[str, str]) -> list[Any]:
    with environment(NATS_URL=env["NATS_URL"], NATS_STREAM=env["NATS_STREAM"]):
        return live_records(StoreSettings.from_env_os())


def tally(env: dict[str, str], data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TALLY, "audit", *args, "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_the_untouched_log_verifies(audited: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    """Live and exported, the log checks out and the views equal a rebuild."""
    env, data_dir = audited
    live = tally(env, data_dir, "verify", "--json")
    assert 0 == live.returncode, live.stdout
    report = json.loads(live.stdout)
    assert (180, 60, []) == (report["events"], report["aggregates"], report["problems"])
    # The verdict is recorded in the log itself, after what it covers.
    (verdict,) = [r for r in live_records_of(env) if r.headers["Tally-Type"] == LogVerified.TAG]
    assert 181 == verdict.seq
    recorded = msgspec.json.decode(verdict.payload)["data"]
    assert (180, 180, 0, {}) == (recorded["up_to"], recorded["events"], recorded["problems"],
                                 recorded["kinds"])  # fmt: skip
    assert verdict.headers["Tally-Actor"].startswith("local-operator:")
    export = tmp_path / "log.jsonl"
    assert 0 == tally(env, data_dir, "export", str(export)).returncode
    assert 0 == tally(env, data_dir, "verify", "--export", str(export)).returncode


def test_replay_as_of_a_sequence_counts_only_what_came_before(
    audited: tuple[dict[str, str], Path],
) -> None:
    """After 21 events (7 protocols submitted, corrected, confirmed) the replay tally holds 7."""
    env, data_dir = audited
    replay = tally(env, data_dir, "replay", "--until", "21", "--json")
    rows = json.loads(replay.stdout)["tallies"]
    country = [r for r in rows if r["level"] == "country" and r["flavour"] == "confirmed"]
    assert 7 == country[0]["precincts"]
    full = json.loads(tally(env, data_dir, "replay", "--json").stdout)["tallies"]
    assert 60 == next(r for r in full if r["level"] == "country"
                      and r["flavour"] == "confirmed")["precincts"]  # fmt: skip


def tampered(export: Path, out: Path, change: str) -> tuple[Path, int]:
    """A copy of the export with one event altered, dropped, or two swapped; the sequence hit."""
    records = list(file_records(export))
    index = 40  # a confirmation-era event in the middle of the log
    target = records[index]
    if change == "alter":
        payload = json.loads(target.payload)
        payload["data"]["content"]["valid_votes"] = 999_999
        records[index] = msgspec.structs.replace(target, payload=json.dumps(payload))
    elif change == "drop":
        del records[index]
    else:
        records[index], records[index + 1] = records[index + 1], records[index]
    write_records(out, records)
    return out, target.seq


@pytest.mark.parametrize("change", ["alter", "drop", "reorder"])
def test_tampering_is_reported_at_its_sequence(
    audited: tuple[dict[str, str], Path], tmp_path: Path, change: str
) -> None:
    """Exit 1, and a problem names the sequence of the tampered event."""
    env, data_dir = audited
    export = tmp_path / "log.jsonl"
    tally(env, data_dir, "export", str(export))
    records = list(file_records(export))
    assert "protocol.corrected.v1" == records[40].headers["Tally-Type"] or change != "alter"
    copy, seq = tampered(export, tmp_path / f"{change}.jsonl", change)
    result = tally(env, data_dir, "verify", "--export", str(copy), "--json")
    assert 1 == result.returncode
    problems = json.loads(result.stdout)["problems"]
    assert seq in {p["seq"] for p in problems}, problems
