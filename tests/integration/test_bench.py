"""`tally bench --json` prints every figure the benchmark report promises (a small run: the
figures themselves are the benchmark's business, not a test's)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.processes import TALLY, cli_env

PATHS = {
    "store append (insert_events, 1 event)": "raw_publish",
    "command over NATS (submit)": "raw_publish",
    "HTTP submit (gateway)": "raw_publish",
    "view rebuild (all views)": "raw_ordered_replay",
}


@pytest.mark.slow
def test_bench_json_has_baselines_paths_and_ratios() -> None:
    done = subprocess.run(
        [
            *TALLY,
            "bench",
            "--json",
            "--submissions",
            "120",
            "--concurrency",
            "4",
            "--command-processes",
            "2",
        ],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert 0 == done.returncode, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert {"machine", "baselines", "paths"} == set(report)
    assert report["machine"]["nats_server_sync"] == "always"
    assert report["machine"]["command_processes"] == 2
    assert {"raw_publish", "raw_ordered_replay"} == set(report["baselines"])
    assert all(b["events_per_s"] > 0 for b in report["baselines"].values())
    paths = {p["name"]: p for p in report["paths"]}
    for name, baseline in PATHS.items():
        path = paths[name]
        assert baseline == path["baseline"]
        assert path["events_per_s"] > 0
        # The report rounds ratios to three decimals: allow a unit of the last one.
        assert path["ratio"] == pytest.approx(
            path["events_per_s"] / report["baselines"][baseline]["events_per_s"], abs=0.001
        )
    for name in list(PATHS)[:3]:
        figures = paths[name]
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert any(name.startswith("view rebuild: tally") for name in paths)


def test_bench_pages_prints_render_and_validate_figures_against_a_baseline() -> None:
    done = subprocess.run([*TALLY, "bench", "pages", "--json", "--requests", "5"],
                          env=cli_env(), capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    assert 0 == done.returncode, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert (10, 15) == (report["lists"], report["candidates_per_list"])
    assert ["protocol page render", "validate round trip while typing"] == [
        path["name"] for path in report["paths"]]  # fmt: skip
    for row in [report["baseline"], *report["paths"]]:
        assert 0 < row["median_ms"] <= row["p99_ms"]
        assert row["ratio_to_baseline"] > 0


def test_bench_public_reads_the_screen_against_a_baseline_and_counts_screens_per_change() -> None:
    done = subprocess.run([*TALLY, "bench", "public", "--json", "--precincts", "10",
                           "--readers", "20", "--seconds", "1", "--changes", "3"],
                          env=cli_env(), capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    assert 0 == done.returncode, done.stderr[-3000:]
    report = json.loads(done.stdout)
    for phase in ("baseline", "quiet", "changing"):
        row = report[phase]
        assert row["requests"] > 0, row
        assert 0 == row["failures"], row
        assert 0 < row["p50_ms"] <= row["p99_ms"]
    assert 1 <= report["screens_seen_while_changing"] <= 3 + 1  # at most one per change
    assert report["server_cpu_ms_per_request"] > 0


def test_bench_paper_prints_a_citys_templates_against_one_precincts() -> None:
    done = subprocess.run([*TALLY, "bench", "paper", "--json", "--precincts", "6"],
                          env=cli_env(), capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    assert 0 == done.returncode, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert (6, 2, 12) == (report["precincts"], report["contests"], report["documents"])
    assert report["pages"] > report["documents"]  # a council's lists take several pages
    assert 0 < report["megabytes"]
    assert 0 < report["gather_s"] <= report["total_s"]
    assert 2 == report["baseline"]["documents"]
    assert report["ratio"] > 0


def test_bench_faults_keeps_every_acknowledged_submission_through_a_killed_service() -> None:
    """The cluster rehearsal, one fault: a command service killed at a fixed pace."""
    done = subprocess.run([*TALLY, "bench", "faults", "--json", "--rate", "20", "--down", "2",
                           "--fault", "commands-1 killed"], env=cli_env(), capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert 0 == done.returncode, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout)
    ((fault),) = report["faults"]
    assert ("commands-1 killed", 0, 0) == (fault["fault"], fault["lost"], fault["duplicated"])
    assert fault["acknowledged"] > 0
    assert 0 < fault["longest_gap_s"] < 15
    assert report["acknowledged"] == report["sent"]
    assert report["views_equal_rebuild"], report["audit_problems"]
