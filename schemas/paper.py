"""What the printed documents are made from: the data each Typst template reads (as JSON), one
type per document kind. Texts are Polish and final here (the templates only lay them out), so
a test can compare what the PDF says with what was meant.
"""

from __future__ import annotations

import msgspec

from schemas.ballots import PrecinctRef
from schemas.validation import ElectionCode, ProtocolKey, TerytCode


class _Paper(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class PaperLine(_Paper, frozen=True, kw_only=True):
    """One numbered line of a protocol: its point on the form, its words, the number (None: an
    empty box to fill in by hand)."""

    point: str
    label: str
    value: int | None = None
    indent: bool = False
    """A "w tym" line under the one before it."""


class PaperCandidate(_Paper, frozen=True, kw_only=True):
    position: int
    name: str
    struck_off: bool = False
    votes: int | None = None


class PaperList(_Paper, frozen=True, kw_only=True):
    number: int
    name: str
    candidates: tuple[PaperCandidate, ...]
    annulled: bool = False
    total: int | None = None
    candidates_total: int | None = None


class PaperRemark(_Paper, frozen=True, kw_only=True):
    """A finding of the rules, or a written point of part III, with what the commission wrote."""

    title: str
    text: str = ""
    severity: str = ""


class PaperHeading(_Paper, frozen=True, kw_only=True):
    """What the top of a document says: its title, the contest, the election, the gmina."""

    title: str
    contest_title: str
    election_name: str
    voting_day: str
    unit: str
    teryt: str


class ProtocolPaper(PaperHeading, frozen=True, kw_only=True):
    """A protocol: a template to fill in by hand (no ``version``) or a version as entered. Its
    title is ``PROTOKÓŁ GŁOSOWANIA W OBWODZIE``, in a runoff followed by ``PONOWNE``."""

    precinct: int
    address: str
    precinct_type: str
    district: str = ""
    lines: tuple[PaperLine, ...]
    results_title: str
    candidates: tuple[PaperCandidate, ...] = ()
    lists: tuple[PaperList, ...] = ()
    yes_no: tuple[PaperLine, ...] = ()
    remarks: tuple[PaperRemark, ...] = ()
    findings: tuple[PaperRemark, ...] = ()
    key: str
    """The protocol's key as the commands take it."""
    version: int | None = None
    control_code: str = ""
    qr_svg: str = ""
    qr_text: str = ""
    superseded_by: int | None = None
    """Set on a version a later one corrected: printed as WADLIWY — PODLEGAŁ SPROSTOWANIU."""
    state: str = ""
    entered_by: str = ""


class ProtocolsPaper(_Paper, frozen=True, kw_only=True):
    """One file of protocols (a gmina's templates, or one draft)."""

    documents: tuple[ProtocolPaper, ...]
    draft: bool
    printed_at: str


class SummaryRow(_Paper, frozen=True, kw_only=True):
    label: str
    value: int | None
    elected: bool = False
    note: str = ""
    indent: bool = False


class DistrictPaper(_Paper, frozen=True, kw_only=True):
    """A district's summary (zestawienie wyników głosowania w okręgu) and who it elects."""

    title: str
    seats: int
    numbers: tuple[SummaryRow, ...]
    votes: tuple[SummaryRow, ...]
    elected: tuple[SummaryRow, ...]
    notes: tuple[str, ...] = ()


class ResultsPaper(PaperHeading, frozen=True, kw_only=True):
    """A council's or a mayor's results protocol draft with its district summaries."""

    state: str
    position: int
    counted: str
    districts: tuple[DistrictPaper, ...]
    decision: tuple[str, ...] = ()
    rules: tuple[SummaryRow, ...] = ()
    printed_at: str


class SlipPaper(_Paper, frozen=True, kw_only=True):
    login: str
    name: str
    role: str
    unit: str
    precincts: str
    code: str
    expires: str
    where: str


class SlipsPaper(_Paper, frozen=True, kw_only=True):
    slips: tuple[SlipPaper, ...]
    printed_at: str


# What the command service is asked for (NATS only; the gateway and the CLI render the PDF).


class GminaRef(_Paper, frozen=True, kw_only=True):
    election: ElectionCode
    teryt: TerytCode


class PrecinctsQuery(_Paper, frozen=True, kw_only=True):
    key: GminaRef


class PaperPrecincts(_Paper, frozen=True, kw_only=True):
    """A gmina's precinct numbers, in order."""

    numbers: tuple[int, ...]


class TemplatesQuery(_Paper, frozen=True, kw_only=True):
    """A precinct's protocol templates of a round: all, or one contest (and district)."""

    key: PrecinctRef
    contest: str = ""
    district: int | None = None
    gmina_wide: bool = False
    """Part of a gmina's file: a precinct that votes in no such contest or district gives no
    documents (instead of a refusal naming it)."""


class ProtocolPaperQuery(_Paper, frozen=True, kw_only=True):
    """A protocol as entered: its current version, or ``version``."""

    key: ProtocolKey
    version: int | None = None
