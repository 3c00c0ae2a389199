"""Where a protocol belongs, read from the recorded definitions: its election, round, precinct,
contest and district, and the context its rules are judged in (ballot, siblings, estimates)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from domain.contest import Contest
from domain.election import Election
from domain.ids import contest_id, election_id, protocol_id, unit_id
from domain.protocol_refusal import refused
from domain.rules.context import precinct_estimates
from domain.unit import Unit
from schemas.definition import NATIONAL_AREA, CouncilSystem
from schemas.validation import BallotList, RuleContext, Sibling

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from schemas.definition import PrecinctDefinition, RoundDefinition
    from schemas.definition_events import DistrictShape
    from schemas.validation import ProtocolKey


class CurrentContent:
    """What a protocol beside this one is read as: the numbers of its current version alone (a
    small projection of its events), not the whole aggregate; ``get(id, CurrentContent)`` gives
    a ``ProtocolContent`` or None."""


@dataclass(frozen=True)
class Setting:
    election: Election
    voting: RoundDefinition
    unit: Unit
    precinct: PrecinctDefinition
    contest: Contest
    context: RuleContext


def precinct_setting(
    get: Callable[[UUID, type[Any]], Any], election_code: str, teryt: str, number: int,
    round_number: int,
) -> tuple[Election, RoundDefinition, Unit, PrecinctDefinition]:  # fmt: skip
    """The recorded election, round, unit and precinct, or a refusal naming the missing one."""
    election = get(election_id(election_code), Election)
    if election is None:
        raise refused("$.key.election", "protocol.unknown_election", election_code)
    voting = next((r for r in election.info.rounds if r.number == round_number), None)
    if voting is None:
        raise refused("$.key.round", "protocol.unknown_round", f"round {round_number}")
    unit = get(unit_id(election_code, teryt), Unit)
    if unit is None:
        raise refused("$.key.teryt", "protocol.unknown_unit", f"unit {teryt}")
    precinct = unit.precincts.get(number)
    if precinct is None:
        raise refused("$.key.precinct", "protocol.unknown_precinct", f"{teryt}-{number}")
    return election, voting, unit, precinct


def protocol_setting(get: Callable[[UUID, type[Any]], Any], key: ProtocolKey) -> Setting:
    election, voting, unit, precinct = precinct_setting(
        get, key.election, key.teryt, key.precinct, key.round
    )
    contest = get(contest_id(key.election, key.contest), Contest)
    if contest is None:
        raise refused("$.key.contest", "protocol.unknown_contest", key.contest)
    _check_place(contest, key)
    council = contest if key.contest == f"council:{key.teryt}" else _council(get, key)
    council_districts = tuple(_council_districts(council, key))
    context = RuleContext(
        contest_kind=contest.shape.kind,
        district=key.district,
        precinct_type=precinct.type,
        postal=precinct.postal,
        **precinct_estimates(precinct, contest.shape.kind, council_districts),
        candidates=frozenset(_positions(contest, key)),
        struck_off=frozenset(_struck_off(contest, key.district)),
        lists=_ballot_lists(contest, key.district),
        yes_no=contest.yes_no_ballot(key.round),
        siblings=tuple(_siblings(get, election, key)),
        council_districts=council_districts,
        districts_without_vote=frozenset(_without_vote(council, key)),
    )
    return Setting(election, voting, unit, precinct, contest, context)


def _check_place(contest: Contest, key: ProtocolKey) -> None:
    shape = contest.shape
    if key.round == 2 and not contest.runoff:
        raise refused("$.key.round", "protocol.no_runoff", f"{key.contest} has no runoff")
    districts = {d.number: d for d in shape.districts}
    if not districts:
        if key.district != 0:
            raise refused("$.key.district", "protocol.no_districts", f"{key.contest} has none")
        if shape.units and key.teryt not in shape.units:
            raise refused("$.key.teryt", "protocol.not_in_contest", f"{key.contest}")
        return
    district = districts.get(key.district)
    if district is None or not _covers(district, key):
        raise refused(
            "$.key.district",
            "protocol.not_in_district",
            f"precinct {key.teryt}-{key.precinct} does not vote in district {key.district}",
        )
    if _no_vote(contest, key.district):
        raise refused(
            "$.key.district",
            "protocol.no_vote_in_district",
            "no more candidates than seats: no vote takes place there (art. 380)",
        )


def _covers(district: DistrictShape, key: ProtocolKey) -> bool:
    return f"{key.teryt}-{key.precinct}" in district.precincts or key.teryt in district.units


def _positions(contest: Contest, key: ProtocolKey) -> list[int]:
    if key.round == 2:
        return list(contest.runoff)
    return [position for district, position in contest.candidates if district == key.district]


def _struck_off(contest: Contest, district: int) -> list[int]:
    return [
        position
        for (d, position), candidate in contest.candidates.items()
        if d == district and candidate.withdrawal is not None
    ]


def _ballot_lists(contest: Contest, district: int) -> tuple[BallotList, ...]:
    return tuple(
        BallotList(
            number=contest.list_numbers[committee],
            positions=frozenset(recorded.candidates),
            struck_off=frozenset(recorded.withdrawn),
            annulled=recorded.annulment is not None,
        )
        for (d, committee), recorded in sorted(contest.lists.items())
        if d == district and committee in contest.list_numbers
    )


def _no_vote(contest: Contest, district: int) -> bool:
    """Art. 380: no more standing candidates than seats means no vote in that district."""
    seats = {d.number: d.seats for d in contest.shape.districts}.get(district, 1)
    if contest.shape.system == CouncilSystem.PROPORTIONAL.value:
        standing = sum(
            len(set(r.candidates) - set(r.withdrawn))
            for (d, _), r in contest.lists.items()
            if d == district and r.annulment is None
        )
    else:
        standing = len(contest.standing(district=district))
    return standing <= seats


def _council(get: Callable[[UUID, type[Any]], Any], key: ProtocolKey) -> Contest | None:
    council: Contest | None = get(contest_id(key.election, f"council:{key.teryt}"), Contest)
    return council


def _council_districts(council: Contest | None, key: ProtocolKey) -> list[int]:
    if council is None:
        return []
    return [d.number for d in council.shape.districts if _covers(d, key)]


def _without_vote(council: Contest | None, key: ProtocolKey) -> list[int]:
    if council is None:
        return []
    return [n for n in _council_districts(council, key) if _no_vote(council, n)]


def sibling_ids(get: Callable[[UUID, type[Any]], Any], key: ProtocolKey) -> list[UUID]:
    """The ids of the protocols that may stand beside this one (read before judging it)."""
    election = get(election_id(key.election), Election)
    if election is None:
        return []
    return [protocol for _, _, protocol in _sibling_places(get, election, key)]


def precinct_keys(get: Callable[[UUID, type[Any]], Any], key: ProtocolKey) -> list[ProtocolKey]:
    """Every protocol a precinct's commission fills in for the round of ``key`` (its contest
    and district are ignored): the contests covering its gmina, in each the districts it votes
    in, without the districts where no vote takes place; the runoff only where one is open."""
    election = get(election_id(key.election), Election)
    if election is None:
        return []
    found = []
    for contest_key in sorted(_contest_keys(election, key.teryt)):
        contest = get(contest_id(key.election, contest_key), Contest)
        if contest is None or (key.round == 2 and not contest.runoff):
            continue
        if not contest.shape.districts and contest.shape.units and (
                key.teryt not in contest.shape.units):  # fmt: skip
            continue
        districts = [d.number for d in contest.shape.districts if _covers(d, key)]
        if contest.shape.districts and not districts:
            continue
        found += [msgspec.structs.replace(key, contest=contest_key, district=district)
                  for district in districts or [0] if not _no_vote(contest, district)]  # fmt: skip
    return found


def _siblings(
    get: Callable[[UUID, type[Any]], Any], election: Election, key: ProtocolKey
) -> list[Sibling]:
    """The current versions of the other protocols of this precinct and round."""
    siblings = []
    for kind, district, protocol in _sibling_places(get, election, key):
        content = get(protocol, CurrentContent)
        if content is not None:
            siblings.append(Sibling(contest_kind=kind, district=district, content=content))
    return siblings


def _sibling_places(
    get: Callable[[UUID, type[Any]], Any], election: Election, key: ProtocolKey
) -> list[tuple[str, int, UUID]]:
    """(contest kind, district, protocol id) of every other protocol of this precinct and round,
    from the definitions alone."""
    places = []
    for contest_key in sorted(_contest_keys(election, key.teryt)):
        contest = get(contest_id(key.election, contest_key), Contest)
        if contest is None:
            continue
        districts = [d.number for d in contest.shape.districts if _covers(d, key)]
        for district in districts or [0]:
            if (contest_key, district) == (key.contest, key.district):
                continue
            protocol = protocol_id(
                key.election, key.teryt, key.precinct, contest_key, district, key.round
            )
            places.append((contest.shape.kind, district, protocol))
    return places


def _contest_keys(election: Election, teryt: str) -> set[str]:
    """Contests that may cover the unit: its own, its powiat's, its voivodeship's, the nation's."""
    areas = (teryt, teryt[:4], teryt[:2], NATIONAL_AREA)
    return set().union(*(election.contests_by_area.get(area, ()) for area in areas))
