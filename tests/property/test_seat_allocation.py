"""Seat allocation against a brute-force reference, and the invariants of D'Hondt: seats add
up, a list below its threshold gets none, more votes never cost a list a seat, names and order
change nothing, and a tie is reported exactly when equal quotients straddle the last seat."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.results.candidates import list_seats
from domain.results.contest_result import margins
from domain.results.mayor import Decision, first_round
from domain.results.proportional import DistrictSeats, apportion, district_seats

NAMES = ["A", "B", "C", "D", "E", "F"]
votes_of_lists = st.dictionaries(
    st.sampled_from(NAMES), st.integers(min_value=0, max_value=60), min_size=1
)
# Small counts make equal quotients (ties) common.
district_seat_counts = st.dictionaries(
    st.sampled_from(["1", "2", "3"]), st.integers(min_value=1, max_value=8), min_size=1
)
candidate_votes = st.dictionaries(
    st.text("abcdef", min_size=1, max_size=3), st.integers(min_value=0, max_value=9)
)


def reference(seats: int, votes: dict[str, int]) -> tuple[dict[str, int], set[str], int]:
    """Every quotient written out and sorted by (quotient, list votes): the lists above the
    last seat's key win, the lists with exactly that key share what is left by lot."""
    entries = sorted(
        ((Fraction(cast, divisor), cast, name) for name, cast in votes.items() if cast > 0
         for divisor in range(1, seats + 1)),
        reverse=True,
    )  # fmt: skip
    if len(entries) <= seats:
        won: dict[str, int] = {}
        for _, _, name in entries:
            won[name] = won.get(name, 0) + 1
        return won, set(), 0
    last = entries[seats - 1][:2]
    above = [name for quotient, cast, name in entries if (quotient, cast) > last]
    equal = {name for quotient, cast, name in entries if (quotient, cast) == last}
    places = seats - len(above)
    won = {}
    for name in above:
        won[name] = won.get(name, 0) + 1
    if len(equal) <= places:
        for name in equal:
            won[name] = won.get(name, 0) + 1
        return won, set(), 0
    return won, equal, places


def _possible(found: DistrictSeats[str], name: str) -> int:
    """Seats the list holds, and one more if it is in the lot (a list has one quotient there)."""
    tie = found.tie
    return found.won().get(name, 0) + (1 if tie and name in tie.lists else 0)


@given(st.integers(min_value=1, max_value=12), votes_of_lists)
@settings(max_examples=400)
def test_dhondt_matches_every_quotient_written_out(seats: int, votes: dict[str, int]) -> None:
    found = district_seats(seats, votes)
    won, tied, places = reference(seats, votes)
    assert won == found.won()
    assert tied == set(found.tie.lists if found.tie else ())
    assert places == (found.tie.places if found.tie else 0)
    assert seats == sum(found.won().values()) + places + found.vacant


@given(st.integers(min_value=1, max_value=12), votes_of_lists, st.data())
def test_more_votes_never_cost_a_list_a_seat(
    seats: int, votes: dict[str, int], data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(votes)))
    more = votes | {name: votes[name] + data.draw(st.integers(min_value=1, max_value=50))}
    before, after = district_seats(seats, votes), district_seats(seats, more)
    assert after.won().get(name, 0) >= before.won().get(name, 0)
    assert _possible(after, name) >= _possible(before, name)


@given(st.integers(min_value=1, max_value=12), votes_of_lists, st.permutations(NAMES))
def test_renaming_or_reordering_lists_changes_nothing(
    seats: int, votes: dict[str, int], names: list[str]
) -> None:
    rename = dict(zip(NAMES, names, strict=True))
    renamed = {rename[name]: cast for name, cast in reversed(votes.items())}
    found, other = district_seats(seats, votes), district_seats(seats, renamed)
    assert {rename[name]: won for name, won in found.won().items()} == other.won()
    assert {rename[name] for name in (found.tie.lists if found.tie else ())} == set(
        other.tie.lists if other.tie else ()
    )


