"""Loading election definitions through the real event store, and `tally election load` as
operators run it."""

from __future__ import annotations

import json
import signal
import subprocess
from typing import TYPE_CHECKING

import pytest

from schemas import envelope
from services.apps.elections import Elections
from tests.definitions import EXAMPLES, fresh_code, load, small_gmina
from tests.factories import read_stream
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def stream() -> str:
    return fresh_stream()


@pytest.fixture
def app(stream: str) -> Iterator[Elections]:
    application = Elections(env={"NATS_URL": session_url(), "NATS_STREAM": stream})
    yield application
    application.close()


def test_every_stored_event_carries_its_tag_actor_and_routing(app: Elections, stream: str) -> None:
    """Envelopes name the event type by tag, the local operator on the cli channel, the keys."""
    code = fresh_code()
    load(app, small_gmina(code))
    messages = read_stream(session_url(), stream)
    types = [m.headers[envelope.EVENT_TYPE] for m in messages]
    assert "election.definition_loaded.v1" == types[-1]
    assert {"unit.defined.v1", "contest.defined.v1", "contest.candidate_registered.v1"} <= set(
        types
    )
    assert {"local-operator:test@host"} == {m.headers[envelope.ACTOR] for m in messages}
    assert {"cli"} == {m.headers[envelope.CHANNEL] for m in messages}
    assert {code} == {m.headers[envelope.ELECTION] for m in messages}
    unit_events = [m for m in messages if m.headers[envelope.EVENT_TYPE].startswith("unit.")]
    assert {"021501"} == {m.headers[envelope.GMINA] for m in unit_events}
    contest_keys = {m.headers.get(envelope.CONTEST) for m in messages if "contest" in
                    m.headers[envelope.EVENT_TYPE]}  # fmt: skip
    assert {"council:021501", "mayor:021501"} == contest_keys
    created = json.loads(next(m.data for m in messages if m.headers[envelope.EVENT_TYPE] ==
                              "unit.defined.v1"))  # fmt: skip
    assert "unit" == created["originator_topic"]  # a tag, not a module path


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TALLY, "election", "load", *args], env=env, capture_output=True, text=True, check=False
    )


def test_the_cli_loads_the_examples_once_and_refuses_a_broken_file(tmp_path: Path) -> None:
    """Exit 0 and a count; then 'unchanged'; a broken file exits 1, lists every problem, and
    writes nothing."""
    stream = fresh_stream()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream)
    example = str(EXAMPLES / "gmina-zielonka.json")
    first = _cli(example, env=env)
    assert 0 == first.returncode, first.stderr
    assert "recorded 59 event(s) on 4 aggregate(s) of election przyklad-2026" in first.stdout
    again = _cli(example, "--json", env=env)
    assert 0 == again.returncode
    assert "unchanged" == json.loads(again.stdout)["status"]
    stored = len(read_stream(session_url(), stream))

    document = json.loads((EXAMPLES / "gmina-zielonka.json").read_text(encoding="utf-8"))
    document["units"][0]["precincts"][1]["number"] = 1
    document["contests"][0]["districts"][0]["precincts"].append("302199-99")
    document["contests"][1]["candidates"][0]["name"] = "Ktoś Inny"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    refused = _cli(str(broken), "--json", env=env)
    assert 1 == refused.returncode
    report = json.loads(refused.stdout)
    assert "refused" == report["status"]
    assert {
        "definition.precinct.duplicate",
        "definition.district.unknown_precinct",
        "definition.candidate.changed",
    } <= {p["rule"] for p in report["problems"]}
    assert all(p["path"].startswith("$.") for p in report["problems"])
    assert stored == len(read_stream(session_url(), stream))

    checked = _cli(str(EXAMPLES / "miasto-przykladowo.json"), "--check", env=env)
    assert 0 == checked.returncode
    assert "would record" in checked.stdout
    assert stored == len(read_stream(session_url(), stream))


@pytest.mark.slow
def test_on_the_embedded_default_the_cli_starts_and_stops_its_own_server(tmp_path: Path) -> None:
    """Without NATS_URL and no serve running, load starts nats-server on the data dir and stops
    it; the store keeps what was loaded."""
    data_dir = str(tmp_path / "var")
    example = str(EXAMPLES / "miasto-przykladowo.json")
    first = _cli(example, "--data-dir", data_dir, env=cli_env())
    assert 0 == first.returncode, first.stderr
    assert "natsaccess.embedded_started" in first.stderr
    again = _cli(example, "--data-dir", data_dir, env=cli_env())
    assert 0 == again.returncode, again.stderr
    assert "unchanged" in again.stdout


@pytest.mark.slow
def test_with_serve_running_the_cli_uses_its_server(tmp_path: Path) -> None:
    """Two servers on one store would corrupt it: load finds the one serve runs."""
    data_dir = tmp_path / "var"
    serve = ServeProcess(data_dir, cli_env())
    try:
        ready = serve.wait_for("serve.ready")
        loaded = _cli(
            str(EXAMPLES / "gmina-zielonka.json"), "--data-dir", str(data_dir), env=cli_env()
        )
        assert 0 == loaded.returncode, loaded.stderr
        assert "natsaccess.embedded_started" not in loaded.stderr
        admin = json.loads((data_dir / "nats" / "users.json").read_text())["admin"]
        assert 59 == len(read_stream(ready["nats_url"], "TALLY", user="tally-admin",
                                     password=admin))  # fmt: skip
    finally:
        serve.process.send_signal(signal.SIGTERM)
        assert 0 == serve.finish()
