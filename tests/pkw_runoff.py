"""A runoff fixture in PKW's layout, made from the committed round-1 excerpt.

PKW publishes a runoff ("ponowne głosowanie") in the same "dane w arkuszach" layout as round 1;
only round 1 of 2020 is at hand, so this makes the runoff of the same five units: the candidates
file lists the two finalists at their runoff ballot positions; each precinct keeps its ballot
accounting, the votes of the eliminated candidates go to the finalists (a fixed share, so the
result is reproducible), and the "w tym ... skreślonego" column is blank in every row, as PKW
publishes a round where nobody was struck off (its voters move to "no mark", so every sum still
holds). The gmina totals are the sums of the published precincts. ``python -m tests.pkw_runoff``
writes ``tests/data/pkw-2020-r2-synthetic/``; a test checks the committed files are what this
makes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import zipfile
from pathlib import Path
from typing import Final

DATA: Final = Path(__file__).resolve().parent / "data"
ROUND_1: Final = DATA / "pkw-2020-r1"
RUNOFF: Final = DATA / "pkw-2020-r2-synthetic"
FINALISTS: Final = ("Andrzej Sebastian DUDA", "Rafał Kazimierz TRZASKOWSKI")
SURNAMES: Final = ("DUDA", "TRZASKOWSKI")
STRUCK_OFF: Final = (
    "W tym z powodu postawienia znaku „X” wyłącznie obok skreślonego nazwiska kandydata"
)
NO_MARK: Final = "W tym z powodu niepostawienia znaku „X” obok nazwiska żadnego kandydata"
VALID_VOTES: Final = "Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów"
TEXT_COLUMNS: Final = frozenset({"Symbol kontrolny", "Kod TERYT", "Typ gminy", "Typ obszaru",
    "Typ obwodu", "Siedziba", "Gmina", "Powiat", "Województwo", "Rodzaj jednostki"})  # fmt: skip
# 2020's runoff in the country: Duda 51.03 %; the eliminated candidates' voters split like that.
DUDA_SHARE_PERCENT: Final = 51
ZIP_TIME: Final = (2026, 11, 30, 12, 0, 0)


def _read(archive: Path) -> tuple[str, list[str], list[dict[str, str]]]:
    with zipfile.ZipFile(archive) as bundle:
        (member,) = bundle.namelist()
        text = bundle.read(member).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    return member, list(reader.fieldnames or ()), list(reader)


def _cell(column: str, value: str, text_columns: frozenset[str]) -> str:
    if column not in text_columns and (value.isdigit() or value in ("", "-")):
        return value
    return '"' + value.replace('"', '""') + '"'


def _write(path: Path, member: str, header: list[str], rows: list[dict[str, str]],
           text_columns: frozenset[str]) -> None:  # fmt: skip
    lines = [";".join(f'"{name}"' for name in header)]
    lines += [";".join(_cell(c, row[c], text_columns) for c in header) for row in rows]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(info, data)


def _precinct(row: dict[str, str], eliminated: list[str]) -> dict[str, str]:
    if row[VALID_VOTES] == "-":
        return {**row, STRUCK_OFF: "-"}
    others = sum(int(row[name]) for name in eliminated)
    duda = int(row[FINALISTS[0]]) + others * DUDA_SHARE_PERCENT // 100
    runoff = {**row, FINALISTS[0]: str(duda),
              FINALISTS[1]: str(int(row[VALID_VOTES]) - duda)}  # fmt: skip
    runoff[NO_MARK] = str(int(row[NO_MARK]) + int(row[STRUCK_OFF]))
    runoff[STRUCK_OFF] = ""
    seal = hashlib.sha256(";".join(runoff.values()).encode()).hexdigest()[:32]
    runoff["Symbol kontrolny"] = "-".join(seal[i : i + 4] for i in range(0, 32, 4))
    return runoff


def make(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    member, header, rows = _read(ROUND_1 / "wyniki_gl_na_kand_po_obwodach_csv.zip")
    eliminated = [name for name in header[header.index(VALID_VOTES) + 1 :] if name not in FINALISTS]
    keep = [name for name in header if name not in eliminated]
    precincts = [_precinct(row, eliminated) for row in rows]
    _write(out / "wyniki_gl_na_kand_po_obwodach_csv.zip", member, keep, precincts, TEXT_COLUMNS)

    member, header, rows = _read(ROUND_1 / "wyniki_gl_na_kand_po_gminach_csv.zip")
    summed = keep[keep.index("Komisje obwodowe otrzymały kart do głosowania") :]
    totals = []
    for row in rows:
        teryt = row["Kod TERYT"]
        mine = [p for p in precincts if p["Kod TERYT"] == teryt and p[VALID_VOTES] != "-"]
        total = dict(row)
        for column in summed:
            total[column] = str(sum(int(p[column]) for p in mine)) if column != STRUCK_OFF else ""
        totals.append(total)
    gmina_header = [name for name in header if name not in eliminated]
    _write(out / "wyniki_gl_na_kand_po_gminach_csv.zip", member, gmina_header, totals, TEXT_COLUMNS)

    member, header, rows = _read(ROUND_1 / "kandydaci_csv.zip")
    finalists = sorted((r for r in rows if r["Nazwisko"] in SURNAMES), key=lambda r: r["Nazwisko"])
    votes = {FINALISTS[0]: 0, FINALISTS[1]: 0}
    for precinct in precincts:
        if precinct[VALID_VOTES] != "-":
            for name in FINALISTS:
                votes[name] += int(precinct[name])
    for position, candidate in enumerate(finalists, start=1):
        name = f"{candidate['Imiona']} {candidate['Nazwisko']}"
        candidate["Pozycja na karcie"] = str(position)
        candidate["Liczba głosów"] = str(votes[name])
        candidate["Procent wszystkich głosów"] = f"{100 * votes[name] / sum(votes.values()):.2f}"
        candidate["Procent wszystkich głosów"] = candidate["Procent wszystkich głosów"].replace(
            ".", ","
        )
        candidate["Wybrany"] = "Tak" if votes[name] == max(votes.values()) else "Nie"
        candidate["Druga tura"] = "Nie"
    numeric = frozenset({"Pozycja na karcie", "Wiek", "Liczba głosów"})
    _write(out / "kandydaci_csv.zip", member, header, finalists,
           frozenset(header) - numeric)  # fmt: skip


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else RUNOFF)
