"""The generator judges its own protocols as the system will: the same rules, a context built
from the same definition (ballot, precinct, council districts, the precinct's other protocols).

Warnings get the commission's explanation (as a real commission writes it), hard warnings are
left for the coordinator to approve, and an error in a protocol meant to be accepted is a bug of
the generator, reported as such.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Final

import msgspec

from domain.definitions.common import contest_key_of, contest_kind
from domain.rules import profile_for, validate
from domain.rules.context import precinct_estimates
from schemas.definition import (
    CouncilContest,
    CountyCouncilContest,
    MayorContest,
    RegionalAssemblyContest,
)
from schemas.protocol import Severity
from schemas.validation import BallotList, RuleContext, Sibling

if TYPE_CHECKING:
    from schemas.commands import SubmitProtocol
    from schemas.definition import ContestDefinition, PrecinctDefinition
    from schemas.protocol import Finding, ProtocolContent
    from schemas.validation import ProtocolKey

EXPLANATION: Final = "Komisja sprawdziła: liczby zgodne ze stanem faktycznym."


class Judge:
    def __init__(
        self,
        contests: list[ContestDefinition],
        precincts: dict[tuple[str, int], PrecinctDefinition],
        profile: str,
    ) -> None:
        self._contests = {contest_key_of(c): c for c in contests}
        self._precincts = precincts
        self._profile = profile_for(profile, "2024")
        self._council_districts: dict[str, list[int]] = defaultdict(list)
        self._no_vote: set[tuple[str, int]] = set()
        self._council_of: dict[str, str] = {}
        for key, contest in self._contests.items():
            if isinstance(contest, CouncilContest):
                for district in contest.districts:
                    for ref in district.precincts:
                        self._council_districts[ref].append(district.number)
                        self._council_of[ref] = key
                    if district.candidates and len(district.candidates) < 2:
                        self._no_vote.add((key, district.number))

    def findings(
        self,
        key: ProtocolKey,
        content: ProtocolContent,
        siblings: list[SubmitProtocol],
    ) -> tuple[Finding, ...]:
        contest = self._contests[key.contest]
        precinct = self._precincts[key.teryt, key.precinct]
        ref = f"{key.teryt}-{key.precinct}"
        council_key = self._council_of.get(ref, "")
        districts = tuple(self._council_districts[ref])
        context = RuleContext(
            contest_kind=contest_kind(contest),
            district=key.district,
            precinct_type=precinct.type,
            **precinct_estimates(precinct, contest_kind(contest), districts),
            candidates=frozenset(_positions(contest, key)),
            lists=_lists(contest, key.district),
            yes_no=isinstance(contest, MayorContest) and len(contest.candidates) == 1,
            siblings=tuple(
                Sibling(
                    contest_kind=contest_kind(self._contests[s.key.contest]),
                    district=s.key.district,
                    content=s.content,
                )
                for s in siblings
                if s.key != key
            ),
            council_districts=districts,
            districts_without_vote=frozenset(
                d for d in districts if (council_key, d) in self._no_vote
            ),
        )
        return validate(content, context, self._profile).findings

    def explained(self, protocol: SubmitProtocol, siblings: list[SubmitProtocol]) -> SubmitProtocol:
        """The protocol with an explanation for each of its warnings; errors raise."""
        found = self.findings(protocol.key, protocol.content, siblings)
        errors = [f.code for f in found if f.severity is Severity.ERROR]
        if errors:
            raise AssertionError(f"generated protocol {protocol.key} breaks {errors}")
        warnings = {f.code: EXPLANATION for f in found if f.severity is Severity.WARNING}
        if not warnings:
            return protocol
        content = msgspec.structs.replace(protocol.content, explanations=warnings)
        return msgspec.structs.replace(protocol, content=content)


def _positions(contest: ContestDefinition, key: ProtocolKey) -> list[int]:
    if isinstance(contest, MayorContest):
        return list(contest.runoff) if key.round == 2 else [c.position for c in contest.candidates]
    if isinstance(contest, CouncilContest):
        district = next(d for d in contest.districts if d.number == key.district)
        return [c.position for c in district.candidates]
    return []


def _lists(contest: ContestDefinition, number: int) -> tuple[BallotList, ...]:
    if not isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest):
        return ()
    district = next(d for d in contest.districts if d.number == number)
    return tuple(
        BallotList(number=lst.number or 0, positions=frozenset(c.position for c in lst.candidates))
        for lst in district.lists
    )
