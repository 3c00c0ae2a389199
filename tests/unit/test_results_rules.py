"""Every rule that decides a seat or a winner, each test named after its article of the Kodeks
wyborczy; where the rules run out, the result asks for a lot and never draws one."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.results.articles import TEXT, Rule
from domain.results.candidates import list_seats, single_member, without_vote
from domain.results.mayor import Decision, MayorResult, first_round, second_round, yes_no
from domain.results.precedence import Lot
from domain.results.proportional import apportion, district_seats, passing


def test_every_rule_has_its_article_in_words() -> None:
    assert set(TEXT) == set(Rule)
    assert all(text.startswith("art. ") for text in TEXT.values())


# Art. 380: no vote where candidates are not more than seats.


def test_art_380_the_registered_candidates_are_elected_without_a_vote() -> None:
    found = without_vote(["Nowak", "Kowalska"], seats=3)
    assert found is not None
    assert (("Nowak", Rule.UNCONTESTED), ("Kowalska", Rule.UNCONTESTED)) == found.chosen
    assert without_vote(["Nowak", "Kowalska", "Wiśniewski", "Lis"], seats=3) is None


# Art. 416 § 1: the threshold over the whole area.


def test_art_416_a_list_with_exactly_the_threshold_passes_and_one_vote_less_does_not() -> None:
    votes = {"A": 50, "B": 950}  # 5% of 1,000 exactly
    assert ("A", "B") == passing(votes, threshold=Fraction(5), list_thresholds={})
    votes = {"A": 49, "B": 951}
    assert ("B",) == passing(votes, threshold=Fraction(5), list_thresholds={})


def test_art_416_a_decimal_threshold_is_exact_and_a_list_may_have_its_own() -> None:
    votes = {"KO": 7_499, "PSL": 2_501}  # KO 74.99%: short of 75 by a hundredth
    assert ("PSL",) == passing(votes, threshold=Fraction(5), list_thresholds={"KO": Fraction(75)})
    assert ("KO", "PSL") == passing(
        votes, threshold=Fraction(5), list_thresholds={"KO": Fraction("74.99")}
    )


def test_art_416_a_list_below_the_threshold_takes_no_seat_even_where_it_is_strong() -> None:
    votes = {"1": {"A": 150, "B": 100}, "2": {"A": 3_000, "B": 10}}
    assert {"A": 2, "B": 1} == district_seats(3, votes["1"]).won()  # alone, B wins a seat
    found = apportion({"1": 3, "2": 3}, votes)
    assert ("A",) == found.passed  # B: 110 of 3,260 valid votes in the whole area, 3.4%
    assert {"A": 6, "B": 0} == found.totals()


# Art. 444 § 1: D'Hondt in each district.


def test_art_444_1_the_largest_quotients_win_the_seats() -> None:
    found = district_seats(7, {"A": 1_000, "B": 800, "C": 300, "D": 90})
    assert {"A": 3, "B": 3, "C": 1} == found.won()  # 1000, 800, 500, 400, 333.3, 300, 266.7
    assert {Rule.QUOTIENT} == {award.rule for award in found.awards}
    assert Fraction(800, 3) == found.awards[-1].quotient


# Art. 444 § 2: equal last quotients, more lists than seats.


def test_art_444_2_equal_last_quotients_go_to_the_list_with_more_votes() -> None:
    found = district_seats(2, {"A": 200, "B": 100, "C": 50})  # 200, then 100 = 200/2 = B/1
    assert {"A": 2} == found.won()
    assert Rule.LIST_VOTES == found.awards[-1].rule
    assert found.tie is None


def test_art_444_2_then_the_list_with_more_votes_in_more_precincts() -> None:
    precincts = [{"A": 60, "B": 40}, {"A": 30, "B": 50}, {"A": 10, "B": 12}]
    found = district_seats(3, {"A": 100, "B": 100, "C": 200}, precincts=precincts)
    assert {"C": 2, "B": 1} == found.won()  # 200, then C/2=100=A=B: B leads in 2 precincts
    assert Rule.LIST_PRECINCTS == found.awards[-1].rule


def test_art_444_2_then_a_lot_which_the_code_never_draws() -> None:
    found = district_seats(3, {"A": 100, "B": 100, "C": 200}, precincts=[{"A": 5, "B": 5}])
    assert {"C": 2} == found.won()
    assert found.tie is not None
    assert (("A", "B"), 1, Rule.LIST_PRECINCTS) == (
        found.tie.lists,
        found.tie.places,
        found.tie.after,
    )
    assert Fraction(100) == found.tie.quotient


# Art. 444 § 3 with art. 233: seats inside a list.


def test_art_444_3_a_lists_seats_go_to_its_candidates_by_their_own_votes() -> None:
    found = list_seats(2, {"Nowak": 120, "Kowalska": 340, "Lis": 200})
    assert ("Kowalska", "Lis") == found.names
    assert {Rule.CANDIDATE_VOTES} == {rule for _, rule in found.chosen}


def test_art_444_3_withdrawn_candidates_take_no_seat() -> None:
    found = list_seats(1, {"Nowak": 900, "Lis": 20}, withdrawn=frozenset({"Nowak"}))
    assert ("Lis",) == found.names


def test_art_233_equal_candidates_more_precincts_then_a_lot() -> None:
    precincts = [{"Nowak": 10, "Lis": 20}, {"Nowak": 15, "Lis": 5}, {"Nowak": 0, "Lis": 3}]
    found = list_seats(1, {"Nowak": 25, "Lis": 28, "Wrona": 28}, precincts=precincts)
    assert (("Lis", Rule.CANDIDATE_PRECINCTS),) == found.chosen
    found = list_seats(1, {"Nowak": 25, "Lis": 28, "Wrona": 28})
    assert found.chosen == ()
    assert Lot(among=("Lis", "Wrona"), places=1, after=Rule.CANDIDATE_VOTES) == found.lot


# Art. 445 § 1: a list with fewer candidates than seats won.


def test_art_445_the_missing_candidates_seats_go_to_the_next_quotients() -> None:
    found = district_seats(4, {"A": 1_000, "B": 300, "C": 200}, capacity={"A": 2, "B": 5, "C": 5})
    assert {"A": 2, "B": 1, "C": 1} == found.won()  # uncapped: A 3, B 1
    assert [Rule.SURPLUS] == [award.rule for award in found.awards if award.list == "C"]


def test_art_445_a_seat_no_list_has_a_candidate_for_stays_vacant() -> None:
    found = district_seats(5, {"A": 1_000, "B": 300}, capacity={"A": 2, "B": 1})
    assert {"A": 2, "B": 1} == found.won()
    assert 2 == found.vacant


def test_an_annulled_list_takes_no_seat_and_its_votes_count_for_no_share() -> None:
    votes = {"1": {"A": 940, "B": 56, "X": 4_000}}
    found = apportion({"1": 5}, votes, annulled=frozenset({"X"}))
    assert ("A", "B") == found.passed  # B: 56 of 996 = 5.6%, not of 4,996
    assert 0 == found.totals()["X"]


# Art. 443: single-member districts.


def test_art_443_1_most_valid_votes_wins() -> None:
    found = single_member({"Nowak": 410, "Lis": 390, "Wrona": 12})
    assert (("Nowak", Rule.MOST_VOTES),) == found.chosen


def test_art_443_2_a_tie_goes_to_the_candidate_first_in_more_precincts_then_a_lot() -> None:
    precincts = [{"Nowak": 200, "Lis": 100}, {"Nowak": 110, "Lis": 150}, {"Nowak": 100, "Lis": 160}]
    found = single_member({"Nowak": 410, "Lis": 410}, precincts=precincts)
    assert (("Lis", Rule.MOST_PRECINCTS),) == found.chosen
    even = [{"Nowak": 300, "Lis": 250}, {"Nowak": 110, "Lis": 160}]
    found = single_member({"Nowak": 410, "Lis": 410}, precincts=even)
    assert Lot(among=("Nowak", "Lis"), places=1, after=Rule.MOST_PRECINCTS) == found.lot


# Wójt, burmistrz, prezydent miasta (art. 472-475).


def _verdict(found: MayorResult[str]) -> tuple[Decision, str | None, Rule]:
    return found.decision, found.elected, found.rule


def test_art_472_more_than_half_of_the_valid_votes_elects_and_exactly_half_does_not() -> None:
    found = first_round({"Nowak": 501, "Lis": 300, "Wrona": 199})
    assert (Decision.ELECTED, "Nowak", Rule.MAJORITY) == _verdict(found)
    found = first_round({"Nowak": 500, "Lis": 300, "Wrona": 200})
    assert (Decision.RUNOFF, ("Nowak", "Lis")) == (found.decision, found.runoff)


def test_art_473_a_tie_for_the_second_runoff_place_goes_by_precincts_then_lot() -> None:
    votes = {"Nowak": 450, "Lis": 275, "Wrona": 275}
    precincts = [{"Lis": 100, "Wrona": 90}, {"Lis": 75, "Wrona": 95}, {"Lis": 100, "Wrona": 90}]
    found = first_round(votes, precincts=precincts)
    assert (Decision.RUNOFF, ("Nowak", "Lis")) == (found.decision, found.runoff)
    assert Rule.RUNOFF_PAIR_PRECINCTS == found.rule
    found = first_round(votes)
    assert (Decision.LOT, ("Nowak",)) == (found.decision, found.runoff)
    assert Lot(among=("Lis", "Wrona"), places=1, after=Rule.RUNOFF_PAIR) == found.lot


def test_art_474_the_runoff_goes_to_more_votes_then_precincts_then_lot() -> None:
    found = second_round({"Nowak": 5_001, "Lis": 5_000})
    assert (Decision.ELECTED, "Nowak", Rule.RUNOFF_VOTES) == (
        found.decision,
        found.elected,
        found.rule,
    )
    precincts = [{"Nowak": 10, "Lis": 20}, {"Nowak": 30, "Lis": 20}, {"Nowak": 10, "Lis": 10}]
    found = second_round({"Nowak": 50, "Lis": 50}, precincts=precincts)
    assert found.lot is not None  # one precinct each, one even
    assert Rule.RUNOFF_PRECINCTS == found.lot.after
    with pytest.raises(ValueError, match="YES/NO"):
        second_round({"Nowak": 50})


def test_art_475_a_sole_candidate_needs_more_than_half_yes_or_the_council_elects() -> None:
    found = yes_no("Nowak", yes=1_001, no=1_000)
    assert (Decision.ELECTED, "Nowak", Rule.SOLE_CANDIDATE) == (
        found.decision,
        found.elected,
        found.rule,
    )
    found = yes_no("Nowak", yes=1_000, no=1_000)
    assert (Decision.COUNCIL_ELECTS, None, Rule.COUNCIL_ELECTS) == (
        found.decision,
        found.elected,
        found.rule,
    )
    with pytest.raises(ValueError, match="YES/NO"):
        first_round({"Nowak": 10})
