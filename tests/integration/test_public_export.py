"""The public export and the standalone verifier (``tools/verify_export.py``) on a running Tally:
the export verifies, carries no personal data, its recomputed tallies equal the views rebuilt
from the log, it lists the established result; and every tampering is caught at its position:
a changed, dropped, inserted or moved event, a cut-off tail against a published head, a
swapped or forged checkpoint."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from schemas.results import ResultKey
from schemas.validation import ProtocolKey
from tests.accounts import team
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts
from tests.natsserver import session_url
from tests.processes import TALLY, ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

pytestmark = pytest.mark.slow
ELECTION = "przyklad-2026"
MAYOR = f"mayor:{GMINA}"
VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_export.py"


def _verifier() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", VERIFIER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A night's public export (several checkpoints on the way) and the tallies the project's
    own folds rebuild from the log."""
    data_dir = tmp_path_factory.mktemp("public")
    with running_serve(data_dir, TALLY_CHECKPOINT_S="0.5") as serve:
        ServeProcess.started.remove(serve.process)  # the module's, stopped with it
        crew = team(serve.url, serve.admin_code, precincts=tuple(standing_precincts()))
        try:
            codes = {}
            for number, estimate in list(standing_precincts().items())[:6]:
                key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=number, contest=MAYOR)
                outcome = crew.operator.client.submit(key, mayor_protocol(estimate, number))
                assert "accepted" == outcome.status, outcome
                codes[key] = outcome.control_code
                time.sleep(0.3)
            first = next(iter(codes))
            assert "confirmed" == crew.coordinator.client.confirm(
                first, control_code=codes[first]).state  # fmt: skip
            changed = mayor_protocol(standing_precincts()[first.precinct], 3)
            corrected = crew.operator.client.correct(first, changed, "typo")
            assert "accepted" == corrected.status, corrected
            codes[first] = corrected.control_code
            for key, code in codes.items():  # every paper copy checked, then established
                assert "confirmed" == crew.coordinator.client.confirm(key, control_code=code).state
            time.sleep(1.2)
            established = crew.coordinator.client.establish_result(
                ResultKey(election=ELECTION, contest=MAYOR), "a test night")  # fmt: skip
            assert "accepted" == established.status, established
            env = cli_env(NATS_URL=session_url(), NATS_STREAM=serve.stream)
            export = data_dir / "public.jsonl"
            done = subprocess.run([*TALLY, "audit", "export", "--public", str(export),
                                   "--data-dir", str(data_dir)], env=env, capture_output=True,
                                  text=True, check=False)  # fmt: skip
            assert 0 == done.returncode, done.stdout + done.stderr
            replay = subprocess.run([*TALLY, "audit", "replay", "--json", "--data-dir",
                                     str(data_dir)], env=env, capture_output=True, text=True,
                                    check=False)  # fmt: skip
            assert 0 == replay.returncode, replay.stdout + replay.stderr
            yield export, json.loads(replay.stdout)
        finally:
            crew.close()


def test_the_export_verifies_standalone_and_recomputes_the_views(
    exported: tuple[Path, dict[str, Any]],
) -> None:
    export, replayed = exported
    done = subprocess.run([sys.executable, str(VERIFIER), str(export), "--json"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert 0 == done.returncode, done.stdout
    report = json.loads(done.stdout)
    assert ([], True) == (report["problems"], report["verified"])
    assert report["checkpoints"] >= 3
    events = export.read_text().splitlines()[1:]
    assert report["events"] == len(events)
    gmina_rows = [row for row in replayed["tallies"]
                  if row["level"] == "gmina" and row["precincts"] > 0]  # fmt: skip
    key = lambda row: (row["flavour"], row["contest"], row["district"], row["round"])  # noqa: E731
    assert sorted(gmina_rows, key=key) == sorted(report["tallies"], key=key)
    assert [(MAYOR, 1)] == [(r["result"]["contest"], r["result"]["round"])
                            for r in report["results"]]  # fmt: skip
    text = export.read_text()
    for private in ("account:", "koordynator", "local-operator:", '"Tally-Actor"',
                    "Tally-Idempotency-Key", "Tally-Correlation-Id"):  # fmt: skip
        assert private not in text, private  # the logins, whoever acted, the request traces
    assert '"Tally-Actor-Pseudonym":"p-' in text


def _report(module: ModuleType, lines: list[str], folder: Path, head: str | None = None) -> Any:
    changed = folder / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n")
    return module.verify(changed, head)


def _seqs(report: dict[str, Any]) -> set[int]:
    return {problem["seq"] for problem in report["problems"]}


def test_every_tampering_is_caught_at_its_position(exported: tuple[Path, dict[str, Any]],
                                                   tmp_path: Path) -> None:  # fmt: skip
    module = _verifier()
    export, _ = exported
    lines = export.read_text().splitlines()
    header, events = lines[0], lines[1:]
    records = [json.loads(line) for line in events]
    checkpoints = [i for i, r in enumerate(records)
                   if r["event"]["headers"].get("Tally-Type") == "audit.checkpoint.v1"]  # fmt: skip
    full = module.verify(export, None)
    head = f"{full['events']}:{full['head']['head']}"
    caught = 0
    for index, record in enumerate(records):  # every event changed, one at a time
        changed = json.loads(json.dumps(record))
        changed["event"]["payload"] += " "
        found = _report(module, [header, *events[:index], json.dumps(changed),
                                 *events[index + 1:]], tmp_path, head)  # fmt: skip
        assert not found["verified"], index
        caught += 1
    assert caught == len(records)
    dropped = _report(module, [header, *events[:5], *events[6:]], tmp_path)
    assert 6 in _seqs(dropped)  # the gap, where it is
    moved = _report(module, [header, *events[:3], events[4], events[3], *events[5:]], tmp_path)
    assert {4, 5} <= _seqs(moved)
    inserted = _report(module, [header, *events[:7], events[7], *events[7:]], tmp_path)
    assert 9 in _seqs(inserted)
    cut = _report(module, [header, *events[: checkpoints[0] + 1]], tmp_path, head)
    assert any(p["kind"] == "head" for p in cut["problems"])
    first, second = checkpoints[0], checkpoints[1]
    swapped = list(events)
    swapped[first], swapped[second] = events[second], events[first]
    assert not _report(module, [header, *swapped], tmp_path)["verified"]
    forged = json.loads(events[second])
    payload = json.loads(forged["event"]["payload"])
    payload["data"]["head"] = "00" * 32
    forged["event"]["payload"] = json.dumps(payload)
    caught_forgery = _report(module, [header, *events[:second], json.dumps(forged),
                                      *events[second + 1:]], tmp_path)  # fmt: skip
    assert second + 1 in _seqs(caught_forgery)
    assert any("signature does not hold" in p["message"] for p in caught_forgery["problems"])
