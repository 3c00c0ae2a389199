"""``tally results apportion``: a real election's seats reproduced district by district, every
problem of a bad file named with its path and rule, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.cli.main import main

if TYPE_CHECKING:
    import pytest

SEJM = Path(__file__).parents[1] / "data" / "sejm2019"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["results", "apportion", *args])
    return code, capsys.readouterr().out


def test_the_sejm_2019_seats_come_out_as_pkw_announced_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run([str(SEJM / "apportion.json"), "--json"], capsys)
    found = json.loads(out)
    official = json.loads((SEJM / "official-seats.json").read_text(encoding="utf-8"))
    assert 0 == code
    for district, seats in official["districts"].items():
        assert seats == {name: n for name, n in found["seats"][district].items() if n}, district
    assert official["totals"] == {name: n for name, n in found["totals"].items() if n}
    assert {"KO", "Konf", "PSL", "PiS", "SLD", "MN"} == set(found["passed"])
    assert [] == found["ties"]
    assert 460 == sum(found["totals"].values())
    assert {"kw.444.1"} == set(found["rules"])


def test_the_table_names_the_lists_the_seats_and_the_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run([str(SEJM / "apportion.json")], capsys)
    assert 0 == code
    assert "passed the threshold: KO, Konf, PSL, PiS, SLD, MN" in out
    assert "   total        134         11         30        235         49" in out
    assert "art. 444 § 1" in out


def _write(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_a_tie_at_the_last_seat_is_reported_with_its_exact_quotient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"threshold_percent": 5, "seats": {"7": 5},
                "votes": {"7": {"A": 500, "B": 500, "C": 100}}}  # fmt: skip
    code, out = _run([_write(tmp_path, document), "--json"], capsys)
    found = json.loads(out)
    assert 0 == code
    assert {"A": 2, "B": 2, "C": 0} == found["seats"]["7"]
    assert [{"district": "7", "lists": ["A", "B"], "quotient": "500/3", "seats": 1,
             "after": "kw.444.2.votes"}] == found["ties"]  # fmt: skip


def test_decimal_and_per_list_thresholds_are_read_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"threshold_percent": 0.1, "list_thresholds": {"K": 8},
                "seats": {"1": 10}, "votes": {"1": {"A": 9_990, "B": 10, "K": 0}}}  # fmt: skip
    code, out = _run([_write(tmp_path, document), "--json"], capsys)
    assert 0 == code
    assert ["A", "B"] == json.loads(out)["passed"]  # B: 0.1% exactly (a float would miss it)


def test_every_problem_of_a_bad_file_is_named_with_path_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"seats": {"1": 0, "2": 3}, "votes": {"1": {"A": -4}, "2": {"A": 1}}, "extra": 1}
    code, out = _run([_write(tmp_path, document), "--json"], capsys)
    problems = {(p["path"], p["rule"]) for p in json.loads(out)["problems"]}
    assert 1 == code
    assert {("$.seats.1", "schema.type"), ("$.votes.1.A", "schema.type"),
            ("$.extra", "schema.unknown_field")} == problems  # fmt: skip
    document = {"threshold_percent": 150, "list_thresholds": {"Z": 8}, "seats": {"1": 3},
                "votes": {"2": {"A": 1}}, "candidates": {"2": {"B": 4}}}  # fmt: skip
    code, out = _run([_write(tmp_path, document)], capsys)
    assert 1 == code
    for expected in ("$.threshold_percent  [apportion.threshold.range]",
                     "$.votes.2  [apportion.district.no_seats]",
                     "$.seats.1  [apportion.district.no_votes]",
                     "$.list_thresholds.Z  [apportion.list.unknown]",
                     "$.candidates.2.B  [apportion.list.unknown]"):  # fmt: skip
        assert expected in out


def test_a_file_that_is_not_json_or_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out = _run([str(broken)], capsys)
    assert (1, "[json.syntax]") == (code, out.split()[1])
    assert 2 == main(["results", "apportion", str(tmp_path / "absent.json")])
    assert "cannot read" in capsys.readouterr().err
