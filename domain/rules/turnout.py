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


@rule("R701", reads=("issued", "eligible"), severity=Severity.ERROR, kind=TURNOUT,
      source="2014 Kalkulator turnout form: issued ≤ eligible (hard)",
      pl="Wydano więcej kart ({issued}) niż jest wyborców w spisie ({eligible})",
      en="More ballots issued ({issued}) than voters on the list ({eligible})")  # fmt: skip
def turnout_issued_within_eligible(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    yield from broken(r.issued > r.eligible)


@rule("R702", reads=("eligible",), severity=Severity.WARNING, kind=TURNOUT,
      source="2014 Kalkulator turnout form: eligible within 90–110% of the estimate",
      pl="Wyborców w spisie ({eligible}) jest poza przedziałem 90–110% szacunku ({estimate})",
      en="Voters on the list ({eligible}) outside 90–110% of the estimate "
         "({estimate})")  # fmt: skip
def turnout_eligible_near_estimate(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    if c.estimate:
        yield from broken(
            not 0.9 * c.estimate <= r.eligible <= 1.1 * c.estimate, estimate=c.estimate
        )


@rule("R703", reads=("issued",), severity=Severity.ERROR, kind=TURNOUT,
      source="issued so far never decreases during the day [I]",
      pl="Wydanych kart ({issued}) jest mniej niż w poprzednim meldunku ({before})",
      en="Fewer ballots issued ({issued}) than in the previous report ({before})")  # fmt: skip
def turnout_issued_never_decreases(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    if c.previous is not None:
        yield from broken(r.issued < c.previous.issued, before=c.previous.issued)


@rule("R704", reads=("eligible",), severity=Severity.WARNING, kind=TURNOUT,
      source="the voter list only grows during the day (additional forms) [I]",
      pl="Wyborców w spisie ({eligible}) jest mniej niż w poprzednim meldunku ({before})",
      en="Fewer voters on the list ({eligible}) than in the previous report "
         "({before})")  # fmt: skip
def turnout_list_never_shrinks(r: TurnoutContent, c: TurnoutContext) -> Iterator[dict[str, object]]:
    if c.previous is not None:
        yield from broken(r.eligible < c.previous.eligible, before=c.previous.eligible)


@rule("R705", reads=(), severity=Severity.WARNING, kind=TURNOUT,
      source="turnout is reported by standard (stały) precincts",
      pl="Frekwencję przekazują obwody stałe, a ten jest typu „{type}”",
      en="Turnout is reported by standard precincts; this one is '{type}'")  # fmt: skip
def turnout_from_standard_precincts(
    r: TurnoutContent, c: TurnoutContext
) -> Iterator[dict[str, object]]:
    yield from broken(c.precinct_type is not PrecinctType.STANDARD, type=c.precinct_type.value)
