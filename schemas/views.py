"""The views on the wire: the query a gateway sends the projector, the pages it answers, the rows
of each view a reader sees, and what the projector announces after every commit.

Views are read over NATS request/reply (``schemas.subjects.VIEWS_QUERY``, queue group
``VIEWS_QUEUE``); after each commit a runner announces the changed keys on
``VIEWS_ANNOUNCE_PREFIX + <view>``. The folds in ``projections/`` build their rows as plain dicts;
the row types here say what those dicts hold, and a property test folds random nights and
converts every row to its type, so this file and the folds cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec


class ViewQuery(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    view: str
    table: str
    prefix: str = ""
    where: dict[str, str | int] = {}
    after: str = ""
    """Continue after this row key (the ``next`` of the previous page)."""


class ViewRows(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A page of any view's rows, as the projector answers a query."""

    view: str
    position: int
    """The stream sequence the view had reached when this page was read."""
    rows: list[dict[str, Any]]
    next: str = ""
    """Set when more rows follow: ask again with ``after`` = this value."""
    error: str = ""


class Announcement(msgspec.Struct, frozen=True, kw_only=True):
    view: str
    position: int
    changed: dict[str, list[str]]
    """Changed row keys per table (at most 1,000 in all; an empty list means "many")."""


# The rows a reader sees.


class Row(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of the row types: a row holds exactly its declared fields."""


class TallyRow(Row, frozen=True, kw_only=True):
    """Sums over the current versions of one contest x district x round, at one level."""

    flavour: str
    """``accepted`` (accepted or confirmed versions) or ``confirmed`` (paper copy matched)."""
    election: str
    contest: str
    district: int
    round: int
    level: str
    """``gmina``, ``powiat``, ``wojewodztwo`` or ``country``."""
    code: str
    """The TERYT code of the area (``PL`` for the country)."""
    precincts: int
    """How many protocols the sums include."""
    numbers: dict[str, int]
    """Every non-zero sum under its flat name: the protocol's counts, ``c.<position>`` per
    candidate, ``l.<number>`` per list and ``l.<number>.<position>`` per list candidate."""


class ProgressRow(Row, frozen=True, kw_only=True):
    """How far the protocols of one contest x round in one gmina are."""

    election: str
    contest: str
    round: int
    gmina: str
    expected: int
    reported: int
    awaiting_approval: int
    open_warnings: int
    confirmed: int
    corrected_after_confirmation: int
    rejected: int


class TurnoutTotal(Row, frozen=True, kw_only=True):
    """Turnout at one reporting hour, summed over one area."""

    election: str
    round: int
    hour: str
    level: str
    code: str
    eligible_voters: int
    ballots_issued: int
    precincts: int
    """Precincts that reported at this hour."""
    late: int
    """Of them, how many reported late."""


class AlertRow(Row, frozen=True, kw_only=True):
    """A discrepancy alert (``projections.alerts`` lists the kinds)."""

    key: str
    id: str
    kind: str
    severity: str
    """``info``, ``warning`` or ``critical``."""
    state: str
    """``open``, ``acknowledged`` (with a coordinator's ``note``) or ``closed``."""
    election: str
    gmina: str
    precinct: int | str
    """The precinct number, or ``-`` for an alert about a whole gmina."""
    contest: str
    round: int | str
    detail: str
    message: str
    """In English."""
    message_pl: str = ""
    """In Polish."""
    note: str
    events: list[int]
    """The stream sequences of the events that raised, changed or closed it."""
    detectors: str
    """The version of the detectors that raised it."""


class AuditEntry(Row, frozen=True, kw_only=True):
    """One event of the log: who, how, when, where and what changed."""

    seq: int
    time: str
    actor: str
    role: str
    channel: str
    event: str
    """The event's type tag (``protocol.corrected.v1``)."""
    aggregate: str
    version: int
    previous_hash: str = ""
    """The SHA-256 of the aggregate's previous event (zeros for its first): the chain
    ``tally audit verify`` checks."""
    correlation_id: str = ""
    """The request that caused it (shared by the events one command wrote)."""
    election: str
    gmina: str
    precinct: str
    contest: str
    district: str
    round: str
    changes: dict[str, Any]
    """For protocols, every number that changed: ``name -> [before, after]``; for other events
    their small facts (reasons, codes, notes)."""


class _Page(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    view: str
    position: int
    """The stream sequence the view had reached when this page was read."""
    next: str = ""
    """Set when more rows follow: ask again with ``after`` = this value."""


class TallyPage(_Page, frozen=True, kw_only=True):
    rows: list[TallyRow]


class ProgressPage(_Page, frozen=True, kw_only=True):
    rows: list[ProgressRow]


class TurnoutPage(_Page, frozen=True, kw_only=True):
    rows: list[TurnoutTotal]


class AlertPage(_Page, frozen=True, kw_only=True):
    rows: list[AlertRow]


class AuditPage(_Page, frozen=True, kw_only=True):
    rows: list[AuditEntry]


ROWS: Final[dict[tuple[str, str], type[Row]]] = {
    ("tally", "tallies"): TallyRow,
    ("progress", "progress"): ProgressRow,
    ("turnout", "totals"): TurnoutTotal,
    ("alerts", "alerts"): AlertRow,
    ("audit", "entries"): AuditEntry,
}
"""(projection, table) -> the type of its rows, for the tables readers query."""
