"""R4xx: votes per candidate, per list and list candidate, YES/NO; against the registered ballot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.values import broken, num
from schemas.protocol import ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

E, HW, W = Severity.ERROR, Severity.HARD_WARNING, Severity.WARNING


@rule("R401", reads=("candidates", "valid_votes"), severity=E,
      source="P9/SR0803 (2015 Σ p14 = p13)",
      pl="Suma głosów na kandydatów ({total}) to nie liczba głosów ważnych ({valid_votes})",
      en="Votes for the candidates add up to {total}, not to the valid votes "
         "({valid_votes})")  # fmt: skip
def candidate_votes_add_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if not c.lists and not c.yes_no:
        total = sum(entry.votes for entry in p.candidates)
        yield from broken(total != num(p.valid_votes), total=total)


@rule("R402", reads=("candidates", "candidates_total"), severity=E,
      source="P8/SR0807 ('Razem' = Σ p14)",
      pl="Wiersz „Razem” ({candidates_total}) to nie suma głosów na kandydatów ({total})",
      en="The 'Razem' line ({candidates_total}) is not the sum of the candidates' votes "
         "({total})")  # fmt: skip
def candidates_total_adds_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    total = sum(entry.votes for entry in p.candidates)
    yield from broken(total != num(p.candidates_total), total=total)


@rule("R403", reads=("candidates", "lists"), severity=E,
      source="W14 (no votes against a struck-off candidate)",
      pl="Kandydat skreślony (poz. {position}) nie może otrzymać głosów, a wpisano {votes}",
      en="A struck-off candidate (position {position}) cannot receive votes, yet {votes} are "
         "entered")  # fmt: skip
def no_votes_for_struck_off(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    for entry in p.candidates:
        if entry.position in c.struck_off and entry.votes:
            yield {"position": entry.position, "votes": entry.votes}
    struck = {ballot.number: ballot.struck_off for ballot in c.lists}
    for votes in p.lists:
        for entry in votes.candidates:
            if entry.position in struck.get(votes.number, ()) and entry.votes:
                yield {"position": f"{votes.number}/{entry.position}", "votes": entry.votes}


@rule("R404", reads=("lists",), severity=E,
      source="SR0801/SR0802 (no struck-off candidate: list total = Σ its candidates)",
      pl="Lista nr {number}: głosy na listę ({list_total}) to nie suma głosów na jej kandydatów "
         "({total})",
      en="List {number}: its votes ({list_total}) are not the sum of its candidates' "
         "({total})")  # fmt: skip
def list_total_adds_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    struck = {ballot.number: ballot.struck_off for ballot in c.lists}
    for votes in p.lists:
        total = sum(entry.votes for entry in votes.candidates)
        if not struck.get(votes.number) and total != votes.total:
            yield {"number": votes.number, "list_total": votes.total, "total": total}


@rule("R405", reads=("lists",), severity=E,
      source="SR0804/SR0805 (struck-off candidates: Σ candidates ≤ list total)",
      pl="Lista nr {number}: głosy na kandydatów ({total}) przekraczają głosy na listę "
         "({list_total})",
      en="List {number}: its candidates' votes ({total}) exceed the list's "
         "({list_total})")  # fmt: skip
def list_total_covers_candidates(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    struck = {ballot.number: ballot.struck_off for ballot in c.lists}
    for votes in p.lists:
        total = sum(entry.votes for entry in votes.candidates)
        if struck.get(votes.number) and total > votes.total:
            yield {"number": votes.number, "list_total": votes.total, "total": total}


@rule("R406", reads=("lists",), severity=E, source="annulled lists receive no votes",
      pl="Lista nr {number} została unieważniona i nie może otrzymać głosów ({votes})",
      en="List {number} was annulled and cannot receive votes ({votes})")  # fmt: skip
def no_votes_for_annulled_lists(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    annulled = {ballot.number for ballot in c.lists if ballot.annulled}
    for votes in p.lists:
        cast = votes.total + sum(entry.votes for entry in votes.candidates)
        if votes.number in annulled and cast:
            yield {"number": votes.number, "votes": cast}


@rule("R407", reads=("candidates", "lists"), severity=E,
      source="SR0041 (invalid list number; a candidate not on the ballot)",
      pl="Na karcie nie ma pozycji {position}",
      en="The ballot has no position {position}")  # fmt: skip
def only_ballot_positions(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if not c.lists:
        for entry in p.candidates:
            if entry.position not in c.candidates:
                yield {"position": entry.position}
        return
    positions = {ballot.number: ballot.positions for ballot in c.lists}
    for votes in p.lists:
        if votes.number not in positions:
            yield {"position": f"list {votes.number}"}
            continue
        for entry in votes.candidates:
            if entry.position not in positions[votes.number]:
                yield {"position": f"{votes.number}/{entry.position}"}


@rule("R408", reads=("votes_yes", "votes_no", "valid_votes"), severity=E,
      source="art. 487: YES + NO = valid votes (single candidate; brief [I])",
      pl="Głosy „TAK” ({votes_yes}) i „NIE” ({votes_no}) to nie liczba głosów ważnych "
         "({valid_votes})",
      en="YES ({votes_yes}) plus NO ({votes_no}) votes are not the valid votes "
         "({valid_votes})")  # fmt: skip
def yes_no_add_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.votes_yes) + num(p.votes_no) != num(p.valid_votes))


@rule("R409", reads=("candidates", "lists"), severity=E,
      source="every candidate and list on the ballot has its number (a complete protocol)",
      pl="Brak liczby głosów dla pozycji {position}",
      en="No number of votes for position {position}")  # fmt: skip
def every_position_counted(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.lists:
        given = {votes.number: {e.position for e in votes.candidates} for votes in p.lists}
        for ballot in c.lists:
            if ballot.number not in given:
                yield {"position": f"list {ballot.number}"}
                continue
            for position in sorted(ballot.positions - given[ballot.number]):
                yield {"position": f"{ballot.number}/{position}"}
    elif not c.yes_no:
        counted = {entry.position for entry in p.candidates}
        for position in sorted(c.candidates - counted):
            yield {"position": position}


@rule("R410", reads=("lists", "valid_votes"), severity=E,
      source="SR0803 (Σ list totals = valid votes)",
      pl="Suma głosów na listy ({total}) to nie liczba głosów ważnych ({valid_votes})",
      en="Votes for the lists add up to {total}, not to the valid votes "
         "({valid_votes})")  # fmt: skip
def list_votes_add_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.lists:
        total = sum(votes.total for votes in p.lists)
        yield from broken(total != num(p.valid_votes), total=total)


@rule("R411", reads=("lists",), severity=E, source="SR0807 per list ('Razem' = Σ candidates)",
      pl="Lista nr {number}: wiersz „Razem” ({written}) to nie suma głosów na kandydatów "
         "({total})",
      en="List {number}: the 'Razem' line ({written}) is not the sum of its candidates' votes "
         "({total})")  # fmt: skip
def list_razem_adds_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    for votes in p.lists:
        total = sum(entry.votes for entry in votes.candidates)
        if votes.candidates_total is not None and votes.candidates_total != total:
            yield {"number": votes.number, "written": votes.candidates_total, "total": total}
