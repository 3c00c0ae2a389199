"""`tally drill import-pkw` on the committed excerpt of PKW's 2020 round-1 archives."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from schemas.commands import SubmitProtocol
from schemas.definition import ElectionDefinition, PresidentContest
from services.cli.main import main
from services.tools.drill.pkw_import import PkwFileError, PkwImportError, import_pkw
from tests.pkw_runoff import make as make_runoff

if TYPE_CHECKING:
    from collections.abc import Callable
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


RUNOFF = sorted((DATA / "pkw-2020-r2-synthetic").glob("*.zip"))
RUNOFF_PRECINCTS = DATA / "pkw-2020-r2-synthetic" / "wyniki_gl_na_kand_po_obwodach_csv.zip"
RUNOFF_CANDIDATES = DATA / "pkw-2020-r2-synthetic" / "kandydaci_csv.zip"


def _rewritten(archive: Path, tmp_path: Path, change: Callable[[list[list[str]]], None]) -> Path:
    """The archive's CSV with ``change`` applied to its rows (header first), as a .csv file."""
    with zipfile.ZipFile(archive) as bundle:
        (member,) = bundle.namelist()
        text = bundle.read(member).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    change(rows)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / member
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return path


def test_the_committed_runoff_fixture_is_what_its_maker_makes(tmp_path: Path) -> None:
    """tests/pkw_runoff.py is the fixture's recipe: the committed archives are its output."""
    make_runoff(tmp_path)
    for archive in RUNOFF:
        assert archive.read_bytes() == (tmp_path / archive.name).read_bytes(), archive.name


def test_a_runoff_imports_as_round_2_with_its_blank_reason_not_applicable(tmp_path: Path) -> None:
    """Two candidates on the ballot: round 2, and the report says why; the struck-off reason
    PKW leaves blank is absent from every protocol, and nothing is refused for it."""
    report = import_pkw(RUNOFF, tmp_path)
    assert (2, "a presidential ballot of exactly two candidates is a runoff") == (
        report["round"], report["round_reason"])  # fmt: skip
    assert (211, {}, []) == (report["protocols"], report["refused_by_rule"], report["unreadable"])
    protocols = _protocols(tmp_path)
    assert {2} == {p.key.round for p in protocols}
    assert {None} == {p.content.invalid_votes_struck_off_only for p in protocols}
    definition = msgspec.json.decode(
        (tmp_path / "definition.json").read_bytes(), type=ElectionDefinition
    )
    contest = definition.contests[0]
    assert isinstance(contest, PresidentContest)
    assert ((1, 2), 2) == (contest.runoff, len(contest.candidates))


def test_a_runoff_extends_its_first_round_when_given(tmp_path: Path) -> None:
    """--first-round: round 1's definition with the finalists (found by name) as the runoff
    pair, and the runoff's votes under their round-1 ballot positions."""
    import_pkw(EXCERPT, tmp_path / "r1")
    report = import_pkw(RUNOFF, tmp_path / "r2", first_round=tmp_path / "r1")
    assert 2 == report["round"]
    first = (tmp_path / "r1" / "definition.json").read_bytes()
    r1 = msgspec.json.decode(first, type=ElectionDefinition)
    r2 = msgspec.json.decode((tmp_path / "r2" / "definition.json").read_bytes(),
                             type=ElectionDefinition)  # fmt: skip
    contest = r2.contests[0]
    assert isinstance(contest, PresidentContest)
    assert (3, 9) == contest.runoff
    assert msgspec.structs.replace(contest, runoff=()) == r1.contests[0]
    assert (r1.units, r1.committees, r1.election) == (r2.units, r2.committees, r2.election)
    runoff = _protocols(tmp_path / "r2")
    assert {(3, 9)} == {tuple(c.position for c in p.content.candidates) for p in runoff}


def test_the_round_can_be_given(tmp_path: Path) -> None:
    """--round overrides the inference; a runoff needs exactly two candidates."""
    report = import_pkw(RUNOFF, tmp_path / "one", round_number=1)
    assert (1, "given with --round") == (report["round"], report["round_reason"])
    with pytest.raises(PkwImportError, match="two candidates; these hold 11"):
        import_pkw(EXCERPT, tmp_path / "two", round_number=2)


def test_a_blank_required_count_skips_the_precinct_and_says_where(tmp_path: Path) -> None:
    """Blank ballots-from-the-box in one row: that precinct is reported with its archive,
    member, line, column and value, and left out; the rest is imported."""

    def blank(rows: list[list[str]]) -> None:
        rows[3][rows[0].index("Liczba kart wyjętych z urny")] = ""

    precincts = _rewritten(PRECINCTS, tmp_path, blank)
    report = import_pkw([precincts, CANDIDATES], tmp_path / "out")
    (cell,) = report["unreadable"]
    assert {"archive": str(precincts), "member": precincts.name, "line": 4,
            "precinct": "020101-3", "column": "Liczba kart wyjętych z urny", "value": "",
            "reason": "blank where a count is required"} == cell  # fmt: skip
    assert [{"gmina_teryt": "020101", "precinct": 3, "address": cell_address(precincts, 4)}] == (
        report["skipped_unreadable"])  # fmt: skip
    assert 210 == report["protocols"]


def cell_address(path: Path, line: int) -> str:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""),
                               delimiter=";"))  # fmt: skip
    return rows[line - 2]["Siedziba"]


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda rows: rows[0].remove("Liczba kart ważnych"), "line 1: missing column(s): Liczba"),
        (lambda rows: rows[0].__setitem__(5, rows[0][4]), "line 1: column(s) named twice"),
        (lambda rows: rows.clear(), "empty: no header line"),
    ],
    ids=["a count column missing", "a column twice", "empty"],
)
def test_a_file_that_cannot_be_read_is_exit_1_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, says: str
) -> None:
    """The importer's own error names the file and the line; the command exits 1."""
    precincts = _rewritten(PRECINCTS, tmp_path, damage)
    assert 1 == main(["drill", "import-pkw", str(precincts), str(CANDIDATES),
                      "--out", str(tmp_path / "out")])  # fmt: skip
    error = json.loads(capsys.readouterr().out)["error"]
    assert str(precincts) in error
    assert says in error


def test_an_archive_that_is_not_one_is_named(tmp_path: Path) -> None:
    """A damaged zip and a stray file: refused with the file's name, never a bare exception."""
    broken = tmp_path / "wyniki_gl_na_kand_po_obwodach_csv.zip"
    broken.write_bytes(PRECINCTS.read_bytes()[:-200])
    with pytest.raises(PkwFileError, match=str(broken)):
        import_pkw([broken, CANDIDATES], tmp_path / "out")
    stray = tmp_path / "notes.txt"
    stray.write_text("nothing")
    with pytest.raises(PkwFileError, match=r"neither a zip archive nor a \.csv file"):
        import_pkw([stray, PRECINCTS, CANDIDATES], tmp_path / "out")
