"""The control code contract v1: fixed vectors, what changes the code, how typed codes are read."""

from __future__ import annotations

import datetime as dt

import msgspec

from domain.controlcode import ALPHABET, canonical_encoding, control_code, normalise
from schemas.protocol import CandidateVotes, ListVotes, Notes, ProtocolContent

KEY = {"election": "prezydent-2025", "teryt": "146502", "precinct": 7,
       "contest": "president:PL", "district": 0, "round_number": 2}  # fmt: skip
SMALL = ProtocolContent(
    form="2025", eligible_voters=1200, ballots_received=1000, ballots_unused=310,
    ballots_issued=690, packages_sent=0,
    ballots_issued_total=690, proxy=0, certificate=3, envelopes_received=0,
    envelopes_no_statement=0,
    envelopes_unsigned_statement=0, envelopes_no_ballot_envelope=0, envelopes_unsealed=0,
    ballot_envelopes_in_box=0, ballots_from_box=690, ballots_from_envelopes=0, invalid_ballots=0,
    valid_ballots=690, invalid_votes=6, invalid_votes_multiple_marks=3, invalid_votes_no_mark=2,
    invalid_votes_struck_off_only=1, valid_votes=684,
    candidates=(CandidateVotes(position=2, votes=300), CandidateVotes(position=1, votes=384)),
)  # fmt: skip
SMALL_ENCODING = """tally-protocol-v1
election=prezydent-2025
teryt=146502
precinct=7
contest=president:PL
district=0
round=2
form=2025
ballot_envelopes_in_box=0
ballots_from_box=690
ballots_from_envelopes=0
ballots_issued=690
ballots_issued_total=690
ballots_received=1000
ballots_unused=310
certificate=3
eligible_voters=1200
envelopes_no_ballot_envelope=0
envelopes_no_statement=0
envelopes_received=0
envelopes_unsealed=0
envelopes_unsigned_statement=0
invalid_ballots=0
invalid_votes=6
invalid_votes_multiple_marks=3
invalid_votes_no_mark=2
invalid_votes_struck_off_only=1
packages_sent=0
proxy=0
valid_ballots=690
valid_votes=684
candidate.1=384
candidate.2=300
"""
WORDS = msgspec.structs.replace(
    SMALL,
    candidates=(),
    lists=(ListVotes(number=1, total=684, candidates_total=684,
                     candidates=(CandidateVotes(position=1, votes=684),)),),
    voting_started=dt.time(7), voting_ended=dt.time(21, 30),
    notes=Notes(other="Przerwa w dostawie prądu\\nod 12:00 do 12:10"),
    explanations={"R307": "Wyborca przedarł kartę"},
)  # fmt: skip


def test_the_encoding_is_as_documented() -> None:
    """Key, form, counts in alphabetical order, candidates by position: the contract's text."""
    assert SMALL_ENCODING == canonical_encoding(**KEY, content=SMALL).decode()


def test_vectors_are_fixed() -> None:
    """Printouts and the offline tool depend on these exact codes."""
    assert "6NH7-XAKG-R1JM" == control_code(canonical_encoding(**KEY, content=SMALL))
    assert "WD4P-KYTE-1X4J" == control_code(canonical_encoding(**KEY, content=WORDS))


def test_words_and_keys_change_the_code_too() -> None:
    """The notes, an explanation, the precinct: each is part of what the paper says."""
    base = control_code(canonical_encoding(**KEY, content=WORDS))
    changes = [
        msgspec.structs.replace(WORDS, notes=Notes(other="inna treść")),
        msgspec.structs.replace(WORDS, explanations={}),
        msgspec.structs.replace(WORDS, voting_ended=dt.time(21)),
    ]
    for content in changes:
        assert base != control_code(canonical_encoding(**KEY, content=content))
    assert base != control_code(canonical_encoding(**(KEY | {"precinct": 8}), content=WORDS))


def test_unicode_is_normalised_before_hashing() -> None:
    """'ó' typed as one code point or as o + combining accent gives one code."""
    composed = msgspec.structs.replace(WORDS, notes=Notes(other="zakłócenie \u00f3"))
    decomposed = msgspec.structs.replace(WORDS, notes=Notes(other="zakłócenie o\u0301"))
    assert control_code(canonical_encoding(**KEY, content=composed)) == control_code(
        canonical_encoding(**KEY, content=decomposed)
    )


def test_codes_use_crockford_base32_in_three_groups() -> None:
    """Twelve symbols without I, L, O, U, in groups of four."""
    code = control_code(b"anything")
    groups = code.split("-")
    assert [4, 4, 4] == [len(g) for g in groups]
    assert set("".join(groups)) <= set(ALPHABET)


def test_a_typed_code_is_read_forgivingly() -> None:
    """Case, dashes, spaces, O for 0 and I/L for 1 do not matter."""
    assert "6NH7-XAKG-R1JM" == normalise("6nh7 xakg rijm")
    assert "10A0-1B00-C000" == normalise("lOa0-iboo-cOOO")
