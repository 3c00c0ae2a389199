"""PKW's archives, damaged every way a download or a spreadsheet can damage them, are read or
refused with the place of the damage: never any other exception."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from schemas.commands import SubmitProtocol
from schemas.definition import ElectionDefinition
from services.tools.drill.pkw_import import PkwFileError, PkwImportError, import_pkw
from tests.mutations import attempt, damaged_bytes, damaged_csv

DATA = Path(__file__).resolve().parents[1] / "data"
LOCATED = {"archive", "member", "line", "precinct", "column", "value", "reason"}


def _text(archive: Path, rows: int | None = None) -> tuple[str, str]:
    """The member's name and text; the first ``rows`` rows only, to keep examples quick."""
    with zipfile.ZipFile(archive) as bundle:
        (member,) = bundle.namelist()
        text = bundle.read(member).decode("utf-8")
    if rows is not None:
        text = "".join(text.splitlines(keepends=True)[: rows + 1])
    return member, text


SOURCES = {
    round_dir: {
        "precincts": _text(DATA / round_dir / "wyniki_gl_na_kand_po_obwodach_csv.zip", 12),
        "gminas": _text(DATA / round_dir / "wyniki_gl_na_kand_po_gminach_csv.zip"),
        "candidates": _text(DATA / round_dir / "kandydaci_csv.zip"),
    }
    for round_dir in ("pkw-2020-r1", "pkw-2020-r2-synthetic")
}


def _write(directory: Path, member: str, data: bytes, container: str) -> Path:
    if container == "csv":
        path = directory / member
        path.write_bytes(data)
        return path
    path = directory / (member.removesuffix("_utf8.csv") + "_csv.zip")
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(member, data)
    if container == "damaged-zip":
        whole = path.read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    return path


def _check_written(out: Path, report: dict[str, object]) -> None:
    """What an import writes is readable by the drill: the definition and every protocol."""
    msgspec.json.decode((out / "definition.json").read_bytes(), type=ElectionDefinition)
    for line in (out / "protocols.jsonl").read_bytes().splitlines():
        msgspec.json.decode(line, type=SubmitProtocol)
    unreadable = report["unreadable"]
    assert isinstance(unreadable, list)
    for cell in unreadable:
        assert set(cell) == LOCATED, cell
        assert isinstance(cell["line"], int)
        assert cell["line"] >= 2, cell


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_archives_are_read_or_refused_with_their_place(data: st.DataObject) -> None:
    """Blank, `-`, spaces, separators, quotes, BOM or not, CRLF, columns missing or extra, rows
    cut short: the import either reports what it skipped or names the file and line."""
    round_dir = data.draw(st.sampled_from(sorted(SOURCES)))
    damaged = data.draw(st.sampled_from(["precincts", "gminas", "candidates"]))
    level = data.draw(st.sampled_from(["csv", "csv", "bytes"]))
    container = data.draw(st.sampled_from(["zip", "csv", "damaged-zip"]))
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        archives = []
        for kind, (member, text) in SOURCES[round_dir].items():
            if kind != damaged:
                archives.append(_write(directory, member, text.encode("utf-8"), "zip"))
                continue
            bytes_ = (
                data.draw(damaged_csv(text))
                if level == "csv"
                else data.draw(damaged_bytes(text.encode("utf-8")))
            )
            archives.append(_write(directory, member, bytes_, container))
        out = directory / "out"
        report, error = attempt(lambda: import_pkw(archives, out), PkwImportError)
        if isinstance(error, PkwFileError):
            event("refused: a file cannot be read")
            assert error.archive in {str(a) for a in archives}
            assert error.archive in str(error)
        elif error is not None:
            event("refused: the archives do not make an election")
            assert str(error)
        else:
            assert report is not None
            event(f"imported, {'some' if report['unreadable'] else 'no'} value unreadable")
            _check_written(out, report)


def test_every_committed_archive_imports_without_a_skip_it_does_not_explain() -> None:
    """The fixtures themselves read cleanly: only PKW's own '-' precincts are skipped."""
    with tempfile.TemporaryDirectory() as scratch:
        for round_dir in sorted(SOURCES):
            report = import_pkw(sorted((DATA / round_dir).glob("*.zip")), Path(scratch) / round_dir)
            assert ([], [], 4) == (report["unreadable"], report["skipped_unreadable"],
                                   len(report["skipped_no_result"]))  # fmt: skip
