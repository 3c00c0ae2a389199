"""The drill's own arithmetic and its verdicts: pure functions, with the tally view as the
independent other side."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from projections import tally
from projections.core import Event, MemoryView
from schemas import protocol_events as ev
from schemas.commands import SubmitProtocol
from schemas.protocol import CandidateVotes, ProtocolContent, RulesStamp
from schemas.validation import ProtocolKey
from services.tools.drill.compare import (
    Sum,
    TallyKey,
    official_comparison,
    report_row,
    sum_protocols,
    sum_view_rows,
    tally_differences,
)

UNITS = ("020101", "020106", "149901")
RULES = RulesStamp(version="t", profile="t")


def _protocol(teryt: str, precinct: int, votes: list[int], eligible: int) -> SubmitProtocol:
    key = ProtocolKey(election="e", teryt=teryt, precinct=precinct, contest="president:PL")
    candidates = tuple(CandidateVotes(position=n, votes=v) for n, v in enumerate(votes, 1))
    content = ProtocolContent(form="2020", eligible_voters=eligible, valid_votes=sum(votes),
                              candidates=candidates)  # fmt: skip
    return SubmitProtocol(key=key, content=content)


protocol_lists = st.lists(
    st.builds(_protocol, st.sampled_from(UNITS), st.integers(1, 10**6),
              st.lists(st.integers(0, 900), min_size=3, max_size=3), st.integers(0, 3000)),
    max_size=25,
    unique_by=lambda p: (p.key.teryt, p.key.precinct),
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(protocol_lists)
def test_the_drills_sums_equal_the_tally_view_folded_from_the_same_protocols(
    protocols: list[SubmitProtocol],
) -> None:
    view = MemoryView()
    for seq, protocol in enumerate(protocols, start=1):
        data = ev.ProtocolSubmitted(key=protocol.key, content=protocol.content,
                                    control_code="C", findings=(), rules=RULES)  # fmt: skip
        event = Event(seq=seq, tag="protocol.submitted.v1", aggregate_id=f"p{seq}", routing={},
                      data=data)  # fmt: skip
        view.commit(tally.apply(view, event), seq)
    rows = [row for (table, _), row in view.rows.items() if table == tally.TALLIES]
    accepted = [row for row in rows if row["flavour"] == "accepted"]
    assert [] == tally_differences(sum_protocols(protocols), sum_view_rows(accepted), "accepted")


def test_every_differing_number_is_listed_and_a_missing_tally_differs_in_all() -> None:
    key, other = TallyKey("020101", "president:PL", 0, 1), TallyKey("020106", "president:PL", 0, 1)
    expected = {key: Sum(2, {"valid_votes": 10, "c.1": 10}), other: Sum(1, {"c.1": 3})}
    actual = {key: Sum(2, {"valid_votes": 11, "c.1": 10})}
    found = {(d["gmina_teryt"], d["number"], d["expected"], d["actual"])
             for d in tally_differences(expected, actual, "accepted")}  # fmt: skip
    assert {("020101", "valid_votes", 10, 11), ("020106", "precincts", 1, 0),
            ("020106", "c.1", 3, 0)} == found  # fmt: skip


def test_the_report_names_fields_and_candidates_as_spelled() -> None:
    key = TallyKey("146515", "president:PL", 0, 1)
    row = report_row(key, Sum(10, {"eligible_voters": 100, "ballots_issued": 60, "c.3": 30,
                                   "c.9": 25}),
                     {"c.3": "Andrzej Sebastian DUDA", "c.9": "Rafał Kazimierz TRZASKOWSKI"},
                     "accepted")  # fmt: skip
    assert {"gmina_teryt": "146515", "contest": "president:PL", "round": 1, "flavour": "accepted",
            "precincts": 10, "fields": {"eligible_voters": 100, "ballots_issued": 60},
            "votes": {"Andrzej Sebastian DUDA": 30,
                      "Rafał Kazimierz TRZASKOWSKI": 25}} == row  # fmt: skip


def test_an_official_difference_is_explained_only_by_precincts_the_source_left_out() -> None:
    rows = [
        {"gmina_teryt": unit, "flavour": "accepted", "fields": {"valid_votes": 100},
         "votes": {"A": 60, "B": 40}}
        for unit in ("020101", "149901", "020106")
    ]  # fmt: skip
    official = [
        {"gmina_teryt": "020101", "fields": {"valid_votes": 100}, "votes": {"A": 60, "B": 40}},
        {"gmina_teryt": "149901", "fields": {"valid_votes": 130}, "votes": {"A": 80, "B": 50}},
        {"gmina_teryt": "020106", "fields": {"valid_votes": 100}, "votes": {"A": 61, "B": 40}},
    ]
    skipped = [{"gmina_teryt": "149901", "precinct": 53, "address": "Camp Taji"}]
    verdict = official_comparison(rows, official, skipped, failed_units=set())
    assert (3, 1, 2) == (verdict["compared"], verdict["equal"], verdict["different"])
    abroad, warta = verdict["differences"]
    assert abroad["explained"]
    assert "Camp Taji" in abroad["explanation"]
    assert {"A": {"official": 61, "tally": 60}} == warta["votes"]
    assert not warta["explained"]
    # When the tally itself is wrong for the unit, a gap in the source explains nothing.
    again = official_comparison(rows, official, skipped, failed_units={"149901"})
    assert not again["differences"][0]["explained"]
