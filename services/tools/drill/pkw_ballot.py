"""The candidates of PKW's ``kandydaci`` table, and which round a results table is.

The round is taken from ``--round`` when given; otherwise the archives tell it: the results
holding exactly the candidates the candidates table marks for the second round ("Druga tura"), or
a presidential ballot of exactly two candidates, are a runoff (round 1 always has more). The
reason is kept for the import report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.tools.drill.pkw_csv import CANDIDATE_COLUMNS, PkwFileError, PkwImportError

if TYPE_CHECKING:
    from services.tools.drill.pkw_csv import Table


@dataclass(frozen=True)
class Entry:
    """A candidate as the candidates table lists them."""

    position: int
    name: str
    """First names, then SURNAME: how PKW's results header spells the candidate."""
    committee: str
    signature: str
    finalist: bool


@dataclass(frozen=True)
class RoundChoice:
    number: int
    reason: str


def entries(table: Table) -> list[Entry]:
    table.require(CANDIDATE_COLUMNS)
    found: list[Entry] = []
    for row in table.rows:
        position = row.text("Pozycja na karcie")
        first, last = row.text("Imiona"), row.text("Nazwisko")
        if not position.isdigit() or int(position) < 1:
            raise PkwFileError(table.archive, table.member, row.line,
                               f"'Pozycja na karcie' is {row.cells.get('Pozycja na karcie')!r}, "
                               "not a ballot position")  # fmt: skip
        if not first or not last:
            raise PkwFileError(table.archive, table.member, row.line,
                               "a candidate without 'Imiona' or 'Nazwisko'")  # fmt: skip
        found.append(
            Entry(
                position=int(position),
                name=f"{first} {last}",
                committee=row.text("Nazwa komitetu") or f"{first} {last}",
                signature=row.text("Sygnatura"),
                finalist=row.text("Druga tura") == "Tak",
            )
        )
    if not found:
        raise PkwFileError(table.archive, table.member, None, "no candidates")
    listed: dict[str, list[str]] = {
        "position": [str(e.position) for e in found],
        "name": [e.name for e in found],
    }
    for kind, values in listed.items():
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise PkwFileError(table.archive, table.member, None,
                               f"candidate {kind} listed twice: {', '.join(repeated)}")  # fmt: skip
    return found


def year_of(candidates: list[Entry], table: Table) -> int:
    for candidate in candidates:
        match = re.search(r"/(\d{2})$", candidate.signature)
        if match:
            return 2000 + int(match.group(1))
    raise PkwFileError(table.archive, table.member, None,
                       "cannot tell the election year: no committee signature like "
                       "ZPOW-6020-1/20 in 'Sygnatura'")  # fmt: skip


def round_of(candidates: list[Entry], in_results: list[str], given: int | None) -> RoundChoice:
    """Which round the results are, and why."""
    finalists = {c.name for c in candidates if c.finalist}
    if given is not None:
        if given == 2 and len(in_results) != 2:
            raise PkwImportError(
                f"--round 2: a runoff's results hold two candidates; these hold {len(in_results)}"
            )
        return RoundChoice(given, "given with --round")
    if len(in_results) == 2 and set(in_results) == finalists:
        return RoundChoice(2, "the results hold only the two candidates marked 'Druga tura: Tak'")
    if len(in_results) == 2:
        return RoundChoice(2, "a presidential ballot of exactly two candidates is a runoff")
    return RoundChoice(1, f"{len(in_results)} candidates in the results: a first round")
