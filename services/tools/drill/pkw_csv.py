"""PKW's "dane w arkuszach" for a presidential election, 2020 layout: reading the archives.

Files are `;`-separated, UTF-8 with a byte-order mark, with Polish headers; a cell printed as `-`
means "no result published" (never zero), and a count left blank is one that did not apply (a
"w tym" reason nobody had). The same semantic names as ``schemas.protocol`` are given to PKW's
columns here, once.

Nothing read here is trusted: a file that cannot be read at all raises ``PkwFileError`` naming
the archive, the member file and the line; a single cell that cannot be read is the caller's to
report (``Cell.where``), with the archive, member, line, column and the value as printed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

COLUMNS: Final = {
    "Komisje obwodowe otrzymały kart do głosowania": "ballots_received",
    "Liczba wyborców uprawnionych do głosowania": "eligible_voters",
    "Nie wykorzystano kart do głosowania": "ballots_unused",
    "Liczba wyborców, którym wydano karty do głosowania": "ballots_issued",
    "Liczba wyborców głosujących przez pełnomocnika": "proxy",
    "Liczba wyborców głosujących na podstawie zaświadczenia o prawie do głosowania": "certificate",
    "Liczba wyborców, którym wysłano pakiety wyborcze": "packages_sent",
    "Liczba otrzymanych kopert zwrotnych": "envelopes_received",
    "Liczba kopert zwrotnych, w których nie było oświadczenia o osobistym i tajnym oddaniu głosu":
        "envelopes_no_statement",
    "Liczba kopert zwrotnych, w których oświadczenie nie było podpisane":
        "envelopes_unsigned_statement",
    "Liczba kopert zwrotnych, w których nie było koperty na kartę do głosowania":
        "envelopes_no_ballot_envelope",
    "Liczba kopert zwrotnych, w których znajdowała się niezaklejona koperta na kartę do głosowania":
        "envelopes_unsealed",
    "Liczba kopert na kartę do głosowania wrzuconych do urny": "ballot_envelopes_in_box",
    "Liczba kart wyjętych z urny": "ballots_from_box",
    "W tym liczba kart wyjętych z kopert na kartę do głosowania": "ballots_from_envelopes",
    "Liczba kart nieważnych": "invalid_ballots",
    "Liczba kart ważnych": "valid_ballots",
    "Liczba głosów nieważnych": "invalid_votes",
    "W tym z powodu postawienia znaku „X” obok nazwiska dwóch lub większej liczby kandydatów":
        "invalid_votes_multiple_marks",
    "W tym z powodu niepostawienia znaku „X” obok nazwiska żadnego kandydata":
        "invalid_votes_no_mark",
    "W tym z powodu postawienia znaku „X” wyłącznie obok skreślonego nazwiska kandydata":
        "invalid_votes_struck_off_only",
    "Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów": "valid_votes",
}  # fmt: skip
REASONS: Final = frozenset(
    {"invalid_votes_multiple_marks", "invalid_votes_no_mark", "invalid_votes_struck_off_only"}
)
"""The "w tym" reasons of invalid votes: PKW leaves a reason blank where nobody had it, and a
2015-layout file has none of their columns."""
REQUIRED_COUNTS: Final = tuple(column for column, field in COLUMNS.items() if field not in REASONS)
PRECINCT_COLUMNS: Final = (
    "Kod TERYT",
    "Typ gminy",
    "Numer obwodu",
    "Typ obszaru",
    "Typ obwodu",
    "Siedziba",
    "Gmina",
)
CANDIDATE_COLUMNS: Final = ("Pozycja na karcie", "Nazwisko", "Imiona", "Nazwa komitetu")
PRECINCTS: Final = "wyniki_gl_na_kand_po_obwodach"
GMINAS: Final = "wyniki_gl_na_kand_po_gminach"
CANDIDATES: Final = "kandydaci"
NO_RESULT: Final = "-"
_DIGITS: Final = re.compile(r"[0-9]+")


class PkwImportError(Exception):
    pass


class PkwFileError(PkwImportError):
    """A file that cannot be read at all, and where."""

    def __init__(self, archive: Path | str, member: str, line: int | None, message: str) -> None:
        where = f"{archive}" + (f" ({member})" if member and member != str(archive) else "")
        super().__init__(f"{where}{f', line {line}' if line else ''}: {message}")
        self.archive = str(archive)
        self.member = member
        self.line = line


@dataclass(frozen=True)
class Cell:
    """One cell as printed, and where it came from. ``value`` is None when the row ended first."""

    archive: str
    member: str
    line: int
    column: str
    value: str | None

    def where(self, precinct: str | None, reason: str) -> dict[str, object]:
        return {
            "archive": self.archive,
            "member": self.member,
            "line": self.line,
            "precinct": precinct,
            "column": self.column,
            "value": self.value,
            "reason": reason,
        }

    def unreadable_count(self) -> str:
        """Why this cell is not a count."""
        if self.value is None:
            return "the row ends before this column"
        if not self.value.strip():
            return "blank where a count is required"
        return "not a count (digits only)"


class Blank:
    """A count left empty: it did not apply."""


class NoResult:
    """A count printed ``-``: no result was published."""


BLANK: Final = Blank()
NOT_PUBLISHED: Final = NoResult()


@dataclass(frozen=True)
class Row:
    archive: str
    member: str
    line: int
    cells: dict[str, str | None]
    extra: tuple[str, ...]
    """Cells beyond the header's columns (a malformed row)."""

    def cell(self, column: str) -> Cell:
        return Cell(self.archive, self.member, self.line, column, self.cells.get(column))

    def text(self, column: str) -> str:
        """A text cell, surrounding white space dropped; a missing cell reads as empty."""
        return (self.cells.get(column) or "").strip()

    def short(self) -> Cell | None:
        """The first cell the row lacks (it ended early, e.g. a truncated last line)."""
        return next(
            (self.cell(column) for column, value in self.cells.items() if value is None), None
        )

    def overflow(self) -> Cell | None:
        """Cells beyond the header that hold something (empty trailing cells are harmless)."""
        if not any(cell.strip() for cell in self.extra):
            return None
        return Cell(self.archive, self.member, self.line, "(beyond the last column)",
                    ";".join(self.extra))  # fmt: skip


