"""`tally drill run` as a coordinator runs it, on the committed excerpt of PKW's 2020 data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from projections import alerts
from services.tools.drill.pkw_import import import_pkw
from tests.integration.test_public_export import VERIFIER
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, cli_env, pid_alive

EXCERPT = sorted((Path(__file__).resolve().parents[1] / "data" / "pkw-2020-r1").glob("*.zip"))
KEYS = {"tallies", "submissions", "findings_by_rule", "alerts_by_kind", "latency_ms", "lag_ms",
        "throughput_per_s", "verify", "official", "results"}  # fmt: skip


def _drill(cwd: Path, directory: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TALLY, "drill", "run", str(directory), "--quiet", *args],
        cwd=cwd,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_the_excerpt_drills_against_nats_url_and_matches_pkw(tmp_path: Path) -> None:
    """Five units, 211 precincts: every tally equals the input; the four domestic units equal
    PKW's official totals; abroad differs by the four military precincts, and the report says so.
    """
    drill = tmp_path / "drill"
    import_pkw(EXCERPT, drill)
    report_file = tmp_path / "report.json"
    done = _drill(tmp_path, drill, "--max", "--report", str(report_file),
                  NATS_URL=session_url(), NATS_STREAM=fresh_stream())  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert KEYS == set(report)
    units = {row["gmina_teryt"]: row for row in report["tallies"]}
    assert ["020101", "020106", "146515", "149801", "149901"] == sorted(units)
    boleslawiec = units["020101"]
    assert ("president:PL", 1, "accepted", 23) == (
        boleslawiec["contest"], boleslawiec["round"], boleslawiec["flavour"],
        boleslawiec["precincts"])  # fmt: skip
    # PKW's published totals for m. Bolesławiec (wyniki_gl_na_kand_po_gminach, 2020 round 1).
    assert 18514 == boleslawiec["fields"]["valid_votes"]
    assert 6465 == boleslawiec["votes"]["Andrzej Sebastian DUDA"]
    assert 7183 == boleslawiec["votes"]["Rafał Kazimierz TRZASKOWSKI"]
    submissions = report["submissions"]
    assert (211, 211, 0, 211) == (submissions["protocols"], submissions["accepted"],
                                  submissions["refused"], submissions["confirmed"])  # fmt: skip
    assert submissions["confirmed_blind"] > 0
    assert submissions["approved"] > 0  # real hard warnings abroad, approved by the coordinator
    assert report["findings_by_rule"]
    assert report["alerts_by_kind"]["warning-accepted"] > 0
    assert {"ok": True, "differences": []} == {
        k: report["verify"][k] for k in ("ok", "differences")
    }
    official = report["official"]
    assert (5, 4, 1) == (official["compared"], official["equal"], official["different"])
    (abroad,) = official["differences"]
    assert "149901" == abroad["gmina_teryt"]
    assert abroad["explained"]
    assert "4 precinct(s)" in abroad["explanation"]
    for figures in (report["latency_ms"], report["lag_ms"]):
        assert None not in (figures["p50"], figures["p95"], figures["p99"])
    assert report["throughput_per_s"] > 0
    assert "official totals: 4 of 5 units equal" in done.stdout


@pytest.mark.slow
def test_a_paced_drill_on_the_embedded_default_fails_on_a_difference(tmp_path: Path) -> None:
    """Self-contained (its own nats-server in a fresh directory under the working directory),
    paced 600 times faster than the night; an official total that disagrees is exit 1."""
    drill = tmp_path / "drill"
    import_pkw(EXCERPT, drill)
    protocols = (drill / "protocols.jsonl").read_text().splitlines()
    (drill / "protocols.jsonl").write_text(
        "\n".join(line for line in protocols if '"teryt":"020106"' in line) + "\n"
    )
    official = [json.loads(line) for line in (drill / "official.jsonl").read_text().splitlines()]
    warta = next(row for row in official if row["gmina_teryt"] == "020106")
    warta["votes"]["Andrzej Sebastian DUDA"] += 1
    (drill / "official.jsonl").write_text(json.dumps(warta, ensure_ascii=False) + "\n")
    report_file = tmp_path / "report.json"
    done = _drill(tmp_path, drill, "--speed", "600", "--report", str(report_file))
    assert 1 == done.returncode, done.stdout + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert report["verify"]["ok"]  # the system did its job; the published total is off by one
    (difference,) = report["official"]["differences"]
    assert not difference["explained"]
    duda = difference["votes"]["Andrzej Sebastian DUDA"]
    assert duda["official"] == duda["tally"] + 1
    assert "UNEXPLAINED" in done.stdout
    (stage,) = tmp_path.glob("drill-*")
    assert (stage / "nats" / "jetstream").is_dir()
    ready = next(
        json.loads(line) for line in done.stderr.splitlines() if "drill.stage_ready" in line
    )
    assert not pid_alive(ready["pid"])


@pytest.mark.slow
def test_a_generated_national_sample_drills_clean_and_every_plant_is_caught(
    tmp_path: Path,
) -> None:
    """`tally drill generate --national` (a sample of whole powiats) played end to end: turnout
    reports, refused first attempts, corrections, runoffs; every tally equals the input and
    every planted discrepancy is alerted (or refused at the door) — then one plant too many,
    which nothing can catch, fails the drill."""
    drill = tmp_path / "national"
    made = subprocess.run(
        [*TALLY, "drill", "generate", "--national", "--seed", "4", "--gminas", "12",
         "--out", str(drill)],
        env=cli_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert 0 == made.returncode, made.stderr[-3000:]
    summary = json.loads(made.stdout)
    assert summary["night"]["expect"] >= len(set(alerts.KINDS))
    report_file = tmp_path / "report.json"
    night_env = {"NATS_URL": session_url(), "NATS_STREAM": fresh_stream(),
                 "TALLY_SIGNING_KEYS": SIGNING_KEYS}  # fmt: skip
    done = _drill(tmp_path, drill, "--report", str(report_file), **night_env)
    assert 0 == done.returncode, done.stdout + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    _public_export_recomputes_the_views(tmp_path, night_env)
    assert KEYS == set(report)
    submissions = report["submissions"]
    assert submissions["accepted"] == submissions["protocols"]
    assert submissions["turnout_reports"] > 0
    assert submissions["first_attempts_refused"] > 0
    assert submissions["corrections"] > 0
    assert {"ok": True, "differences": []} == {
        k: report["verify"][k] for k in ("ok", "differences")
    }
    assert 0 == report["verify"]["planted"]["missed"]
    assert set(alerts.KINDS) - {"turnout-over-100"} <= set(report["alerts_by_kind"])
    contests = {row["contest"].split(":")[0] for row in report["tallies"]}
    assert {"council", "mayor", "county-council", "regional-assembly"} <= contests
    results = report["results"]
    assert results["established"] == results["expected"] > 0, results
    assert [] == results["failed"]
    assert results["runoffs_opened"] > 0  # by establishing round 1: the definition names none
    assert results["by_decision"].get("mayor runoff") == results["runoffs_opened"]
    assert results["established"] == report["verify"]["results_recomputed"]

    never = {"action": "expect", "kind": "outlier", "teryt": "020101", "precinct": 999}
    with (drill / "night.jsonl").open("a") as night:
        night.write(json.dumps(never) + "\n")
    failed = _drill(tmp_path, drill, NATS_URL=session_url(), NATS_STREAM=fresh_stream())
    assert 1 == failed.returncode, failed.stdout + failed.stderr[-3000:]
    assert "planted-not-alerted" in failed.stdout + failed.stderr


SIGNING_KEYS = "k1=" + "A" * 43


def _public_export_recomputes_the_views(folder: Path, night_env: dict[str, str]) -> None:
    """The drilled night's public export verifies with the standalone verifier, and the gmina
    tallies it recomputes equal the views (as the project's own folds rebuild them from the
    log, which the drill checked against the live views)."""
    export = folder / "public.jsonl"

    def tally(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*TALLY, "audit", *args, "--data-dir", str(folder / "audit")],
                              env=cli_env(**night_env), capture_output=True, text=True,
                              timeout=300, check=False)  # fmt: skip

    exported = tally("export", "--public", str(export))
    assert 0 == exported.returncode, exported.stdout + exported.stderr[-3000:]
    checked = subprocess.run([sys.executable, str(VERIFIER), str(export), "--json"],
                             capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert 0 == checked.returncode, checked.stdout[-3000:]
    verified = json.loads(checked.stdout)
    replayed = json.loads(tally("replay", "--json").stdout)
    views = [row for row in replayed["tallies"]
             if row["level"] == "gmina" and row["precincts"] > 0]  # fmt: skip
    assert len(views) > 100

    def canonical(rows: list[dict[str, object]]) -> list[str]:
        return sorted(json.dumps(row, sort_keys=True) for row in rows)

    assert canonical(views) == canonical(verified["tallies"])
    assert len(verified["results"]) > 0


RUNOFF = sorted(
    (Path(__file__).resolve().parents[1] / "data" / "pkw-2020-r2-synthetic").glob("*.zip")
)


def _load(definition: Path, stream: str) -> dict:
    done = subprocess.run(
        [*TALLY, "election", "load", str(definition), "--json"],
        env=cli_env(NATS_URL=session_url(), NATS_STREAM=stream),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert 0 == done.returncode, done.stdout + done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_runoff_loads_over_its_recorded_first_round(tmp_path: Path) -> None:
    """Round 1 recorded, then the runoff's directory (made with --first-round): the same
    election, only the runoff pair added."""
    import_pkw(EXCERPT, tmp_path / "r1")
    import_pkw(RUNOFF, tmp_path / "r2", first_round=tmp_path / "r1")
    stream = fresh_stream()
    assert "recorded" == _load(tmp_path / "r1" / "definition.json", stream)["status"]
    second = _load(tmp_path / "r2" / "definition.json", stream)
    assert ("recorded", 2) == (second["status"], second["events"])  # the pair and the load's record


@pytest.mark.slow
def test_a_runoff_drills_end_to_end_as_round_2(tmp_path: Path) -> None:
    """PKW's layout of a runoff (the struck-off reason blank everywhere): every precinct
    accepted and confirmed as round 2, every tally equal to the input and to PKW's totals."""
    drill = tmp_path / "runoff"
    import_pkw(EXCERPT, tmp_path / "r1")
    import_pkw(RUNOFF, drill, first_round=tmp_path / "r1")
    report_file = tmp_path / "report.json"
    done = _drill(tmp_path, drill, "--max", "--report", str(report_file),
                  NATS_URL=session_url(), NATS_STREAM=fresh_stream())  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert {2} == {row["round"] for row in report["tallies"]}
    assert (211, 211, 211) == (report["submissions"]["protocols"],
                               report["submissions"]["accepted"],
                               report["submissions"]["confirmed"])  # fmt: skip
    assert report["verify"]["ok"]
    assert (5, 5) == (report["official"]["compared"], report["official"]["equal"])
    wesola = next(row for row in report["tallies"] if row["gmina_teryt"] == "146515")
    assert set(wesola["votes"]) == {"Andrzej Sebastian DUDA", "Rafał Kazimierz TRZASKOWSKI"}
