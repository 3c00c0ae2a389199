"""R122-R123: numbers no precinct can hold. Refused outright, whatever the commission explains:
they are typing accidents (or attempts), never a count. Large but possible numbers are left to the
warnings and to the alerts (a certificate count near the ballots issued is implausible, not
impossible: the implausible-number alert catches it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from domain.rules.catalogue import rule
from domain.rules.values import num
from schemas.protocol import COUNT_FIELDS, ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

MAX_COUNT: Final = 10_000_000
"""Far above any precinct (the largest have a few thousand voters), far below any overflow."""
HOLDERS: Final = ("eligible_voters", "eligible_voters_eu", "ballots_received")
"""The counts that bound the others: the voters on the list and the ballots the commission got."""


def _counts(p: ProtocolContent) -> Iterator[tuple[str, int]]:
    """Every number of the protocol with the name of its field."""
    for name in COUNT_FIELDS:
        value = getattr(p, name)
        if value is not None:
            yield name, value
    for entry in p.candidates:
        yield f"candidates[{entry.position}]", entry.votes
    for ballot_list in p.lists:
        yield f"lists[{ballot_list.number}].total", ballot_list.total
        for entry in ballot_list.candidates:
            yield f"lists[{ballot_list.number}].candidates[{entry.position}]", entry.votes


@rule("R122", reads=(), severity=Severity.ERROR,
      source="no precinct holds more than 10,000,000 voters or ballots",
      pl="Liczba w polu {field} ({value}) przekracza możliwą w jakimkolwiek obwodzie",
      en="The number in {field} ({value}) is beyond any precinct")  # fmt: skip
def within_any_precinct(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    for name, value in _counts(p):
        if value > MAX_COUNT:
            yield {"field": name, "value": value, "fields": (name,)}


@rule("R123", reads=(), requires=("ballots_received", "eligible_voters"), severity=Severity.ERROR,
      source="no ballot or vote beyond the ballots received and the eligible voters (plus 10%)",
      pl="Liczba w polu {field} ({value}) przekracza to, co obwód może pomieścić ({capacity}: "
         "więcej niż otrzymane karty i uprawnieni)",
      en="The number in {field} ({value}) is more than the precinct can hold ({capacity}: "
         "beyond both the ballots received and the eligible voters)")  # fmt: skip
def within_the_precinct(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    eligible = num(p.eligible_voters)
    capacity = max(num(p.ballots_received), eligible + max(10, eligible // 10))
    for name, value in _counts(p):
        if name not in HOLDERS and capacity < value <= MAX_COUNT:
            yield {"field": name, "value": value, "capacity": capacity, "fields": (name,)}
