"""``tally drill import-pkw ARCHIVE... --out DIR``: a drill directory from PKW's published data.

From the archives alone it infers the election (the year from the committees' signatures, e.g.
``ZPOW-6020-6/20``), the round (the candidates present in the results: the two marked for the
second round mean round 2) and the dates (the known presidential election days). It writes:

* ``definition.json``: the election, one unit per TERYT PKW uses (Warsaw's districts, 149901
  abroad, 149801 ships), their precincts, the president contest with PKW's candidate names;
* ``protocols.jsonl``: one ``SubmitProtocol`` per precinct, the numbers exactly as the commission
  filled them in; a protocol with warnings carries a generic explanation (PKW publishes no notes);
* ``official.jsonl``: PKW's own totals per gmina unit, when the gminas archive is given;
* ``import-report.json``: precincts skipped (no published result: cells printed ``-``) and
  protocols the election's severity profile refuses, by rule code (they are left out).

The precincts' eligible-voter estimates are not published; the protocol's own count stands in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Final, Literal

import msgspec

from domain.rules import profile_for, validate
from schemas.commands import SubmitProtocol
from schemas.definition import (
    FORMAT,
    Candidate,
    CommitteeDefinition,
    ElectionDefinition,
    ElectionInfo,
    PrecinctDefinition,
    PrecinctType,
    PresidentContest,
    RoundDefinition,
    UnitDefinition,
    UnitKind,
)
from schemas.protocol import CandidateVotes, ProtocolContent, Severity
from schemas.validation import ProtocolKey, RuleContext
from services.drill.pkw_csv import CANDIDATES, COLUMNS, GMINAS, NO_RESULT, PRECINCTS, tables

if TYPE_CHECKING:
    from pathlib import Path

ELECTION_DAYS: Final = {
    2015: (dt.date(2015, 5, 10), dt.date(2015, 5, 24)),
    2020: (dt.date(2020, 6, 28), dt.date(2020, 7, 12)),
    2025: (dt.date(2025, 5, 18), dt.date(2025, 6, 1)),
}
FORMS: Final[dict[int, Literal["2015", "2020", "2025"]]] = {
    2015: "2015", 2020: "2020", 2025: "2025"}  # fmt: skip
EXPLANATION: Final = "Stanowisko komisji niepublikowane przez PKW (import z danych otwartych)"
ABROAD_KIND: Final = {"zagranica": UnitKind.ABROAD, "statki": UnitKind.SHIPS}
AREA_UNIT: Final = {"zagranica": "149901", "statki": "149801"}
"""PKW leaves the TERYT code empty on precincts it published without a result (the military
precincts abroad in 2020); their area type still tells the unit whose total counts them."""
POSTAL: Final = ("packages_sent", "envelopes_received", "ballot_envelopes_in_box")


class PkwImportError(Exception):
    pass


def import_pkw(archives: list[Path], out: Path) -> dict[str, Any]:
    found = tables(archives)
    if PRECINCTS not in found or CANDIDATES not in found:
        raise PkwImportError(
            "need the precincts archive (wyniki_gl_na_kand_po_obwodach) and "
            "the candidates archive (kandydaci)"
        )
    candidates = found[CANDIDATES]
    year = _year(candidates)
    names = {_name(c): int(c["Pozycja na karcie"]) for c in candidates}
    header = list(found[PRECINCTS][0].keys())
    present = [column for column in header if column in names]
    finalists = [int(c["Pozycja na karcie"]) for c in candidates if c.get("Druga tura") == "Tak"]
    round_number = 2 if len(present) == 2 and {names[p] for p in present} == set(finalists) else 1
    code = f"prezydent-{year}"
    definition, skipped = _definition(code, year, candidates, found[PRECINCTS], round_number)
    protocols, refused = _protocols(code, round_number, definition, found[PRECINCTS], names)
    out.mkdir(parents=True, exist_ok=True)
    (out / "definition.json").write_bytes(msgspec.json.format(msgspec.json.encode(definition)))
    with (out / "protocols.jsonl").open("wb") as lines:
        for protocol in protocols:
            lines.write(msgspec.json.encode(protocol) + b"\n")
    if GMINAS in found:
        _official(found[GMINAS], names, out / "official.jsonl")
    report = {
        "election": code,
        "round": round_number,
        "units": len(definition.units),
        "precincts": sum(len(u.precincts) for u in definition.units),
        "protocols": len(protocols),
        "skipped_no_result": skipped,
        "refused_by_rule": dict(sorted(refused.items())),
        "official_totals": GMINAS in found,
    }
    (out / "import-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def _year(candidates: list[dict[str, str]]) -> int:
    for candidate in candidates:
        match = re.search(r"/(\d{2})$", candidate.get("Sygnatura", ""))
        if match:
            return 2000 + int(match.group(1))
    raise PkwImportError(
        "cannot tell the election year: no committee signature like ZPOW-6020-1/20"
    )


def _name(candidate: dict[str, str]) -> str:
    """The candidate as PKW's results header spells them: first names, then SURNAME."""
    return f"{candidate['Imiona']} {candidate['Nazwisko']}"


