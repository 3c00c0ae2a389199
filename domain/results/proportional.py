"""Proportional councils (gminas over 20,000, cities with powiat rights), rada powiatu, sejmik,
and the Sejm: the threshold over the whole area, then D'Hondt in each district.

- Art. 416 § 1: only lists with at least the threshold (5%) of the valid votes cast for the body
  in the whole area take part; a share is taken of every valid vote of every district together.
  "At least" is ``votes * 100 >= threshold * valid``, exactly.
- Art. 444 § 1: each list's district votes divided by 1, 2, 3 ...; the largest quotients, as many
  as the district's seats, each give its list a seat.
- Art. 444 § 2: equal last quotients and more such lists than seats left: the list with more
  votes ("ogólnej liczby oddanych na nie głosów": in the district, the unit the commission's
  statement of art. 442 counts), then the list that had more votes in more precincts, then a lot.
- Art. 445 § 1: a list that wins more seats than it has candidates left (withdrawn ones do not
  count) hands the missing seats to the next largest quotients of the other lists; when no list
  has a quotient left, the seat stays vacant.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Generic, TypeVar

from domain.results.articles import Rule
from domain.results.precedence import by_count, by_precincts, select

D = TypeVar("D", bound=Hashable)
L = TypeVar("L", bound=Hashable)

DEFAULT_THRESHOLD = Fraction(5)


@dataclass(frozen=True)
class Award(Generic[L]):
    """One seat: its list, the quotient that won it and the rule that gave it."""

    list: L
    quotient: Fraction
    rule: Rule


@dataclass(frozen=True)
class Tie(Generic[L]):
    """Equal last quotients the rules cannot order: ``places`` seats go by lot among ``lists``."""

    lists: tuple[L, ...]
    quotient: Fraction
    places: int
    after: Rule


@dataclass(frozen=True)
class DistrictSeats(Generic[L]):
    seats: int
    awards: tuple[Award[L], ...]
    tie: Tie[L] | None = None
    vacant: int = 0
    """Seats no list has a quotient left for (art. 445: every list ran out of candidates)."""

    def won(self) -> dict[L, int]:
        counts: dict[L, int] = {}
        for award in self.awards:
            counts[award.list] = counts.get(award.list, 0) + 1
        return counts


@dataclass(frozen=True)
class Apportionment(Generic[D, L]):
    lists: tuple[L, ...]
    """Every list of the input, in the order first seen."""
    votes: dict[L, int]
    """Each list's valid votes over all districts."""
    passed: tuple[L, ...]
    districts: dict[D, DistrictSeats[L]] = field(default_factory=dict)

    def totals(self) -> dict[L, int]:
        totals = dict.fromkeys(self.lists, 0)
        for district in self.districts.values():
            for name, won in district.won().items():
                totals[name] += won
        return totals


def passing(
    votes: Mapping[L, int], *, threshold: Fraction, list_thresholds: Mapping[L, Fraction]
) -> tuple[L, ...]:
    """The lists with at least their threshold (percent) of all the valid votes."""
    valid = sum(votes.values())
    return tuple(
        name for name, cast in votes.items()
        if cast * 100 >= list_thresholds.get(name, threshold) * valid
    )  # fmt: skip


def district_seats(
    seats: int,
    votes: Mapping[L, int],
    *,
    capacity: Mapping[L, int] | None = None,
    precincts: Sequence[Mapping[L, int]] = (),
) -> DistrictSeats[L]:
    """D'Hondt among ``votes`` (the lists that take part); ``capacity``: candidates each list
    has (none given: as many as seats); ``precincts``: each precinct's votes per list."""
    capped = _allocate(seats, votes, capacity, precincts)
    if capacity is None:
        return capped
    free = _allocate(seats, votes, None, precincts).won()
    if all(free.get(name, 0) <= capacity.get(name, 0) for name in free):
        return capped
    # Seats a list holds beyond what it won uncapped came to it from an exhausted list.
    extra = {name: won - free.get(name, 0) for name, won in capped.won().items()}
    awards = list(capped.awards)
    for index in range(len(awards) - 1, -1, -1):
        award = awards[index]
        if extra.get(award.list, 0) > 0:
            extra[award.list] -= 1
            awards[index] = Award(award.list, award.quotient, Rule.SURPLUS)
    return DistrictSeats(seats, tuple(awards), capped.tie, capped.vacant)


def _allocate(
    seats: int,
    votes: Mapping[L, int],
    capacity: Mapping[L, int] | None,
    precincts: Sequence[Mapping[L, int]],
) -> DistrictSeats[L]:
    levels: dict[Fraction, list[L]] = {}
    for name, cast in votes.items():
        if cast <= 0:
            continue  # no votes, no quotient: a seat is never won with nothing
        limit = seats if capacity is None else min(seats, capacity.get(name, 0))
        for divisor in range(1, limit + 1):
            levels.setdefault(Fraction(cast, divisor), []).append(name)
    criteria = [by_count(Rule.LIST_VOTES, votes), *by_precincts(Rule.LIST_PRECINCTS, precincts)]
    awards: list[Award[L]] = []
    room = seats
    for quotient in sorted(levels, reverse=True):
        if room == 0:
            break
        chosen = select(levels[quotient], room, criteria, whole=Rule.QUOTIENT)
        awards += [Award(name, quotient, rule) for name, rule in chosen.chosen]
        room -= len(chosen.chosen)
        if chosen.lot is not None:
            lot = chosen.lot
            tie = Tie(lists=lot.among, quotient=quotient, places=lot.places, after=lot.after)
            return DistrictSeats(seats, tuple(awards), tie)
    return DistrictSeats(seats, tuple(awards), vacant=room)


def apportion(
    seats: Mapping[D, int],
    votes: Mapping[D, Mapping[L, int]],
    *,
    threshold: Fraction = DEFAULT_THRESHOLD,
    list_thresholds: Mapping[L, Fraction] | None = None,
    capacity: Mapping[D, Mapping[L, int]] | None = None,
    precincts: Mapping[D, Sequence[Mapping[L, int]]] | None = None,
    annulled: AbstractSet[L] = frozenset(),
) -> Apportionment[D, L]:
    """Seats of every district of ``seats`` among the lists passing their thresholds.

    ``votes``: district -> list -> valid votes (a list absent from a district did not stand
    there); ``capacity``: district -> list -> candidates (art. 445); ``precincts``: district ->
    each precinct's votes per list (art. 444 § 2); ``annulled``: lists whose registration was
    annulled: they take no seat and their votes are not valid votes (nobody's share counts
    them). Raises ``ValueError`` for votes of a district
    without seats."""
    unknown = set(votes) - set(seats)
    if unknown:
        raise ValueError(f"votes for districts without seats: {sorted(map(str, unknown))}")
    totals: dict[L, int] = {}
    for district in votes.values():
        for name, cast in district.items():
            totals[name] = totals.get(name, 0) + (0 if name in annulled else cast)
    passed = passing(totals, threshold=threshold, list_thresholds=list_thresholds or {})
    passed = tuple(name for name in passed if name not in annulled)
    taking_part = set(passed)
    districts = {
        district: district_seats(
            count,
            {name: cast for name, cast in votes.get(district, {}).items() if name in taking_part},
            capacity=None if capacity is None else capacity.get(district, {}),
            precincts=() if precincts is None else precincts.get(district, ()),
        )
        for district, count in seats.items()
    }
    return Apportionment(lists=tuple(totals), votes=totals, passed=passed, districts=districts)
