"""A sound synthetic night: every precinct's voters, one protocol per contest and council
district that votes there, turnout reports of the standard precincts at 12:00 and 17:00, and the
mayor runoffs that round 1 makes necessary (round 2 is played later on the same drill night).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import msgspec

from domain.definitions.common import contest_key_of
from schemas.commands import SubmitProtocol, TurnoutKey
from schemas.definition import (
    CouncilContest,
    CountyCouncilContest,
    MayorContest,
    PrecinctType,
    RegionalAssemblyContest,
)
from schemas.drill import TurnoutEntry
from schemas.protocol import ProtocolContent, TurnoutContent
from schemas.validation import ProtocolKey
from services.tools.drill.national import counts

if TYPE_CHECKING:
    import random

    from schemas.definition import ContestDefinition, PrecinctDefinition

TURNOUT_AT: Final = ((dt.time(12), -9 * 3600, 0.38), (dt.time(17), -4 * 3600, 0.72))
"""Hour, seconds before the polls close, share of the day's ballots issued by then."""
NATIONAL_LIST_SHARES: Final = (0.31, 0.27, 0.13, 0.1, 0.07, 0.05)
LOCAL_LIST_SHARE: Final = 0.15


@dataclass
class Ballot:
    """How one contest's district votes: candidate shares, list shares or a YES share."""

    candidates: list[float] | None = None
    lists: list[tuple[int, float, int]] | None = None
    yes_share: float | None = None


@dataclass
class Night:
    election: str
    protocols: dict[ProtocolKey, SubmitProtocol] = field(default_factory=dict)
    voters: dict[tuple[str, int], counts.Voters] = field(default_factory=dict)
    turnout: list[TurnoutEntry] = field(default_factory=list)
    runoffs: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, key: ProtocolKey, content: ProtocolContent) -> None:
        self.protocols[key] = SubmitProtocol(key=key, content=content)


def ballots(rng: random.Random, contest: ContestDefinition) -> dict[int, Ballot]:
    """District number (0: none) -> how it votes."""
    if isinstance(contest, MayorContest):
        count = len(contest.candidates)
        if count == 1:
            return {0: Ballot(yes_share=rng.uniform(0.6, 0.85))}
        if rng.random() < 0.7:
            lead = rng.uniform(0.56, 0.75)
            rest = [rng.gammavariate(2, 1) for _ in range(count - 1)]
            shares = [lead] + [(1 - lead) * r / sum(rest) for r in rest]
            rng.shuffle(shares)
            return {0: Ballot(candidates=shares)}
        return {0: Ballot(candidates=[rng.gammavariate(4, 1) for _ in range(count)])}
    found: dict[int, Ballot] = {}
    assert isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest)
    tilt = [rng.lognormvariate(0, 0.3) for _ in range(len(NATIONAL_LIST_SHARES) + 1)]
    for district in contest.districts:
        if district.candidates:
            shares = [rng.gammavariate(3, 1) for _ in district.candidates]
            found[district.number] = Ballot(candidates=shares)
        else:
            found[district.number] = Ballot(
                lists=[
                    (
                        lst.number or 0,
                        ((*NATIONAL_LIST_SHARES, LOCAL_LIST_SHARE))[(lst.number or 1) - 1]
                        * tilt[(lst.number or 1) - 1],
                        len(lst.candidates),
                    )
                    for lst in district.lists
                ]
            )
    return found


def people(rng: random.Random, precinct: PrecinctDefinition) -> counts.Voters:
    standard = precinct.type is PrecinctType.STANDARD
    turnout = rng.uniform(0.45, 0.62) if standard else rng.uniform(0.7, 0.9)
    return counts.voters(
        rng,
        precinct.eligible_voters,
        precinct.eligible_voters_eu or 0,
        turnout=turnout,
        proxy=standard,
    )


def play(
    rng: random.Random,
    election: str,
    units: dict[str, list[PrecinctDefinition]],
    contests: list[ContestDefinition],
) -> Night:
    night = Night(election=election)
    shapes = {contest_key_of(c): (c, ballots(rng, c)) for c in contests}
    covering = _covering(contests)
    for teryt, precincts in sorted(units.items()):
        for precinct in precincts:
            day = people(rng, precinct)
            night.voters[teryt, precinct.number] = day
            place = (teryt, precinct.number)
            _protocols(rng, night, shapes, covering[f"{teryt}-{precinct.number}"], place, day)
            if precinct.type is PrecinctType.STANDARD:
                _turnout(night, teryt, precinct.number, day)
    _runoffs(rng, night, contests)
    return night


