"""The coordinator's board of one gmina and the list of what is missing there, as the gateway
assembles them from the progress and turnout views (``projections.board``).

A protocol's place on the board is a cell: one precinct x contest x district x round, in one of
``CELL_STATES``. A turnout report's is a ``TurnoutCell`` per reporting hour (permanent precincts
only: the others report no turnout). Times are UTC instants in ISO 8601; pages show them as
Polish civil time.
"""

from __future__ import annotations

from typing import Final

import msgspec

CELL_STATES: Final = (
    "rejected", "late", "awaiting_approval", "corrected", "warnings", "missing", "accepted",
    "confirmed",
)  # fmt: skip
"""A protocol's state on the board, most urgent first: rejected; late (missing past its due
time); awaiting approval of hard warnings; corrected after its confirmation (to confirm again);
accepted with open warnings; missing (not due yet); accepted; confirmed."""
TURNOUT_STATES: Final = ("late", "missing", "reported_late", "reported")
"""A turnout report's state, most urgent first (``missing``: its hour plus 30 minutes has not
passed yet)."""


class _View(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    pass


class BoardCell(_View, frozen=True, kw_only=True):
    contest: str
    district: int
    round: int
    state: str
    version: int = 0
    warnings: int = 0
    """Warnings still open on the current version."""
    at: str = ""
    """When it last changed."""
    due: str = ""
    """When it is expected (empty: the schedule says nothing for this round)."""
    late_s: int = 0
    """How late it is (missing), or was when it arrived."""
    proxy: bool = False
    """A version was entered on the commission's behalf."""
    corrected: bool = False
    """Corrected after a confirmation (stays marked once confirmed again)."""


class TurnoutCell(_View, frozen=True, kw_only=True):
    round: int
    hour: str
    state: str
    due: str
    late_s: int = 0
    eligible_voters: int = 0
    ballots_issued: int = 0


class BoardPrecinct(_View, frozen=True, kw_only=True):
    number: int
    address: str
    type: str
    cells: tuple[BoardCell, ...]
    turnout: tuple[TurnoutCell, ...] = ()
    worst: str = ""
    """The most urgent state of its cells (``CELL_STATES`` then ``TURNOUT_STATES``)."""


class ContestSummary(_View, frozen=True, kw_only=True):
    contest: str
    kind: str
    round: int
    expected: int
    counts: dict[str, int]
    """How many of its protocols are in each state (every state named, zeros included)."""


class TurnoutSummary(_View, frozen=True, kw_only=True):
    round: int
    hour: str
    expected: int
    counts: dict[str, int]
    eligible_voters: int = 0
    """Summed over the precincts that reported at this hour."""
    ballots_issued: int = 0

    @property
    def percent(self) -> float:
        """Ballots issued per 100 voters on the lists, of the precincts that reported."""
        return 100 * self.ballots_issued / self.eligible_voters if self.eligible_voters else 0.0


class Board(_View, frozen=True, kw_only=True):
    election: str
    teryt: str
    name: str
    round: int
    rounds: tuple[int, ...]
    """The rounds with protocols expected in the gmina."""
    as_of: str
    """The instant the states (late or not) were judged at."""
    contests: tuple[ContestSummary, ...]
    turnout: tuple[TurnoutSummary, ...]
    precincts: tuple[BoardPrecinct, ...]
    position: int = 0
    """The stream sequence the views had reached (the live feed continues from it)."""


class MissingItem(_View, frozen=True, kw_only=True):
    """A protocol or a turnout report not received."""

    precinct: int
    address: str
    what: str
    """``protocol`` or ``turnout``."""
    round: int
    contest: str = ""
    district: int = 0
    hour: str = ""
    due: str = ""
    late: bool = False
    late_s: int = 0


class MissingPage(_View, frozen=True, kw_only=True):
    election: str
    gmina: str
    as_of: str
    position: int
    rows: tuple[MissingItem, ...]
