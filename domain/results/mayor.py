"""The wójt, burmistrz or prezydent miasta (Kodeks wyborczy Dział VIII).

- Round 1 (art. 472 § 1): more than half of the valid votes elects.
- Otherwise (art. 473) a runoff 14 days later between the two with the most votes; equal votes
  for a runoff place: the one who had more votes than the other in more precincts, then a lot.
- The runoff (art. 474): more valid votes elects; equal: more precincts with more votes, then a
  lot. A runoff candidate who withdraws leaves the other alone on a YES/NO ballot.
- A sole candidate (art. 475), in round 1 or left alone in the runoff: elected by more than half
  of the valid votes YES; otherwise there is no runoff and the council elects the wójt.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from domain.results.articles import Rule
from domain.results.precedence import Lot, by_count, by_precincts, select

C = TypeVar("C", bound=Hashable)


class Decision(StrEnum):
    ELECTED = "elected"
    RUNOFF = "runoff"
    COUNCIL_ELECTS = "council_elects"
    LOT = "lot"
    """The rules stop before a winner or a runoff pair: the commission draws (``lot``)."""


@dataclass(frozen=True)
class MayorResult(Generic[C]):
    decision: Decision
    rule: Rule
    valid: int
    elected: C | None = None
    runoff: tuple[C, ...] = ()
    """The runoff pair (with a lot pending: those already in it)."""
    lot: Lot[C] | None = None


def first_round(
    votes: Mapping[C, int], *, precincts: Sequence[Mapping[C, int]] = ()
) -> MayorResult[C]:
    """Round 1 with two or more candidates (``votes``: valid votes of each standing one)."""
    if len(votes) < 2:
        raise ValueError("a sole candidate is elected on a YES/NO ballot: use yes_no")
    valid = sum(votes.values())
    leader = max(votes, key=lambda candidate: votes[candidate])
    if 2 * votes[leader] > valid:
        return MayorResult(Decision.ELECTED, Rule.MAJORITY, valid, elected=leader)
    criteria = [
        by_count(Rule.RUNOFF_PAIR, votes),
        *by_precincts(Rule.RUNOFF_PAIR_PRECINCTS, precincts),
    ]
    pair = select(list(votes), 2, criteria, whole=Rule.RUNOFF_PAIR)
    if pair.lot is not None:
        return MayorResult(Decision.LOT, pair.lot.after, valid, runoff=pair.names, lot=pair.lot)
    rule = max((rule for _, rule in pair.chosen), key=list(Rule).index)
    return MayorResult(Decision.RUNOFF, rule, valid, runoff=pair.names)


def second_round(
    votes: Mapping[C, int], *, precincts: Sequence[Mapping[C, int]] = ()
) -> MayorResult[C]:
    """The runoff between two candidates."""
    if len(votes) != 2:
        raise ValueError("a runoff has two candidates; one left alone is voted YES/NO")
    valid = sum(votes.values())
    criteria = [by_count(Rule.RUNOFF_VOTES, votes), *by_precincts(Rule.RUNOFF_PRECINCTS, precincts)]
    winner = select(list(votes), 1, criteria, whole=Rule.RUNOFF_VOTES)
    if winner.lot is not None:
        return MayorResult(Decision.LOT, winner.lot.after, valid, lot=winner.lot)
    elected, rule = winner.chosen[0]
    return MayorResult(Decision.ELECTED, rule, valid, elected=elected)


def yes_no(candidate: C, yes: int, no: int) -> MayorResult[C]:
    """A sole candidate on a YES/NO ballot (round 1, or a runoff after a withdrawal)."""
    valid = yes + no
    if 2 * yes > valid:
        return MayorResult(Decision.ELECTED, Rule.SOLE_CANDIDATE, valid, elected=candidate)
    return MayorResult(Decision.COUNCIL_ELECTS, Rule.COUNCIL_ELECTS, valid)