def _covering(contests: list[ContestDefinition]) -> dict[str, list[tuple[str, int, bool]]]:
    """Precinct ref -> (contest key, district, votes there) for every contest it votes in."""
    found: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
    for contest in contests:
        key = contest_key_of(contest)
        if isinstance(contest, MayorContest):
            continue
        assert isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest)
        for district in contest.districts:
            votes = bool(district.lists) or len(district.candidates) > 1
            for ref in district.precincts:
                found[ref].append((key, district.number, votes))
    return found


def _protocols(
    rng: random.Random,
    night: Night,
    shapes: dict[str, tuple[ContestDefinition, dict[int, Ballot]]],
    covering: list[tuple[str, int, bool]],
    place: tuple[str, int],
    day: counts.Voters,
) -> None:
    teryt, number = place

    def at(contest: str, district: int) -> ProtocolKey:
        return ProtocolKey(
            election=night.election,
            teryt=teryt,
            precinct=number,
            contest=contest,
            district=district,
        )

    council = [(k, d, v) for k, d, v in covering if k.startswith("council:")]
    area = council[0][0].split(":")[1] if council else teryt
    parts = day.parts(len(council)) if council else []
    for (key, district, votes), part in zip(council, parts, strict=True):
        if votes:
            _one(rng, night, shapes[key][1][district], at(key, district), part)
    _one(rng, night, shapes[f"mayor:{area}"][1][0], at(f"mayor:{area}", 0), day)
    for key, district, _ in covering:
        if not key.startswith("council:"):
            _one(rng, night, shapes[key][1][district], at(key, district), day.polish())


def _one(
    rng: random.Random, night: Night, ballot: Ballot, key: ProtocolKey, day: counts.Voters
) -> None:
    rate = 0.035 if ballot.lists else 0.015
    night.add(
        key,
        counts.content(
            rng,
            day,
            candidates=ballot.candidates,
            lists=ballot.lists,
            yes_share=ballot.yes_share,
            invalid_rate=rate,
        ),
    )


def _turnout(night: Night, teryt: str, number: int, day: counts.Voters) -> None:
    for hour, at_s, share in TURNOUT_AT:
        night.turnout.append(
            TurnoutEntry(
                at_s=at_s,
                key=TurnoutKey(election=night.election, teryt=teryt, precinct=number),
                report=TurnoutContent(
                    hour=hour,
                    eligible_voters=day.eligible,
                    ballots_issued=round(day.issued * share),
                ),
            )
        )


def _runoffs(rng: random.Random, night: Night, contests: list[ContestDefinition]) -> None:
    """Round 2 where no candidate won over half of the valid votes in round 1."""
    totals: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, protocol in night.protocols.items():
        if key.contest.startswith("mayor:"):
            for votes in protocol.content.candidates:
                totals[key.contest][votes.position] += votes.votes
    for contest in contests:
        area_key = contest_key_of(contest)
        result = totals.get(area_key, {})
        if not isinstance(contest, MayorContest) or len(result) < 2:
            continue
        if max(result.values()) * 2 > sum(result.values()):
            continue
        first, second = sorted(result, key=lambda p: -result[p])[:2]
        night.runoffs[area_key] = (min(first, second), max(first, second))
        # The round-1 leader usually gains in the runoff, as voters of the others choose.
        lead = rng.uniform(0.58, 0.72)
        pair = [lead, 1 - lead] if first < second else [1 - lead, lead]
        round_one = [k for k in night.protocols if k.contest == area_key and k.round == 1]
        for r1 in round_one:
            day = night.voters[r1.teryt, r1.precinct]
            lower = counts.Voters(
                eligible=day.eligible,
                eligible_eu=day.eligible_eu,
                issued=round(day.issued * 0.8),
                issued_eu=round(day.issued_eu * 0.8),
                proxy=day.proxy,
                received=day.received,
            )
            _round_two(rng, night, r1, pair, lower)


def _round_two(
    rng: random.Random, night: Night, r1: ProtocolKey, pair: list[float], day: counts.Voters
) -> None:
    """The runoff protocol: the two candidates keep their round-1 ballot positions."""
    key = msgspec.structs.replace(r1, round=2)
    _one(rng, night, Ballot(candidates=pair), key, day)
    positions = night.runoffs[r1.contest]
    protocol = night.protocols[key]
    moved = tuple(
        msgspec.structs.replace(votes, position=position)
        for votes, position in zip(protocol.content.candidates, positions, strict=True)
    )
    content = msgspec.structs.replace(protocol.content, candidates=moved)
    night.protocols[key] = msgspec.structs.replace(protocol, content=content)
