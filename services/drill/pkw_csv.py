"""PKW's "dane w arkuszach" for a presidential election, 2020 layout: reading the archives.

Files are `;`-separated, UTF-8 with a byte-order mark, with Polish headers; a cell printed as `-`
means "no result published" (never zero). The same semantic names as ``schemas.protocol`` are
given to PKW's columns here, once.
"""

from __future__ import annotations

import csv
import io
import zipfile
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
PRECINCTS: Final = "wyniki_gl_na_kand_po_obwodach"
GMINAS: Final = "wyniki_gl_na_kand_po_gminach"
CANDIDATES: Final = "kandydaci"
NO_RESULT: Final = "-"


def tables(archives: list[Path]) -> dict[str, list[dict[str, str]]]:
    """The CSV tables of the archives (zip files, or CSV files given directly), by kind."""
    found: dict[str, list[dict[str, str]]] = {}
    for archive in archives:
        for name, text in _texts(archive):
            for kind in (PRECINCTS, GMINAS, CANDIDATES):
                if name.startswith(kind):
                    found[kind] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return found


def _texts(archive: Path) -> Iterator[tuple[str, str]]:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                if member.lower().endswith(".csv"):
                    yield member.rsplit("/", 1)[-1], bundle.read(member).decode("utf-8-sig")
    else:
        yield archive.name, archive.read_text(encoding="utf-8-sig")