def count(cell: Cell) -> int | Blank | NoResult | None:
    """A count as printed: an integer, blank, ``-``, or None when it cannot be read.

    Only digits are read (white space around them is dropped): PKW prints no separators, and a
    value like ``1 234`` or ``1,234`` is reported rather than guessed.
    """
    if cell.value is None:
        return None
    value = cell.value.strip()
    if not value:
        return BLANK
    if value == NO_RESULT:
        return NOT_PUBLISHED
    return int(value) if _DIGITS.fullmatch(value) else None


@dataclass(frozen=True)
class Table:
    kind: str
    archive: str
    member: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def require(self, columns: tuple[str, ...]) -> None:
        missing = [column for column in columns if column not in self.header]
        if missing:
            raise PkwFileError(self.archive, self.member, 1,
                               f"missing column(s): {', '.join(missing)}")  # fmt: skip


def tables(archives: list[Path]) -> dict[str, Table]:
    """The CSV tables of the archives (zip files, or CSV files given directly), by kind."""
    found: dict[str, Table] = {}
    for archive in archives:
        for member, data in _members(archive):
            base = member.rsplit("/", 1)[-1]
            for kind in (PRECINCTS, GMINAS, CANDIDATES):
                if base.startswith(kind):
                    if kind in found:
                        raise PkwFileError(archive, member, None,
                                           f"a second {kind} table (the first is in "
                                           f"{found[kind].archive})")  # fmt: skip
                    found[kind] = _table(kind, str(archive), member, data)
    return found


def _members(archive: Path) -> Iterator[tuple[str, bytes]]:
    try:
        if not zipfile.is_zipfile(archive):
            if archive.suffix.lower() != ".csv":
                raise PkwFileError(archive, "", None, "neither a zip archive nor a .csv file")
            yield archive.name, archive.read_bytes()
            return
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                if member.lower().endswith(".csv"):
                    try:
                        data = bundle.read(member)
                    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                        raise PkwFileError(archive, member, None,
                                           f"cannot unpack: {error}") from error  # fmt: skip
                    yield member, data
    except OSError as error:
        raise PkwFileError(archive, "", None, f"cannot read: {error.strerror or error}") from error
    except zipfile.BadZipFile as error:
        raise PkwFileError(archive, "", None, f"a damaged zip archive: {error}") from error


def _table(kind: str, archive: str, member: str, data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PkwFileError(archive, member, line,
                           f"not UTF-8 (byte {error.start}: {data[error.start:error.start + 1]!r})"
                           ) from error  # fmt: skip
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader, None)
        if not header:
            raise PkwFileError(archive, member, 1, "empty: no header line")
        header = [name.strip() for name in header]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise PkwFileError(archive, member, 1,
                               f"column(s) named twice: {', '.join(repeated)}")  # fmt: skip
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # an empty line (a file ending in blank lines) holds nothing
            cells: dict[str, str | None] = {
                name: record[index] if index < len(record) else None
                for index, name in enumerate(header)
            }
            rows.append(Row(archive, member, reader.line_num, cells,
                            tuple(record[len(header):])))  # fmt: skip
    except csv.Error as error:
        raise PkwFileError(archive, member, reader.line_num, f"not CSV: {error}") from error
    return Table(kind, archive, member, tuple(header), tuple(rows))
