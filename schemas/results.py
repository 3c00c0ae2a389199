"""The seat calculator's input and output (``tally results apportion FILE``).

Input: district -> list -> valid votes, the seats of each district, the threshold in percent
(decimals allowed: read exactly, never as a binary float) and thresholds of named lists that
differ (Sejm coalitions 8, exempted minorities 0). ``candidates`` (district -> list -> candidates
standing) is optional: given, a list never gets more seats than candidates (art. 445).

Output: who passed, the seats per district and in total, every seat with the quotient and the
rule that gave it, and every tie only a lot can settle. Quotients are exact fractions written
``"p/q"`` (``"41151/3"``), or an integer when whole (``"13717"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from schemas.validation import ContestKey, ElectionCode, RoundNumber

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Percent = Decimal
"""0 to 100 (checked with the names: msgspec bounds no decimal)."""
Votes = Annotated[int, msgspec.Meta(ge=0)]
Seats = Annotated[int, msgspec.Meta(ge=1, le=1000)]


class _Wire(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class ApportionRequest(_Wire, frozen=True, kw_only=True):
    threshold_percent: Percent = Decimal(5)
    list_thresholds: dict[Name, Percent] = msgspec.field(default_factory=dict)
    seats: dict[Name, Seats]
    votes: dict[Name, dict[Name, Votes]]
    candidates: dict[Name, dict[Name, Votes]] | None = None


class SeatAward(_Wire, frozen=True, kw_only=True):
    list: str
    quotient: str
    rule: str


class SeatTie(_Wire, frozen=True, kw_only=True):
    district: str
    lists: tuple[str, ...]
    quotient: str
    seats: int
    after: str
    """The last rule that left the lists equal."""


class ApportionResult(_Wire, frozen=True, kw_only=True):
    passed: tuple[str, ...]
    votes: dict[str, int]
    seats: dict[str, dict[str, int]]
    totals: dict[str, int]
    ties: tuple[SeatTie, ...]
    awards: dict[str, tuple[SeatAward, ...]]
    vacant: dict[str, int]
    rules: dict[str, str]
    """The text of every rule code the result uses."""


# A contest's result on election night: provisional, established, and what changes it.

ResultFlavour = Literal["accepted", "confirmed", "established"]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
ContenderId = Annotated[
    str, msgspec.Meta(pattern=r"^(c\.[1-9][0-9]*|l\.[1-9][0-9]*(\.[1-9][0-9]*)?)$")
]
"""A candidate (``c.<position>``), a list (``l.<number>``) or a list's candidate
(``l.<number>.<position>``): the names the protocols' numbers have."""


class ResultKey(_Wire, frozen=True, kw_only=True):
    """A contest's result in one round: a council's (all its districts), a mayor's, a rada
    powiatu's or sejmik's."""

    election: ElectionCode
    contest: ContestKey
    round: RoundNumber = 1

    @property
    def teryt(self) -> str | None:
        """The gmina whose coordinator establishes it; None above the gmina (admins do)."""
        area = self.contest.partition(":")[2]
        return area if len(area) == GMINA_TERYT_LENGTH else None


GMINA_TERYT_LENGTH = 6


class ResultQuery(_Wire, frozen=True, kw_only=True):
    key: ResultKey
    flavour: ResultFlavour = "accepted"


class EstablishResult(_Wire, frozen=True, kw_only=True):
    """Establish the result: every expected protocol confirmed, or ``reason`` says why not."""

    key: ResultKey
    reason: Reason = ""


class ReopenResult(_Wire, frozen=True, kw_only=True):
    key: ResultKey
    reason: Reason


class DrawLot(_Wire, frozen=True, kw_only=True):
    """The commission's draw where the rules ran out: among whom (as the result names them),
    who was drawn (as many as the places), and who drew."""

    key: ResultKey
    district: Annotated[int, msgspec.Meta(ge=0)] = 0
    among: Annotated[tuple[ContenderId, ...], msgspec.Meta(min_length=2, max_length=100)]
    drawn: Annotated[tuple[ContenderId, ...], msgspec.Meta(min_length=1, max_length=100)]
    drawn_by: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
    note: Reason = ""


class Standing(_Wire, frozen=True, kw_only=True):
    """A list or candidate in a district with its votes (and, for lists, seats)."""

    id: str
    name: str
    votes: int
    seats: int = 0
    passed: bool = True
    """Lists: over the threshold."""
    to_gain: int | None = None
    """Lists: votes more (others unchanged) that win one more seat; None: none to gain."""
    to_lose: int | None = None
    """Lists: votes fewer (others unchanged) that lose the last seat it holds."""


class Elected(_Wire, frozen=True, kw_only=True):
    id: str
    name: str
    votes: int
    rule: str
    list: str = ""


class LotView(_Wire, frozen=True, kw_only=True):
    among: tuple[str, ...]
    places: int
    after: str
    """The last rule that left them equal."""
    what: str
    """``seat`` (lists), ``candidate`` (inside a list), ``runoff`` (a runoff place), ``winner``."""
    list: str = ""
    drawn: tuple[str, ...] = ()
    """The commission's draw when recorded (``results.lot_drawn.v1``)."""


class DistrictResult(_Wire, frozen=True, kw_only=True):
    district: int
    seats: int
    valid_votes: int
    standing: tuple[Standing, ...]
    elected: tuple[Elected, ...]
    lots: tuple[LotView, ...] = ()
    vacant: int = 0
    uncontested: bool = False
    """Art. 380: no vote; the registered candidates are elected."""


class MayorView(_Wire, frozen=True, kw_only=True):
    decision: str
    """``elected``, ``runoff``, ``council_elects`` or ``lot``."""
    rule: str
    elected: str = ""
    runoff: tuple[str, ...] = ()
    yes: int | None = None
    no: int | None = None
    lot: LotView | None = None
    """The lot a tie left (for a runoff place or the winner), drawn or waiting."""


class ContestResult(_Wire, frozen=True, kw_only=True):
    """Who is elected if counting stopped at ``position`` (the log sequence the tallies had
    reached), from the ``flavour`` of protocols; ``lots_pending`` > 0: a draw is needed."""

    election: str
    contest: str
    round: int
    kind: str
    flavour: str
    position: int
    precincts_expected: int
    precincts_counted: int
    districts: tuple[DistrictResult, ...]
    mayor: MayorView | None = None
    lots_pending: int = 0
    rules: dict[str, str] = msgspec.field(default_factory=dict)


class ResultState(_Wire, frozen=True, kw_only=True):
    """A result as recorded: ``established`` or ``reopened`` (or ``provisional`` when nothing
    is), with the established result and the draws recorded."""

    key: ResultKey
    state: str
    result: ContestResult | None = None
    established_by: str = ""
    established_at: str = ""
    reason: str = ""
    draws: tuple[DrawLot, ...] = ()


class PublicResult(_Wire, frozen=True, kw_only=True):
    """A contest's result as the public screen shows it: nothing (``opened`` false) before the
    round's polls close; then the provisional result of the accepted protocols, or the result as
    established. Public data only: counts, lists and candidates as the ballot names them."""

    key: ResultKey
    opened: bool
    polls_close: str
    """When the round's polls close (ISO 8601, UTC)."""
    state: str = "provisional"
    """``provisional`` (unofficial) or ``established``."""
    result: ContestResult | None = None
    names: dict[str, str] = {}
    """A mayor's candidates by result id (``c.<ballot position>``)."""