def _definition(
    code: str,
    year: int,
    candidates: list[dict[str, str]],
    rows: list[dict[str, str]],
    round_number: int,
) -> tuple[ElectionDefinition, list[dict[str, Any]]]:
    first, second = ELECTION_DAYS.get(year, (dt.date(year, 1, 1), dt.date(year, 1, 15)))
    units: dict[str, dict[str, Any]] = {}
    skipped: list[dict[str, Any]] = []
    for row in rows:
        teryt = row["Kod TERYT"]
        if not teryt or NO_RESULT in (row[c] for c in COLUMNS):
            skipped.append(
                {
                    "gmina_teryt": teryt or AREA_UNIT.get(row.get("Typ obszaru", ""), ""),
                    "precinct": int(row["Numer obwodu"]),
                    "address": row["Siedziba"],
                }
            )
            continue
        unit = units.setdefault(
            teryt,
            {
                "name": row["Gmina"] or teryt,
                "kind": ABROAD_KIND.get(row["Typ gminy"], None) or UnitKind(row["Typ gminy"]),
                "precincts": [],
            },
        )
        postal = any(int(row[c]) for c, field in COLUMNS.items() if field in POSTAL)
        unit["precincts"].append(
            PrecinctDefinition(
                number=int(row["Numer obwodu"]),
                address=row["Siedziba"] or "-",
                type=PrecinctType(row["Typ obwodu"]),
                postal=postal,
                eligible_voters=int(row["Liczba wyborców uprawnionych do głosowania"]),
            )
        )
    committees = tuple(
        CommitteeDefinition(code=f"KW-{int(c['Pozycja na karcie']):02d}", name=c["Nazwa komitetu"])
        for c in candidates
    )
    ballot = tuple(
        Candidate(
            position=int(c["Pozycja na karcie"]),
            name=_name(c),
            committee=f"KW-{int(c['Pozycja na karcie']):02d}",
        )
        for c in candidates
    )
    runoff = tuple(int(c["Pozycja na karcie"]) for c in candidates if c.get("Druga tura") == "Tak")
    definition = ElectionDefinition(
        format=FORMAT,
        election=ElectionInfo(
            code=code,
            name=f"Wybory Prezydenta RP {year}",
            rounds=(RoundDefinition(number=1, date=first), RoundDefinition(number=2, date=second)),
        ),
        committees=committees,
        units=tuple(
            UnitDefinition(
                teryt=teryt, name=u["name"], kind=u["kind"], precincts=tuple(u["precincts"])
            )
            for teryt, u in sorted(units.items())
        ),
        contests=(
            PresidentContest(
                form=FORMS.get(year, "2025"),
                candidates=ballot,
                runoff=runoff if round_number == 2 else (),
            ),
        ),
    )
    return definition, skipped


def _protocols(
    code: str,
    round_number: int,
    definition: ElectionDefinition,
    rows: list[dict[str, str]],
    names: dict[str, int],
) -> tuple[list[SubmitProtocol], Counter[str]]:
    precincts = {(u.teryt, p.number): p for u in definition.units for p in u.precincts}
    contest = definition.contests[0]
    assert isinstance(contest, PresidentContest)
    form = contest.form
    profile = profile_for("", form)
    positions = frozenset(names[c] for c in rows[0] if c in names)
    refused: Counter[str] = Counter()
    protocols = []
    for row in rows:
        precinct = precincts.get((row["Kod TERYT"], int(row["Numer obwodu"])))
        if precinct is None:
            continue
        content = _content(row, form, names)
        context = RuleContext(
            contest_kind="president",
            precinct_type=precinct.type,
            postal=precinct.postal,
            estimate=precinct.eligible_voters,
            candidates=positions,
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
            teryt=row["Kod TERYT"],
            precinct=precinct.number,
            contest="president:PL",
            round=round_number,
        )
        protocols.append(SubmitProtocol(key=key, content=content))
    return protocols, refused


def _content(row: dict[str, str], form: str, names: dict[str, int]) -> ProtocolContent:
    numbers = {field: int(row[column]) for column, field in COLUMNS.items()}
    if form == "2015":
        for reason in (
            "invalid_votes_multiple_marks",
            "invalid_votes_no_mark",
            "invalid_votes_struck_off_only",
        ):
            numbers.pop(reason)
    votes = sorted((names[column], int(value)) for column, value in row.items() if column in names)
    body = msgspec.convert({"form": form, **numbers}, ProtocolContent)
    return msgspec.structs.replace(
        body,
        candidates=tuple(
            CandidateVotes(position=position, votes=count) for position, count in votes
        ),
    )


def _official(rows: list[dict[str, str]], names: dict[str, int], path: Path) -> None:
    """PKW's totals per gmina unit, in the report's terms."""
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            if not row.get("Kod TERYT"):
                continue
            fields = {
                field: int(row[column])
                for column, field in COLUMNS.items()
                if row.get(column, NO_RESULT) != NO_RESULT
            }
            votes = {
                column: int(value)
                for column, value in row.items()
                if column in names and value != NO_RESULT
            }
            out.write(
                json.dumps(
                    {"gmina_teryt": row["Kod TERYT"], "fields": fields, "votes": votes},
                    ensure_ascii=False,
                )
                + "\n"
            )
