"""Consistent protocols for tests: every rule holds, so a test changes one thing and watches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from schemas.definition import PrecinctType
from schemas.protocol import CandidateVotes, ListVotes, ProtocolContent
from schemas.validation import BallotList, ProtocolKey, RuleContext

KEY = ProtocolKey(
    election="prezydent-2015", teryt="021501", precinct=3, contest="president:PL", district=0
)


def president_2015(**changes: Any) -> ProtocolContent:
    """A postal-designated standard precinct, 2015 form: every rule holds, some at the edge."""
    base = ProtocolContent(
        form="2015",
        eligible_voters=1000, ballots_received=800, ballots_unused=300, ballots_issued=500,
        proxy=5, certificate=10,
        packages_sent=20, envelopes_received=18, envelopes_no_statement=1,
        envelopes_unsigned_statement=1, envelopes_no_ballot_envelope=1, envelopes_unsealed=1,
        ballot_envelopes_in_box=14, ballots_from_box=514, ballots_from_envelopes=14,
        invalid_ballots=0, valid_ballots=514, invalid_votes=4, valid_votes=510,
        candidates=(CandidateVotes(position=1, votes=300), CandidateVotes(position=2, votes=150),
                    CandidateVotes(position=3, votes=60)),
        candidates_total=510,
        voting_started=dt.time(7), voting_ended=dt.time(21),
    )  # fmt: skip
    return msgspec.structs.replace(base, **changes)


def president_2025(**changes: Any) -> ProtocolContent:
    """The 2025 form: issued in all, invalid votes by reason."""
    fields: dict[str, Any] = {
        "form": "2025",
        "ballots_issued_total": 520,
        "invalid_votes_multiple_marks": 2,
        "invalid_votes_no_mark": 1,
        "invalid_votes_struck_off_only": 1,
    }
    return president_2015(**(fields | changes))


def candidate_context(**changes: Any) -> RuleContext:
    base = RuleContext(
        contest_kind="president",
        postal=True,
        estimate=990,
        ballots_planned=800,
        candidates=frozenset({1, 2, 3}),
    )
    return msgspec.structs.replace(base, **changes)


def local_mayor(**changes: Any) -> ProtocolContent:
    """Local 2024 form (no certificates), with EU voters."""
    fields: dict[str, Any] = {
        "form": "2024",
        "certificate": None,
        "eligible_voters_eu": 20,
        "ballots_issued_eu": 8,
    }
    return president_2025(**(fields | changes))


def mayor_context(**changes: Any) -> RuleContext:
    fields: dict[str, Any] = {"contest_kind": "mayor", "estimate": 1000, "estimate_eu": 20}
    return candidate_context(**(fields | changes))


def council_lists(**changes: Any) -> ProtocolContent:
    """A proportional council district: list 2 has a struck-off candidate, list 3 is annulled."""
    lists = (
        ListVotes(number=1, total=310, candidates_total=310,
                  candidates=(CandidateVotes(position=1, votes=200),
                              CandidateVotes(position=2, votes=110))),
        ListVotes(number=2, total=200,
                  candidates=(CandidateVotes(position=1, votes=150),
                              CandidateVotes(position=2, votes=0))),
        ListVotes(number=3, total=0, candidates=(CandidateVotes(position=1, votes=0),)),
    )  # fmt: skip
    return local_mayor(**({"candidates": (), "candidates_total": None, "lists": lists} | changes))


def council_context(**changes: Any) -> RuleContext:
    lists = (
        BallotList(number=1, positions=frozenset({1, 2})),
        BallotList(number=2, positions=frozenset({1, 2}), struck_off=frozenset({2})),
        BallotList(number=3, positions=frozenset({1}), annulled=True),
    )
    fields: dict[str, Any] = {
        "contest_kind": "council",
        "district": 1,
        "candidates": frozenset(),
        "lists": lists,
    }
    return mayor_context(**(fields | changes))


def yes_no(**changes: Any) -> ProtocolContent:
    """A single mayor candidate: YES/NO."""
    fields: dict[str, Any] = {
        "candidates": (),
        "candidates_total": None,
        "votes_yes": 400,
        "votes_no": 110,
    }
    return local_mayor(**(fields | changes))


def yes_no_context(**changes: Any) -> RuleContext:
    return mayor_context(**({"candidates": frozenset({1}), "yes_no": True} | changes))


PRECINCT_TYPES = tuple(PrecinctType)
