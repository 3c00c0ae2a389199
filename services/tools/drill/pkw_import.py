"""``tally drill import-pkw ARCHIVE... --out DIR``: a drill directory from PKW's published data.

From the archives alone it infers the election (the year from the committees' signatures, e.g.
``ZPOW-6020-6/20``), the round (``services.tools.drill.pkw_ballot``; ``--round`` overrides it)
and the dates (the known presidential election days). It writes:

* ``definition.json``: the election, one unit per TERYT PKW uses (Warsaw's districts, 149901
  abroad, 149801 ships), their precincts, the president contest with PKW's candidate names;
* ``protocols.jsonl``: one ``SubmitProtocol`` per precinct, the numbers exactly as the commission
  filled them in; a protocol with warnings carries a generic explanation (PKW publishes no notes);
* ``official.jsonl``: PKW's own totals per gmina unit, when the gminas archive is given;
* ``import-report.json``: the round chosen and why; precincts skipped (no published result:
  cells printed ``-``; or a value that cannot be read, each listed in ``unreadable`` with its
  archive, member file, line, precinct, column and value); protocols the election's severity
  profile refuses, by rule code (they are left out).

A runoff (round 2) is the same election as its round 1. Given ``--first-round DIR`` (round 1's
drill directory), the runoff's definition is round 1's with the runoff pair added (finalists
found by name) and any precinct new in round 2, so it loads over a recorded round 1 as the
definition rules allow. Without it, the ballot comes from the candidates archive: round 1's
(every candidate, the finalists marked) keeps the round-1 positions; a runoff's own (the two
finalists) makes a runoff drill of its own, which cannot load over a recorded round 1.

The precincts' eligible-voter estimates are not published; the protocol's own count stands in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import msgspec

from domain.decoding import DecodeError, decode_json
from domain.rules import profile_for, validate
from schemas.commands import SubmitProtocol
from schemas.definition import (
    FORMAT,
    Candidate,
    CommitteeDefinition,
    ElectionDefinition,
    ElectionInfo,
    PrecinctDefinition,
    PresidentContest,
    RoundDefinition,
    UnitDefinition,
)
from schemas.protocol import CandidateVotes, ProtocolContent, Severity
from schemas.validation import ProtocolKey, RuleContext
from services.tools.drill.pkw_ballot import Entry, entries, round_of, year_of
from services.tools.drill.pkw_csv import (
    CANDIDATES,
    GMINAS,
    PRECINCT_COLUMNS,
    PRECINCTS,
    REASONS,
    REQUIRED_COUNTS,
    PkwFileError,
    PkwImportError,
    tables,
)
from services.tools.drill.pkw_rows import (
    NotPublished,
    PrecinctRow,
    Unreadable,
    official_row,
    precinct_row,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["PkwFileError", "PkwImportError", "import_pkw"]

ELECTION_DAYS: Final = {
    2015: (dt.date(2015, 5, 10), dt.date(2015, 5, 24)),
    2020: (dt.date(2020, 6, 28), dt.date(2020, 7, 12)),
    2025: (dt.date(2025, 5, 18), dt.date(2025, 6, 1)),
}
FORMS: Final[dict[int, Literal["2015", "2020", "2025"]]] = {
    2015: "2015", 2020: "2020", 2025: "2025"}  # fmt: skip
EXPLANATION: Final = "Stanowisko komisji niepublikowane przez PKW (import z danych otwartych)"
POSTAL: Final = ("packages_sent", "envelopes_received", "ballot_envelopes_in_box")


@dataclass(frozen=True)
class Ballot:
    candidates: tuple[Candidate, ...]
    committees: tuple[CommitteeDefinition, ...]
    positions: dict[str, int]
    """Results column (the candidate's name) -> ballot position."""
    runoff: tuple[int, ...]


def import_pkw(
    archives: list[Path],
    out: Path,
    *,
    round_number: int | None = None,
    first_round: Path | None = None,
) -> dict[str, Any]:
    found = tables(archives)
    if PRECINCTS not in found or CANDIDATES not in found:
        raise PkwImportError(
            "need the precincts archive (wyniki_gl_na_kand_po_obwodach) and "
            "the candidates archive (kandydaci)"
        )
    candidates = entries(found[CANDIDATES])
    year = year_of(candidates, found[CANDIDATES])
    results = found[PRECINCTS]
    results.require(PRECINCT_COLUMNS + REQUIRED_COUNTS)
    names = {c.name for c in candidates}
    in_results = [column for column in results.header if column in names]
    if not in_results:
        raise PkwFileError(results.archive, results.member, 1,
                           "no column names a candidate of the candidates archive")  # fmt: skip
    choice = round_of(candidates, in_results, round_number)
    code = f"prezydent-{year}"
    base = _first_round(first_round, code) if first_round is not None else None
    ballot = _ballot(candidates, in_results, choice.number, base)
    read = [precinct_row(row, in_results) for row in results.rows]
    rows = [r for r in read if isinstance(r, PrecinctRow)]
    unreadable = [cell for r in read if isinstance(r, Unreadable) for cell in r.cells]
    definition = _definition(code, year, ballot, rows, choice.number, base)
    protocols, refused = _protocols(code, choice.number, definition, rows, ballot)
    out.mkdir(parents=True, exist_ok=True)
    (out / "definition.json").write_bytes(msgspec.json.format(msgspec.json.encode(definition)))
    with (out / "protocols.jsonl").open("wb") as lines:
        for protocol in protocols:
            lines.write(msgspec.json.encode(protocol) + b"\n")
    if GMINAS in found:
        unreadable += _official(found[GMINAS], in_results, out / "official.jsonl")
    report = {
        "election": code,
        "round": choice.number,
        "round_reason": choice.reason,
        "first_round": str(first_round) if first_round is not None else None,
        "units": len(definition.units),
        "precincts": sum(len(u.precincts) for u in definition.units),
        "protocols": len(protocols),
        "skipped_no_result": [r.skipped for r in read if isinstance(r, NotPublished)],
        "skipped_unreadable": [r.skipped for r in read if isinstance(r, Unreadable)],
        "unreadable": unreadable,
        "refused_by_rule": dict(sorted(refused.items())),
        "official_totals": GMINAS in found,
    }
    (out / "import-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def _first_round(directory: Path, code: str) -> ElectionDefinition:
    path = directory / "definition.json"
    try:
        definition = decode_json(path.read_bytes(), ElectionDefinition)
    except OSError as error:
        raise PkwImportError(f"--first-round {directory}: cannot read {path}: {error}") from error
    except DecodeError as error:
        first = error.problems[0]
        raise PkwImportError(
            f"--first-round {path}: not a definition file ({first.path}: {first.message})"
        ) from error
    if definition.election.code != code:
        raise PkwImportError(
            f"--first-round {path} is election {definition.election.code}, the archives {code}"
        )
    if not any(isinstance(c, PresidentContest) for c in definition.contests):
        raise PkwImportError(f"--first-round {path} has no president contest")
    return definition


def _ballot(
    candidates: list[Entry],
    in_results: list[str],
    round_number: int,
    base: ElectionDefinition | None,
) -> Ballot:
    if base is not None:
        contest = next(c for c in base.contests if isinstance(c, PresidentContest))
        positions = {c.name: c.position for c in contest.candidates}
        strangers = [name for name in in_results if name not in positions]
        if strangers:
            raise PkwImportError(
                f"not on round 1's ballot: {', '.join(strangers)} (--first-round is another "
                "election's round 1?)"
            )
        ballot, committees = contest.candidates, base.committees
    else:
        positions = {c.name: c.position for c in candidates}
        ballot = tuple(
            Candidate(position=c.position, name=c.name, committee=f"KW-{c.position:02d}")
            for c in candidates
        )
        committees = tuple(
            CommitteeDefinition(code=f"KW-{c.position:02d}", name=c.committee) for c in candidates
        )
    runoff = tuple(sorted(positions[name] for name in in_results)) if round_number == 2 else ()
    return Ballot(ballot, committees, {n: positions[n] for n in in_results}, runoff)


def _definition(
    code: str,
    year: int,
    ballot: Ballot,
    rows: list[PrecinctRow],
    round_number: int,
    base: ElectionDefinition | None,
) -> ElectionDefinition:
    first, second = ELECTION_DAYS.get(year, (dt.date(year, 1, 1), dt.date(year, 1, 15)))
    units: dict[str, UnitDefinition] = {u.teryt: u for u in base.units} if base else {}
    added: dict[str, list[PrecinctDefinition]] = {}
    for row in rows:
        unit = units.get(row.teryt)
        if unit is None:
            unit = units[row.teryt] = UnitDefinition(
                teryt=row.teryt, name=row.unit_name, kind=row.unit_kind, precincts=()
            )
        if any(p.number == row.number for p in (*unit.precincts, *added.get(row.teryt, ()))):
            continue
        added.setdefault(row.teryt, []).append(
            PrecinctDefinition(
                number=row.number,
                address=row.address,
                type=row.type,
                postal=any(row.counts.get(field) for field in POSTAL),
                eligible_voters=row.eligible_voters,
            )
        )
    merged = tuple(
        msgspec.structs.replace(unit, precincts=(*unit.precincts, *added.get(teryt, ())))
        for teryt, unit in sorted(units.items())
    )
    contest = PresidentContest(
        form=FORMS.get(year, "2025"),
        candidates=ballot.candidates,
        runoff=ballot.runoff if round_number == 2 else (),
    )
    if base is not None:
        return msgspec.structs.replace(
            base,
            units=merged,
            contests=tuple(
                contest if isinstance(c, PresidentContest) else c for c in base.contests
            ),
        )
    return ElectionDefinition(
        format=FORMAT,
        election=ElectionInfo(
            code=code,
            name=f"Wybory Prezydenta RP {year}",
            rounds=(RoundDefinition(number=1, date=first), RoundDefinition(number=2, date=second)),
        ),
        committees=ballot.committees,
        units=merged,
        contests=(contest,),
    )


def _protocols(
    code: str,
    round_number: int,
    definition: ElectionDefinition,
    rows: list[PrecinctRow],
    ballot: Ballot,
) -> tuple[list[SubmitProtocol], Counter[str]]:
    precincts = {(u.teryt, p.number): p for u in definition.units for p in u.precincts}
    contest = next(c for c in definition.contests if isinstance(c, PresidentContest))
    form = contest.form
    profile = profile_for("", form)
    standing = frozenset(ballot.positions.values())
    refused: Counter[str] = Counter()
    protocols = []
    for row in rows:
        precinct = precincts[(row.teryt, row.number)]
        content = _content(row, form, ballot.positions)
        context = RuleContext(
            contest_kind="president",
            precinct_type=precinct.type,
            postal=precinct.postal,
            estimate=precinct.eligible_voters,
            candidates=standing,
        )
        findings = validate(content, context, profile).findings
        errors = [f.code for f in findings if f.severity is Severity.ERROR]
        if errors:
            refused.update(errors)
            continue
        explained = {f.code: EXPLANATION for f in findings if f.severity is Severity.WARNING}
        content = msgspec.structs.replace(content, explanations=explained)
        key = ProtocolKey(
            election=code,
            teryt=row.teryt,
            precinct=row.number,
            contest="president:PL",
            round=round_number,
        )
        protocols.append(SubmitProtocol(key=key, content=content))
    return protocols, refused


def _content(row: PrecinctRow, form: str, positions: dict[str, int]) -> ProtocolContent:
    numbers = {
        field: value
        for field, value in row.counts.items()
        if value is not None and not (form == "2015" and field in REASONS)
    }
    votes = sorted((positions[column], count) for column, count in row.votes.items())
    body = msgspec.convert({"form": form, **numbers}, ProtocolContent)
    return msgspec.structs.replace(
        body,
        candidates=tuple(
            CandidateVotes(position=position, votes=count) for position, count in votes
        ),
    )


def _official(table: Any, in_results: list[str], path: Path) -> list[dict[str, object]]:
    """PKW's totals per gmina unit, in the report's terms; the cells that cannot be read."""
    unreadable: list[dict[str, object]] = []
    with path.open("w", encoding="utf-8") as out:
        for row in table.rows:
            totals, bad = official_row(row, in_results)
            unreadable += bad
            if totals is not None:
                out.write(json.dumps(totals, ensure_ascii=False) + "\n")
    return unreadable
