"""The code printed on a protocol (``TALLY1|key|control code|numbers``): what a scanner reads back
is what was printed, as a bare payload or as a link; anything else is refused naming the part;
the verdict against the stored versions finds the match, the superseded paper and every number
that differs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import paper_code
from domain.controlcode import canonical_encoding, canonical_numbers, control_code
from schemas.protocol import CandidateVotes, ProtocolContent
from schemas.validation import ProtocolKey

keys = st.builds(
    ProtocolKey,
    election=st.from_regex(r"[a-z][a-z0-9-]{2,20}", fullmatch=True),
    teryt=st.from_regex(r"[0-3][0-9]{5}", fullmatch=True),
    precinct=st.integers(1, 9999),
    contest=st.sampled_from(["mayor:302199", "council:302199", "president:PL"]),
    district=st.integers(0, 40),
    round=st.integers(1, 2),
)
codes = st.from_regex(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}",
                      fullmatch=True)  # fmt: skip
numbers = st.lists(st.integers(0, 10**7), max_size=80)


@given(keys, codes, numbers)
def test_a_payload_reads_back_as_printed(key: ProtocolKey, code: str, values: list[int]) -> None:
    scanned = paper_code.read(paper_code.payload(key, code, values))
    assert (scanned.key, scanned.control_code, list(scanned.numbers)) == (key, code, values)


@given(keys, codes, numbers)
def test_a_link_reads_back_as_its_payload(key: ProtocolKey, code: str, values: list[int]) -> None:
    text = paper_code.payload(key, code, values)
    link = paper_code.link("https://wybory.example.gov.pl/", text)
    assert link.startswith("https://wybory.example.gov.pl/scan?c=TALLY1|")
    assert paper_code.read(link) == paper_code.read(text)
    assert paper_code.link("", text) == text  # no public address: the bare payload


def test_a_code_typed_in_lower_case_reads_as_printed() -> None:
    scanned = paper_code.read("  TALLY1|e-2026/302199/2/mayor:302199/0/1|abcd-efgh-jkmn|1,2 ")
    assert ("ABCD-EFGH-JKMN", (1, 2)) == (scanned.control_code, scanned.numbers)


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("", "TALLY1|<key>"),
        ("TALLY2|e/302199/2/mayor:302199/0/1|ABCD-EFGH-JKMN|1", "TALLY1|<key>"),
        ("TALLY1|e/302199/2/mayor:302199/1|ABCD-EFGH-JKMN|1", "<district>/<round>"),
        ("TALLY1|e/302199/x/mayor:302199/0/1|ABCD-EFGH-JKMN|1", "are numbers"),
        ("TALLY1|e/302199/2/mayor:302199/0/1|ABCD|1", "XXXX-XXXX-XXXX"),
        ("TALLY1|e/302199/2/mayor:302199/0/1|ABCD-EFGH-JKMN|1,a", "separated by commas"),
        ("TALLY1|e/302199/2/mayor:302199/0/1|ABCD-EFGH-JKMN|1,-2", "never negative"),
        ("https://x.example/scan?d=1", "carries no 'c='"),
    ],
)  # fmt: skip
def test_anything_else_is_refused_naming_the_part(typed: str, names: str) -> None:
    with pytest.raises(paper_code.PaperCodeError, match=names.replace("|", r"\|")):
        paper_code.read(typed)


def _content(votes: tuple[int, ...], invalid: int = 2) -> ProtocolContent:
    return ProtocolContent(form="2024", invalid_votes=invalid, valid_votes=sum(votes),
                           candidates=tuple(CandidateVotes(position=i, votes=v)
                                            for i, v in enumerate(votes, 1)))  # fmt: skip


KEY = ProtocolKey(election="e-2026", teryt="302199", precinct=2, contest="mayor:302199")


def _stored(version: int, content: ProtocolContent) -> paper_code.StoredVersion:
    encoding = canonical_encoding(election=KEY.election, teryt=KEY.teryt, precinct=KEY.precinct,
                                  contest=KEY.contest, district=KEY.district,
                                  round_number=KEY.round, content=content)  # fmt: skip
    return paper_code.StoredVersion(version=version, control_code=control_code(encoding),
                                    numbers=tuple(canonical_numbers(content)))  # fmt: skip


def _paper(stored: paper_code.StoredVersion, values: list[int] | None = None) -> paper_code.Scanned:
    printed = values if values is not None else [v for _, v in stored.numbers]
    return paper_code.read(paper_code.payload(KEY, stored.control_code, printed))


@given(st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000)),
       st.integers(0, 2), st.integers(1, 9))  # fmt: skip
def test_the_verdict_finds_the_match_the_superseded_and_each_difference(
    votes: tuple[int, int, int], which: int, more: int
) -> None:
    first = _stored(1, _content(votes))
    changed = tuple(v + more if i == which else v for i, v in enumerate(votes))
    second = _stored(2, _content(changed))
    assert first.control_code != second.control_code  # a changed number: another code
    versions = [first, second]

    current = paper_code.verdict(_paper(second), versions)
    assert (current.matches, current.superseded, current.version) == (True, False, 2)
    assert () == current.differences

    old = paper_code.verdict(_paper(first), versions)
    assert (old.matches, old.superseded, old.version) == (False, True, 1)

    typed = [v for _, v in second.numbers]
    at = [name for name, _ in second.numbers].index(f"candidate.{which + 1}")
    typed[at] += 1
    forged = paper_code.verdict(_paper(second, typed), versions)
    assert not forged.matches
    assert (("candidate." + str(which + 1), typed[at], typed[at] - 1),) == forged.differences


def test_the_numbers_are_in_the_control_codes_order() -> None:
    content = _content((5, 7, 9))
    names = [name for name, _ in canonical_numbers(content)]
    encoding = canonical_encoding(election="e", teryt="302199", precinct=1, contest="mayor:302199",
                                  district=0, round_number=1, content=content).decode()  # fmt: skip
    lines = [line.split("=", 1)[0] for line in encoding.splitlines()]
    assert names == [line for line in lines if line in names]
    assert ["invalid_votes", "valid_votes", "candidate.1", "candidate.2", "candidate.3"] == names
