"""R7xx: turnout reports during voting (12:00, 17:00...): voters on the list, ballots issued."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.values import broken
from schemas.definition import PrecinctType
from schemas.protocol import Severity, TurnoutContent

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import TurnoutContext

TURNOUT = "turnout"


@rule("R701", reads=("ballots_issued", "eligible_voters"), severity=Severity.ERROR, kind=TURNOUT,
      source="2014 Kalkulator turnout form: issued ≤ eligible (hard)",
      pl="Wydano więcej kart ({ballots_issued}) niż jest wyborców w spisie ({eligible_voters})",
      en="More ballots issued ({ballots_issued}) than voters on the list "
         "({eligible_voters})")  # fmt: skip
def turnout_issued_within_eligible(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    yield from broken(r.ballots_issued > r.eligible_voters)


@rule("R702", reads=("eligible_voters",), severity=Severity.WARNING, kind=TURNOUT,
      source="2014 Kalkulator turnout form: eligible within 90–110% of the estimate",
      pl="Wyborców w spisie ({eligible_voters}) jest poza przedziałem 90–110% szacunku "
         "({estimate})",
      en="Voters on the list ({eligible_voters}) outside 90–110% of the estimate "
         "({estimate})")  # fmt: skip
def turnout_eligible_near_estimate(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    if c.estimate:
        yield from broken(
            not 0.9 * c.estimate <= r.eligible_voters <= 1.1 * c.estimate, estimate=c.estimate
        )


@rule("R703", reads=("ballots_issued",), severity=Severity.ERROR, kind=TURNOUT,
      source="issued so far never decreases during the day [I]",
      pl="Wydanych kart ({ballots_issued}) jest mniej niż w poprzednim meldunku ({before})",
      en="Fewer ballots issued ({ballots_issued}) than in the previous report "
         "({before})")  # fmt: skip
def turnout_issued_never_decreases(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    if c.previous is not None:
        yield from broken(
            r.ballots_issued < c.previous.ballots_issued, before=c.previous.ballots_issued
        )


@rule("R704", reads=("eligible_voters",), severity=Severity.WARNING, kind=TURNOUT,
      source="the voter list only grows during the day (additional forms) [I]",
      pl="Wyborców w spisie ({eligible_voters}) jest mniej niż w poprzednim meldunku ({before})",
      en="Fewer voters on the list ({eligible_voters}) than in the previous report "
         "({before})")  # fmt: skip
def turnout_list_never_shrinks(r: TurnoutContent, c: TurnoutContext) -> Iterator[dict[str, object]]:
    if c.previous is not None:
        yield from broken(
            r.eligible_voters < c.previous.eligible_voters, before=c.previous.eligible_voters
        )


@rule("R705", reads=(), severity=Severity.WARNING, kind=TURNOUT,
      source="turnout is reported by standard (stały) precincts",
      pl="Frekwencję przekazują obwody stałe, a ten jest typu „{type}”",
      en="Turnout is reported by standard precincts; this one is '{type}'")  # fmt: skip
def turnout_from_standard_precincts(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    yield from broken(c.precinct_type is not PrecinctType.STANDARD, type=c.precinct_type.value)
