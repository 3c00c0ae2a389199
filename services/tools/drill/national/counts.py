"""What a synthetic commission counts: a precinct's voters on the day, split between the council
districts it votes in, and the protocol of each contest on the local form of 2024.

Votes follow each contest's base shares with a small precinct-to-precinct spread, so that only
planted discrepancies stand out to the detectors (a real night has some genuine outliers too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from schemas.protocol import CandidateVotes, ListVotes, ProtocolContent

if TYPE_CHECKING:
    import random

SPREAD: Final = 0.03
"""Sigma of the log-normal factor on a share in one precinct."""


@dataclass(frozen=True)
class Voters:
    """A precinct's (or a council district part's) voters and ballots on the day."""

    eligible: int
    eligible_eu: int
    issued: int
    issued_eu: int
    proxy: int
    received: int

    def parts(self, count: int) -> list[Voters]:
        """Split between ``count`` council districts voting in the precinct."""
        fields = [
            split(getattr(self, f), count)
            for f in ("eligible", "eligible_eu", "issued", "issued_eu", "proxy", "received")
        ]
        return [Voters(*values) for values in zip(*fields, strict=True)]

    def polish(self) -> Voters:
        """Part A: the voters of the rada powiatu and the sejmik."""
        return replace(
            self,
            eligible=self.eligible - self.eligible_eu,
            eligible_eu=0,
            issued=self.issued - self.issued_eu,
            issued_eu=0,
        )


def split(value: int, count: int) -> list[int]:
    base, extra = divmod(value, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` in whole numbers proportional to ``weights`` (largest remainders)."""
    if total == 0 or not weights:
        return [0] * len(weights)
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in order[: total - sum(floors)]:
        floors[index] += 1
    return floors


def voters(rng: random.Random, estimate: int, eu: int, *, turnout: float, proxy: bool) -> Voters:
    eligible = max(1, round(estimate * rng.uniform(0.98, 1.02)))
    issued = min(eligible, round(eligible * turnout), planned(estimate))
    return Voters(
        eligible=eligible,
        eligible_eu=eu,
        issued=issued,
        issued_eu=min(eu, issued, round(eu * turnout)),
        proxy=rng.randint(0, 3) if proxy and issued > 10 else 0,
        received=planned(estimate),
    )


def planned(estimate: int) -> int:
    """The print run: 90 % of the estimated voters (well above any turnout)."""
    return max(10, round(estimate * 0.9))


def noisy(rng: random.Random, shares: list[float]) -> list[float]:
    return [s * rng.lognormvariate(0, SPREAD) for s in shares]


def content(
    rng: random.Random,
    people: Voters,
    *,
    candidates: list[float] | None = None,
    lists: list[tuple[int, float, int]] | None = None,
    yes_share: float | None = None,
    invalid_rate: float = 0.02,
) -> ProtocolContent:
    """A sound protocol on the 2024 local form: candidates (shares by position), lists
    (number, share, candidates on it) or YES/NO (share of YES)."""
    valid_ballots = people.issued
    invalid = round(valid_ballots * invalid_rate * rng.uniform(0.5, 1.5))
    valid = valid_ballots - invalid
    votes: dict[str, object] = {}
    if candidates is not None:
        counts = apportion(valid, noisy(rng, candidates))
        votes["candidates"] = tuple(
            CandidateVotes(position=p, votes=v) for p, v in enumerate(counts, start=1)
        )
        votes["candidates_total"] = valid
    elif lists is not None:
        totals = apportion(valid, noisy(rng, [share for _, share, _ in lists]))
        votes["lists"] = tuple(
            ListVotes(
                number=number,
                total=total,
                candidates_total=total,
                candidates=tuple(
                    CandidateVotes(position=p, votes=v)
                    for p, v in enumerate(
                        apportion(total, [1 / p for p in range(1, size + 1)]), start=1
                    )
                ),
            )
            for (number, _, size), total in zip(lists, totals, strict=True)
        )
    else:
        share = yes_share or 0.5
        yes = apportion(valid, [share * rng.lognormvariate(0, SPREAD), 1 - share])[0]
        votes |= {"votes_yes": yes, "votes_no": valid - yes}
    eu = (
        {"eligible_voters_eu": people.eligible_eu, "ballots_issued_eu": people.issued_eu}
        if people.eligible_eu
        else {}
    )
    return ProtocolContent(
        form="2024",
        eligible_voters=people.eligible,
        ballots_received=people.received,
        ballots_unused=people.received - people.issued,
        ballots_issued=people.issued,
        proxy=people.proxy,
        packages_sent=0,
        ballots_issued_total=people.issued,
        envelopes_received=0,
        envelopes_no_statement=0,
        envelopes_unsigned_statement=0,
        envelopes_no_ballot_envelope=0,
        envelopes_unsealed=0,
        ballot_envelopes_in_box=0,
        ballots_from_box=people.issued,
        ballots_from_envelopes=0,
        invalid_ballots=0,
        valid_ballots=valid_ballots,
        invalid_votes=invalid,
        invalid_votes_multiple_marks=invalid // 2,
        invalid_votes_no_mark=invalid - invalid // 2,
        invalid_votes_struck_off_only=0,
        valid_votes=valid,
        voting_started=dt.time(7),
        voting_ended=dt.time(21),
        **eu,  # type: ignore[arg-type]
        **votes,  # type: ignore[arg-type]
    )
