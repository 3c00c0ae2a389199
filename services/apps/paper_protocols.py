"""A protocol as paper (pure): the template a commission fills in by hand, pre-filled from the
definition, or a version as entered with its control code and the QR code's payload.

Lines follow the form's point numbers (``domain.rules.forms``); the block of votes takes the next
point after the last numbered line. Fields a precinct leaves out by definition (the postal block
where there is no postal voting) are printed with 0, as the paper has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from domain import paper_code
from domain.controlcode import canonical_numbers
from domain.rules.forms import POINTS
from schemas.paper import PaperCandidate, PaperLine, PaperList, PaperRemark, ProtocolPaper
from services.apps import paper_words as words
from services.apps.ballots import paper_order
from services.common.texts import text

if TYPE_CHECKING:
    from schemas.ballots import Ballot, BallotEntry
    from schemas.commands import VersionView
    from schemas.protocol import Finding, ProtocolContent

SUB_LINE = "w tym"


def unit_genitive(kind: str, name: str) -> str:
    return f"{'miasta' if kind in words.CITY_KINDS else 'gminy'} {name}"


def contest_title(ballot: Ballot) -> str:
    if ballot.contest_kind == "mayor":
        office = words.OFFICES.get(ballot.office, words.OFFICES["wójt"])
        return office.format(unit=ballot.unit_name)
    template = words.CONTESTS.get(ballot.contest_kind, "w wyborach {unit_genitive}")
    return template.format(unit_genitive=unit_genitive(ballot.unit_kind, ballot.unit_name))


def protocol_title(round_number: int) -> str:
    return f"{words.TITLE} — {words.RUNOFF}" if round_number > 1 else words.TITLE


def protocol_paper(ballot: Ballot, version: VersionView | None = None, *,
                   superseded_by: int | None = None, state: str = "") -> ProtocolPaper:  # fmt: skip
    """The template (``version`` None) or that version of the protocol as entered."""
    content = version.content if version is not None else None
    key = ballot.key
    paper = ProtocolPaper(
        title=protocol_title(key.round), contest_title=contest_title(ballot),
        election_name=ballot.election_name, voting_day=ballot.voting_day,
        unit=ballot.unit_name, teryt=key.teryt, precinct=key.precinct,
        address=ballot.precinct_address, precinct_type=ballot.precinct_type,
        district=f"Okręg wyborczy nr {key.district}" if key.district else "",
        lines=_lines(ballot, content), results_title=_results_title(ballot),
        candidates=tuple(_candidate(entry, content) for entry in ballot.candidates),
        lists=_lists(ballot, content), yes_no=_yes_no(ballot, content),
        remarks=_remarks(content), key=paper_code.key_text(key),
    )  # fmt: skip
    if version is None or content is None:
        return paper
    numbers = [value for _, value in canonical_numbers(content)]
    return msgspec.structs.replace(
        paper, findings=tuple(_finding(version, finding) for finding in version.findings),
        version=version.version, control_code=version.control_code,
        qr_text=paper_code.payload(key, version.control_code, numbers),
        superseded_by=superseded_by, entered_by=version.entered_by.removeprefix("account:"),
        state=words.STATES.get(state, state),
    )  # fmt: skip


def _lines(ballot: Ballot, content: ProtocolContent | None) -> tuple[PaperLine, ...]:
    points = POINTS.get(ballot.form, {})
    shown = [(field.name, field.point) for field in ballot.fields]
    shown += [(name, points[name]) for name in ballot.zero if name in points]
    lines = []
    for name, point in sorted(shown, key=lambda item: paper_order(item[1])):
        label = text(f"field.{name}", "pl")
        value = getattr(content, name) if content is not None else None
        if content is None and name in ballot.zero:
            value = 0
        lines.append(PaperLine(point=point, label=label, value=value,
                               indent=label.startswith(SUB_LINE)))  # fmt: skip
    return tuple(lines)


def votes_point(ballot: Ballot) -> str:
    """The point the votes take: the one after the form's last numbered point."""
    last = max((paper_order(field.point)[0] for field in ballot.fields), default=0)
    return str(last + 1)


def _results_title(ballot: Ballot) -> str:
    shape = "lists" if ballot.lists else "yes-no" if ballot.yes_no else "candidates"
    return f"{votes_point(ballot)}. {words.RESULTS_HEADINGS[shape]}"


def _candidate(entry: BallotEntry, content: ProtocolContent | None) -> PaperCandidate:
    votes = None
    if content is not None:
        votes = next((c.votes for c in content.candidates if c.position == entry.position), None)
    return PaperCandidate(position=entry.position, name=entry.name, struck_off=entry.struck_off,
                          votes=votes)  # fmt: skip


def _lists(ballot: Ballot, content: ProtocolContent | None) -> tuple[PaperList, ...]:
    found = {votes.number: votes for votes in content.lists} if content is not None else {}
    papers = []
    for listed in ballot.lists:
        entered = found.get(listed.number)
        by_position = {c.position: c.votes for c in entered.candidates} if entered else {}
        papers.append(PaperList(
            number=listed.number, name=listed.name, annulled=listed.annulled,
            candidates=tuple(PaperCandidate(position=c.position, name=c.name,
                                            struck_off=c.struck_off,
                                            votes=by_position.get(c.position))
                             for c in listed.candidates),
            total=entered.total if entered else None,
            candidates_total=entered.candidates_total if entered else None,
        ))  # fmt: skip
    return tuple(papers)


def _yes_no(ballot: Ballot, content: ProtocolContent | None) -> tuple[PaperLine, ...]:
    if not ballot.yes_no:
        return ()
    point = votes_point(ballot)
    return (
        PaperLine(point=f"{point}a", label=words.YES,
                  value=content.votes_yes if content is not None else None),
        PaperLine(point=f"{point}b", label=words.NO,
                  value=content.votes_no if content is not None else None),
    )  # fmt: skip


def _remarks(content: ProtocolContent | None) -> tuple[PaperRemark, ...]:
    written = (
        {} if content is None else {name: getattr(content.notes, name) for name in words.NOTES}
    )
    return tuple(
        PaperRemark(title=title, text=(written.get(name) or words.NO_REMARKS) if content else "")
        for name, title in words.NOTES.items()
    )


def _finding(version: VersionView, finding: Finding) -> PaperRemark:
    explanation = version.content.explanations.get(finding.code, "")
    severity = str(finding.severity)
    said = finding.message_pl
    return PaperRemark(
        title=f"{finding.code} — {words.SEVERITIES.get(severity, severity)}",
        text=f"{said}\nStanowisko komisji: {explanation}" if explanation else said,
        severity=severity,
    )
