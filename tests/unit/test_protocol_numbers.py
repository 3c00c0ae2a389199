"""A protocol's number vector is made once per content and handed to every view that folds it;
a content that takes the place (and the id) of a forgotten one gets its own numbers."""

from __future__ import annotations

from projections import protocol_state
from projections.protocol_state import numbers
from schemas.protocol import CandidateVotes, ListVotes, ProtocolContent


def content(votes: int) -> ProtocolContent:
    return ProtocolContent(form="2025", eligible_voters=1000, valid_votes=votes,
                           candidates=(CandidateVotes(position=1, votes=votes),),
                           lists=(ListVotes(number=2, total=votes, candidates=(
                               CandidateVotes(position=1, votes=votes),)),))  # fmt: skip


def test_the_same_content_gives_the_same_vector_to_every_view() -> None:
    """Asked twice for one content, the memo answers with the vector it made the first time."""
    one = content(7)
    assert numbers(one) is numbers(one)
    assert {"eligible_voters": 1000, "valid_votes": 7, "c.1": 7, "l.2": 7, "l.2.1": 7} == numbers(
        one
    )


def test_a_new_content_in_a_forgotten_ones_place_gets_its_own_numbers() -> None:
    """Contents made and dropped one after another (ids reused) each read as themselves, also
    across the memo being emptied when full."""
    for votes in range(3 * protocol_state._MEMO_SIZE // 2):
        assert votes == numbers(content(votes))["valid_votes"]
