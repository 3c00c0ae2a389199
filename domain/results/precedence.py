"""Choosing some of several contenders by criteria in turn, and saying where a lot is needed.

Each criterion scores the contenders still equal (higher first). A group that fits in the places
left is chosen whole, by the rule of the criterion that separated it; a group that does not fit
goes to the next criterion; when none is left, the group and its places go to a lot. The code
never draws: the commission does, and part of the result is who it draws among.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from domain.results.articles import Rule

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Criterion(Generic[K]):
    rule: Rule
    score: Callable[[Sequence[K]], Mapping[K, int]]
    """Scores of the contenders given (all equal so far); higher comes first."""


@dataclass(frozen=True)
class Lot(Generic[K]):
    """The rules cannot choose ``places`` of ``among``: the commission draws lots."""

    among: tuple[K, ...]
    places: int
    after: Rule
    """The last rule that left them equal."""


@dataclass(frozen=True)
class Selection(Generic[K]):
    chosen: tuple[tuple[K, Rule], ...]
    """Who got a place, best first, each with the rule that decided it."""
    lot: Lot[K] | None = None

    @property
    def names(self) -> tuple[K, ...]:
        return tuple(contender for contender, _ in self.chosen)


def select(
    contenders: Sequence[K], places: int, criteria: Sequence[Criterion[K]], *, whole: Rule
) -> Selection[K]:
    """Choose ``places`` of ``contenders``; ``whole`` is the rule when all of them fit."""
    chosen: list[tuple[K, Rule]] = []
    lots: list[Lot[K]] = []

    def place(group: Sequence[K], room: int, index: int, rule: Rule) -> None:
        if len(group) <= room:
            chosen.extend((contender, rule) for contender in group)
            return
        if index == len(criteria):
            lots.append(Lot(among=tuple(group), places=room, after=rule))
            return
        criterion = criteria[index]
        scores = criterion.score(group)
        for level in sorted({scores[contender] for contender in group}, reverse=True):
            if room <= 0:
                return
            tier = [contender for contender in group if scores[contender] == level]
            place(tier, room, index + 1, criterion.rule)
            room -= min(len(tier), room)

    place(list(contenders), max(places, 0), 0, whole)
    return Selection(chosen=tuple(chosen), lot=lots[0] if lots else None)


def by_count(rule: Rule, counts: Mapping[K, int]) -> Criterion[K]:
    """A criterion that scores each contender by a number it has (votes)."""
    return Criterion(
        rule, lambda group: {contender: counts.get(contender, 0) for contender in group}
    )


def by_precincts(rule: Rule, precincts: Sequence[Mapping[K, int]]) -> list[Criterion[K]]:
    """More precincts where the contender had more votes than each other one still equal.

    The Kodeks says it for two ("had more votes than the other"); with more than two still
    equal, a precinct counts for the one contender whose votes there exceed every other's, and a
    precinct where the most votes are shared counts for nobody. Without precinct figures there
    is no such criterion (an empty list): the tie is reported after the rule before it, and
    whoever holds the figures applies this one before a lot."""
    if not precincts:
        return []

    def score(group: Sequence[K]) -> dict[K, int]:
        wins = dict.fromkeys(group, 0)
        for votes in precincts:
            best = max(votes.get(contender, 0) for contender in group)
            leaders = [contender for contender in group if votes.get(contender, 0) == best]
            if len(leaders) == 1:
                wins[leaders[0]] += 1
        return wins

    return [Criterion(rule, score)]
