"""`tally drill import-pkw` on the committed excerpt of PKW's 2020 round-1 archives."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import TYPE_CHECKING

import msgspec
import pytest

from schemas.commands import SubmitProtocol
from schemas.definition import ElectionDefinition, PresidentContest
from services.cli import main
from services.drill.pkw_import import PkwImportError, import_pkw

if TYPE_CHECKING:
    from pathlib import Path

DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"
EXCERPT = sorted((DATA / "pkw-2020-r1").glob("*.zip"))
PRECINCTS = DATA / "pkw-2020-r1" / "wyniki_gl_na_kand_po_obwodach_csv.zip"
CANDIDATES = DATA / "pkw-2020-r1" / "kandydaci_csv.zip"


def _protocols(out: Path) -> list[SubmitProtocol]:
    lines = (out / "protocols.jsonl").read_bytes().splitlines()
    return [msgspec.json.decode(line, type=SubmitProtocol) for line in lines]


def test_the_excerpt_becomes_a_drill_directory(tmp_path: Path) -> None:
    report = import_pkw(EXCERPT, tmp_path)
    definition = msgspec.json.decode(
        (tmp_path / "definition.json").read_bytes(), type=ElectionDefinition
    )
    assert ("prezydent-2020", 1) == (report["election"], report["round"])
    assert ["020101", "020106", "146515", "149801", "149901"] == [u.teryt for u in definition.units]
    assert 211 == report["precincts"] == report["protocols"] == len(_protocols(tmp_path))
    assert {} == report["refused_by_rule"]
    # The four military precincts abroad: no TERYT code, every cell "-": skipped, not guessed.
    assert 4 == len(report["skipped_no_result"])
    assert {"149901"} == {s["gmina_teryt"] for s in report["skipped_no_result"]}
    contest = definition.contests[0]
    assert isinstance(contest, PresidentContest)
    assert "Andrzej Sebastian DUDA" in {c.name for c in contest.candidates}
    assert () == contest.runoff
    assert "2020-06-28" == definition.election.rounds[0].date.isoformat()


def test_numbers_are_exactly_as_the_commission_filled_them_in(tmp_path: Path) -> None:
    import_pkw(EXCERPT, tmp_path)
    first = next(p for p in _protocols(tmp_path) if (p.key.teryt, p.key.precinct) == ("020101", 1))
    committed = (DATA / "pkw-2020-r1-boleslawiec.jsonl").read_text().splitlines()
    expected = json.loads(committed[1])
    for field, value in expected.items():
        if field not in ("precinct", "type", "candidates"):
            assert value == getattr(first.content, field), field
    assert expected["candidates"] == [c.votes for c in first.content.candidates]


def test_warnings_carry_a_generic_explanation(tmp_path: Path) -> None:
    import_pkw(EXCERPT, tmp_path)
    explained = [p for p in _protocols(tmp_path) if p.content.explanations]
    ships = [p for p in explained if p.key.teryt == "149801"]
    assert 7 == len(ships)
    assert all("PKW" in text for p in explained for text in p.content.explanations.values())
    assert 3 == sum(1 for p in explained if p.key.teryt == "020101")


def test_official_totals_are_kept_when_given(tmp_path: Path) -> None:
    import_pkw(EXCERPT, tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "official.jsonl").read_text().splitlines()]
    assert 5 == len(rows)
    wesola = next(r for r in rows if r["gmina_teryt"] == "146515")
    assert wesola["votes"]["Andrzej Sebastian DUDA"] > 0
    assert wesola["fields"]["eligible_voters"] > 0
    without = tmp_path / "without"
    assert not import_pkw([PRECINCTS, CANDIDATES], without)["official_totals"]
    assert not (without / "official.jsonl").exists()


def test_the_round_follows_from_the_candidates_in_the_results(tmp_path: Path) -> None:
    """Round 2's candidate file has no round column: two finalists' columns mean round 2.
    (Round 1's results cut down to the two finalists stand in for a round-2 file.)"""
    with zipfile.ZipFile(PRECINCTS) as bundle:
        (member,) = bundle.namelist()
        rows = list(csv.reader(io.StringIO(bundle.read(member).decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    first = header.index("Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów") + 1
    keep = [i for i, name in enumerate(header) if i < first or "DUDA" in name or "TRZASK" in name]
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows([[row[i] for i in keep] for row in rows])
    runoff = tmp_path / "wyniki_gl_na_kand_po_obwodach_utf8.csv"
    runoff.write_text("\ufeff" + text.getvalue(), encoding="utf-8")
    report = import_pkw([runoff, CANDIDATES], tmp_path / "out")
    definition = msgspec.json.decode(
        (tmp_path / "out" / "definition.json").read_bytes(), type=ElectionDefinition
    )
    assert 2 == report["round"]
    contest = definition.contests[0]
    assert isinstance(contest, PresidentContest)
    assert (3, 9) == tuple(sorted(contest.runoff))
    # Cutting the other candidates' columns unbalances every protocol: refused, by rule code.
    assert {"R401": 211} == report["refused_by_rule"]


def test_missing_archives_are_named(tmp_path: Path) -> None:
    with pytest.raises(PkwImportError, match="kandydaci"):
        import_pkw([PRECINCTS], tmp_path)


def test_the_command_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == main(["drill", "import-pkw", *map(str, EXCERPT), "--out", str(tmp_path)])
    summary = json.loads(capsys.readouterr().out)
    assert 4 == summary["skipped_no_result"]
    assert 211 == summary["protocols"]
