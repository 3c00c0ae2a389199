"""The documents' data: what a protocol template, an entered protocol and a results protocol draft
say, read from the recorded definitions, the protocol's versions and the contest's result.

The command service answers these queries for the board; the CLI calls the same desk where the
store's connection lives. Either way the process that asked renders the PDF
(``services.paper``), so a document is made the same way wherever it is printed. A gmina's
templates are asked for precinct by precinct, which keeps every answer far below NATS's
message size whatever the gmina.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from domain.clock import Clock, to_warsaw
from domain.ids import unit_id
from domain.protocol_refusal import ProtocolRefusedError, refused
from domain.unit import Unit
from schemas.ballots import PrecinctQuery
from schemas.commands import Outcome
from schemas.paper import PaperPrecincts, ProtocolsPaper, ResultsPaper
from schemas.problems import Problem
from schemas.results import ContestResult, ResultQuery, ResultState
from services.apps.paper_protocols import protocol_paper
from services.apps.paper_results import Sheet, results_paper
from services.apps.result_inputs import ViewsBehindError

if TYPE_CHECKING:
    from schemas.paper import PrecinctsQuery, ProtocolPaperQuery, TemplatesQuery
    from services.apps.protocol_desk import ProtocolDesk
    from services.apps.results_desk import ResultsDesk


class PaperDesk:
    def __init__(self, protocols: ProtocolDesk, results: ResultsDesk, clock: Clock) -> None:
        self._protocols = protocols
        self._results = results
        self._clock = clock

    def _now(self) -> str:
        return f"{to_warsaw(self._clock.now()):%Y-%m-%d %H:%M}"

    async def paper_precincts(self, query: PrecinctsQuery) -> PaperPrecincts | Outcome:
        ref = query.key
        try:
            unit = await self._results.definition(unit_id(ref.election, ref.teryt))
            if not isinstance(unit, Unit):
                raise refused("$.key.teryt", "paper.unknown_gmina",
                              f"{ref.election} has no gmina {ref.teryt}")  # fmt: skip
        except ProtocolRefusedError as refusal:
            return Outcome(status="refused", problems=tuple(refusal.problems))
        return PaperPrecincts(numbers=tuple(sorted(unit.precincts)))

    async def paper_templates(self, query: TemplatesQuery) -> ProtocolsPaper | Outcome:
        """A precinct's templates of the round: every protocol it fills in, or those of one
        contest (and district)."""
        view = await self._protocols.precinct(PrecinctQuery(key=query.key))
        if isinstance(view, Outcome):
            return view
        keys = [s.key for s in view.protocols
                if (not query.contest or s.key.contest == query.contest)
                and (query.district is None or s.key.district == query.district)]  # fmt: skip
        if not keys and query.gmina_wide:
            return ProtocolsPaper(documents=(), draft=False, printed_at=self._now())
        if not keys:
            wanted = query.contest + (f" district {query.district}" if query.district else "")
            return _refusal("$.contest", "paper.unknown_contest",
                            f"precinct {query.key.precinct} of {query.key.teryt} votes in no "
                            f"{wanted or 'contest'} in round {query.key.round}")  # fmt: skip
        papers = []
        for key in keys:
            ballot = await self._protocols.ballot(key)
            if isinstance(ballot, Outcome):
                return ballot
            # A template says nothing of what was entered.
            papers.append(protocol_paper(msgspec.structs.replace(ballot, protocol=None)))
        return ProtocolsPaper(documents=tuple(papers), draft=False, printed_at=self._now())

    async def paper_protocol(self, query: ProtocolPaperQuery) -> ProtocolsPaper | Outcome:
        """A version as entered, with its control code and the QR code's payload; a version
        a later one corrected is marked superseded."""
        ballot = await self._protocols.ballot(query.key)
        if isinstance(ballot, Outcome):
            return ballot
        protocol = ballot.protocol
        if protocol is None or not protocol.versions:
            return _refusal("$.key", "paper.not_entered",
                            "nothing has been entered for this protocol yet")  # fmt: skip
        last = protocol.versions[-1].version
        number = query.version or last
        version = next((v for v in protocol.versions if v.version == number), None)
        if version is None:
            return _refusal("$.version", "paper.unknown_version",
                            f"the protocol has versions 1 to {last}, not {number}")  # fmt: skip
        paper = protocol_paper(ballot, version, state=protocol.state,
                               superseded_by=number + 1 if number < last else None)  # fmt: skip
        return ProtocolsPaper(documents=(paper,), draft=True, printed_at=self._now())

    async def paper_results(self, query: ResultQuery) -> ResultsPaper | Outcome:
        """The results protocol draft: the result as established when it is, otherwise the
        provisional one of the protocols accepted so far."""
        key = query.key
        try:
            contest = await self._results.contest(key)
            recorded = await self._results.result(ResultQuery(key=key, flavour="established"))
            if isinstance(recorded, Outcome):
                return recorded
            state = "provisional"
            result: ContestResult | ResultState | Outcome
            if isinstance(recorded, ResultState) and recorded.result is not None \
                    and recorded.state == "established":  # fmt: skip
                result, state = recorded.result, "established"
            else:
                result = await self._results.result(ResultQuery(key=key, flavour="accepted"))
            if not isinstance(result, ContestResult):
                return result if isinstance(result, Outcome) else _refusal(
                    "$.key", "paper.no_result", "no result to print")  # fmt: skip
            election = await self._results.election(key.election)
            unit = await self._results.definition(unit_id(key.election, contest.shape.area))
            tallies = await self._results.tallies(key, result.flavour)
        except ProtocolRefusedError as refusal:
            return Outcome(status="refused", problems=tuple(refusal.problems))
        except ViewsBehindError as behind:
            return _refusal("$.key", "paper.views_behind", str(behind), status="unavailable")
        voting = next((r for r in election.info.rounds if r.number == key.round), None)
        sheet = Sheet(
            election_name=election.info.name,
            voting_day=voting.date.isoformat() if voting else "",
            unit_name=unit.details.name if isinstance(unit, Unit) else contest.shape.area,
            unit_kind=str(unit.details.kind) if isinstance(unit, Unit) else "",
            committees=election.committees, tallies=tallies, state=state,
            printed_at=self._now(),
        )  # fmt: skip
        return results_paper(result, contest, sheet)


def _refusal(path: str, rule: str, message: str, status: str = "refused") -> Outcome:
    return Outcome(status=status, problems=(Problem(path=path, rule=rule, message=message),))