@given(
    st.dictionaries(
        st.sampled_from(["1", "2", "3"]), st.integers(min_value=1, max_value=8), min_size=1
    ),
    st.data(),
    st.integers(min_value=0, max_value=20),
)
@settings(max_examples=200)
def test_a_list_below_its_threshold_gets_no_seat_and_every_district_adds_up(
    seats: dict[str, int], data: st.DataObject, threshold: int
) -> None:
    votes = {district: data.draw(votes_of_lists) for district in seats}
    found = apportion(seats, votes, threshold=Fraction(threshold))
    totals = found.votes
    valid = sum(totals.values())
    for name, cast in totals.items():
        if cast * 100 < threshold * valid:
            assert 0 == found.totals()[name]
            assert name not in found.passed
    for district, count in seats.items():
        result = found.districts[district]
        tie_places = result.tie.places if result.tie else 0
        assert count == sum(result.won().values()) + tie_places + result.vacant


@given(
    st.integers(min_value=1, max_value=12),
    votes_of_lists,
    st.dictionaries(st.sampled_from(NAMES), st.integers(min_value=0, max_value=6)),
)
def test_no_list_gets_more_seats_than_candidates_and_no_seat_is_lost_while_one_has_them(
    seats: int, votes: dict[str, int], capacity: dict[str, int]
) -> None:
    found = district_seats(seats, votes, capacity=capacity)
    won = found.won()
    assert all(won[name] <= capacity.get(name, 0) for name in won)
    if found.vacant:  # every list with votes has all its candidates seated
        assert all(
            won.get(name, 0) == capacity.get(name, 0) for name, cast in votes.items() if cast > 0
        )


@given(
    st.integers(min_value=0, max_value=6),
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.integers(min_value=0, max_value=9)
    ),
)
def test_a_lists_seats_go_to_its_best_candidates_or_wait_for_a_lot(
    won: int, votes: dict[str, int]
) -> None:
    found = list_seats(won, votes)
    chosen = set(found.names)
    assert len(chosen) + (found.lot.places if found.lot else 0) == min(won, len(votes))
    others = [votes[name] for name in votes if name not in chosen]
    assert all(votes[name] >= max(others, default=0) for name in chosen)
    if found.lot:
        assert len({votes[name] for name in found.lot.among}) == 1
        assert len(found.lot.among) > found.lot.places


@given(st.dictionaries(st.sampled_from(NAMES), st.integers(min_value=0, max_value=30), min_size=2))
def test_a_mayor_is_elected_by_a_majority_or_the_two_best_meet_in_a_runoff(
    votes: dict[str, int],
) -> None:
    found = first_round(votes)
    best = max(votes.values())
    if 2 * best > sum(votes.values()):
        assert (Decision.ELECTED, best) == (found.decision, votes[found.elected or ""])
        return
    chosen = set(found.runoff)
    waiting = set(found.lot.among) if found.lot else set()
    assert 2 == len(chosen) + (found.lot.places if found.lot else 0)
    rest = [cast for name, cast in votes.items() if name not in chosen | waiting]
    assert all(votes[name] >= max(rest, default=0) for name in chosen | waiting)
    assert len({votes[name] for name in waiting}) <= 1


@given(st.integers(min_value=1, max_value=10), votes_of_lists, st.data())
def test_a_lists_margins_are_the_fewest_votes_that_move_a_seat(
    seats: int, votes: dict[str, int], data: st.DataObject
) -> None:
    """``to_gain`` more votes win another seat and one vote fewer than that does not;
    ``to_lose`` fewer lose one and one fewer than that does not (others unchanged)."""
    name = data.draw(st.sampled_from(sorted(votes)))
    to_gain, to_lose = margins(seats, votes, name)

    def won(cast: int) -> int:
        return district_seats(seats, votes | {name: cast}).won().get(name, 0)

    now = won(votes[name])
    if to_gain is None:
        assert now == seats
    else:
        assert won(votes[name] + to_gain) > now
        assert to_gain == 1 or won(votes[name] + to_gain - 1) == now
    if to_lose is None:
        assert now == 0
    else:
        assert won(votes[name] - to_lose) < now
        assert to_lose == 1 or won(votes[name] - to_lose + 1) == now
