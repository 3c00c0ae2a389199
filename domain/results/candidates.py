"""Who takes a seat: candidates inside a list, single-member districts, districts with no vote.

- Art. 444 § 3: a list's seats go to its candidates in order of their own votes; equal votes:
  art. 233 applied (more precincts where the candidate had more votes), then a lot. Withdrawn
  candidates take no seat (their names were struck off before the day).
- Art. 443: in a single-member district the candidate with the most valid votes; equal votes:
  more precincts where the candidate had the most votes (of those equal), then a lot.
- Art. 380: no more registered candidates than seats: no vote; they are elected and the other
  seats stay vacant.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TypeVar

from domain.results.articles import Rule
from domain.results.precedence import Selection, by_count, by_precincts, select

C = TypeVar("C", bound=Hashable)


def list_seats(
    won: int,
    votes: Mapping[C, int],
    *,
    withdrawn: AbstractSet[C] = frozenset(),
    precincts: Sequence[Mapping[C, int]] = (),
) -> Selection[C]:
    """The ``won`` seats of one list among its candidates (``votes``: every candidate's)."""
    standing = [candidate for candidate in votes if candidate not in withdrawn]
    criteria = [
        by_count(Rule.CANDIDATE_VOTES, votes),
        *by_precincts(Rule.CANDIDATE_PRECINCTS, precincts),
    ]
    return select(standing, won, criteria, whole=Rule.CANDIDATE_VOTES)


def single_member(
    votes: Mapping[C, int],
    *,
    withdrawn: AbstractSet[C] = frozenset(),
    precincts: Sequence[Mapping[C, int]] = (),
) -> Selection[C]:
    """The councillor of a single-member district (art. 443)."""
    standing = [candidate for candidate in votes if candidate not in withdrawn]
    criteria = [by_count(Rule.MOST_VOTES, votes), *by_precincts(Rule.MOST_PRECINCTS, precincts)]
    return select(standing, 1, criteria, whole=Rule.MOST_VOTES)


def without_vote(registered: Sequence[C], seats: int) -> Selection[C] | None:
    """Art. 380: the elected when ``registered`` (withdrawn ones left out) are not more than
    ``seats``; None when the district votes. Seats beyond them stay vacant."""
    if len(registered) > seats:
        return None
    return Selection(chosen=tuple((candidate, Rule.UNCONTESTED) for candidate in registered))
