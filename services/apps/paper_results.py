"""A contest's results protocol draft as paper (pure): for a council, one summary per district
(zestawienie wyników głosowania w okręgu: the protocols' numbers added up, the votes per list and
candidate) and who each district elects; for a mayor, the gmina's summary and the decision
(elected, runoff, the council elects, a lot). Every document says the log position its result
was computed at, and whether the commission has established it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemas.paper import DistrictPaper, ResultsPaper, SummaryRow
from services.apps import paper_words as words
from services.apps.ballots import committee_name, committee_of, list_candidate
from services.apps.paper_protocols import unit_genitive
from services.common.texts import text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.contest import Contest
    from schemas.results import ContestResult, DistrictResult


@dataclass(frozen=True)
class Sheet:
    """What the draft says besides the result: the election, the gmina, the sums."""

    election_name: str
    voting_day: str
    unit_name: str
    unit_kind: str
    committees: Mapping[str, Any]
    tallies: Mapping[int, Mapping[str, int]]
    state: str
    printed_at: str


def names_of(contest: Contest, committees: Mapping[str, Any], district: int) -> dict[str, str]:
    """Every contender of a district by the id the tallies use (``c.P``, ``l.N``, ``l.N.P``)."""
    found = {f"c.{p}": c.name for (d, p), c in contest.candidates.items() if d == district}
    for number in sorted(set(contest.list_numbers.values())):
        found[f"l.{number}"] = f"Lista nr {number} — {committee_name(committees, contest, number)}"
        recorded = contest.lists.get((district, committee_of(contest, number)))
        for position in sorted(recorded.candidates if recorded else ()):
            found[f"l.{number}.{position}"] = list_candidate(contest, district, number, position)
    return found


def results_paper(result: ContestResult, contest: Contest, sheet: Sheet) -> ResultsPaper:
    shape = contest.shape
    if shape.kind == "mayor":
        office = words.MAYOR_OFFICES.get(shape.office, words.MAYOR_OFFICES["wójt"])
        title = words.MAYOR_RESULTS.format(
            runoff="PONOWNEGO " if result.round > 1 else "",
            office=office.format(unit=sheet.unit_name.upper()),
        )
        districts: tuple[DistrictPaper, ...] = (_mayor_summary(result, contest, sheet),)
    else:
        title = words.COUNCIL_RESULTS.format(
            unit_genitive=unit_genitive(sheet.unit_kind, sheet.unit_name).upper()
        )
        districts = tuple(_district(d, contest, sheet) for d in result.districts)
    return ResultsPaper(
        title=title, contest_title=shape.contest, election_name=sheet.election_name,
        voting_day=sheet.voting_day, unit=sheet.unit_name, teryt=shape.area,
        state=words.RESULT_STATES[sheet.state], position=result.position,
        counted=f"{result.precincts_counted} z {result.precincts_expected}",
        districts=districts, decision=_decision(result, contest),
        rules=tuple(SummaryRow(label=code, value=None, note=said)
                    for code, said in result.rules.items()),
        printed_at=sheet.printed_at,
    )  # fmt: skip


def _numbers(tallies: Mapping[str, int]) -> tuple[SummaryRow, ...]:
    rows = []
    for name in words.SUMMARY_NUMBERS:
        if name in tallies:
            label = text(f"field.{name}", "pl")
            rows.append(SummaryRow(label=label, value=tallies[name],
                                   indent=label.startswith("w tym")))  # fmt: skip
    return tuple(rows)


def _district(found: DistrictResult, contest: Contest, sheet: Sheet) -> DistrictPaper:
    tallies = sheet.tallies.get(found.district, {})
    names = names_of(contest, sheet.committees, found.district)
    elected = {e.id for e in found.elected}
    votes: list[SummaryRow] = []
    for standing in found.standing:
        note = ""
        if standing.id.startswith("l."):
            note = f"mandaty: {standing.seats}" if standing.passed else "poniżej progu"
        votes.append(SummaryRow(label=names.get(standing.id, standing.name), value=standing.votes,
                                elected=standing.id in elected, note=note))  # fmt: skip
        if standing.id.startswith("l."):
            prefix = standing.id + "."
            members = sorted((k for k in tallies if k.startswith(prefix)),
                             key=lambda k: int(k.rsplit(".", 1)[1]))  # fmt: skip
            votes += [SummaryRow(label=names.get(k, k), value=tallies[k], indent=True,
                                 elected=k in elected) for k in members]  # fmt: skip
    notes = []
    if found.uncontested:
        notes.append("Głosowania nie przeprowadzono (art. 380): zarejestrowani kandydaci "
                     "zostali wybrani bez głosowania.")  # fmt: skip
    if found.vacant:
        notes.append(f"Mandaty nieobsadzone: {found.vacant}.")
    notes += [f"Losowanie przez komisję: {', '.join(names.get(a, a) for a in lot.among)}"
              + (f" — wylosowano: {', '.join(names.get(d, d) for d in lot.drawn)}"
                 if lot.drawn else " — czeka na losowanie")
              for lot in found.lots]  # fmt: skip
    return DistrictPaper(
        title=words.DISTRICT_SUMMARY.format(number=found.district), seats=found.seats,
        numbers=_numbers(tallies), votes=tuple(votes),
        elected=tuple(SummaryRow(label=e.name, value=e.votes, note=e.rule)
                      for e in found.elected),
        notes=tuple(notes),
    )  # fmt: skip


def _mayor_summary(result: ContestResult, contest: Contest, sheet: Sheet) -> DistrictPaper:
    tallies = sheet.tallies.get(0, {})
    names = names_of(contest, sheet.committees, 0)
    mayor = result.mayor
    winner = mayor.elected if mayor is not None else ""
    votes = [SummaryRow(label=names.get(f"c.{p}", f"c.{p}"), value=tallies.get(f"c.{p}", 0),
                        elected=f"c.{p}" == winner)
             for p in contest.standing(result.round)]  # fmt: skip
    if mayor is not None and mayor.yes is not None:
        votes += [SummaryRow(label=words.YES, value=mayor.yes),
                  SummaryRow(label=words.NO, value=mayor.no)]  # fmt: skip
    elected: tuple[SummaryRow, ...] = ()
    if mayor is not None and mayor.elected:
        elected = (SummaryRow(label=names.get(mayor.elected, mayor.elected),
                              value=tallies.get(mayor.elected), note=mayor.rule),)  # fmt: skip
    return DistrictPaper(title=words.WHOLE_GMINA, seats=1, numbers=_numbers(tallies),
                         votes=tuple(votes), elected=elected)  # fmt: skip


def _decision(result: ContestResult, contest: Contest) -> tuple[str, ...]:
    mayor = result.mayor
    if mayor is not None:
        names = {f"c.{p}": c.name for (d, p), c in contest.candidates.items() if d == 0}
        who = {
            "elected": names.get(mayor.elected, mayor.elected),
            "runoff": " i ".join(names.get(c, c) for c in mayor.runoff),
            "lot": ", ".join(names.get(c, c) for c in mayor.lot.among) if mayor.lot else "",
        }.get(mayor.decision, "")
        said = words.DECISIONS.get(mayor.decision, mayor.decision).format(who=who)
        return (f"{said} [{mayor.rule}]",)
    seats = sum(d.seats for d in result.districts)
    filled = sum(len(d.elected) for d in result.districts)
    lines = [(f"Mandatów: {seats}; obsadzonych: {filled}; "
             f"nieobsadzonych: {sum(d.vacant for d in result.districts)}.")]  # fmt: skip
    if result.lots_pending:
        lines.append(f"Losowań do przeprowadzenia przez komisję: {result.lots_pending}.")
    return tuple(lines)
