"""A contest's result from its tallies: the rules of ``domain.results`` applied to what the
protocols of a council, a mayor, a rada powiatu or a sejmik say, with the commission's recorded
draws, as the ``schemas.results.ContestResult`` the views, the establishment and the audit share.

Inputs are plain: the contest as recorded (districts, seats, lists, candidates, strikes, the
runoff pair), each district's summed numbers as the tally view keeps them (``c.<position>``,
``l.<number>``, ``l.<number>.<position>``, ``votes_yes``, ``votes_no``) and, only where a tie
needs them, each precinct's numbers. The same inputs give the same result: replaying the log to
the position a result was established at and computing again gives it back.

Margins ("to gain", "to lose") are per list in its district with every other list's votes and
every list's threshold standing unchanged: the fewest votes more that win it another seat, the
fewest fewer that cost it one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from domain.results.articles import TEXT, Rule
from domain.results.candidates import list_seats, single_member, without_vote
from domain.results.mayor import first_round, second_round, yes_no
from domain.results.precedence import Lot
from domain.results.proportional import apportion, district_seats
from schemas.definition import COUNTY_COUNCIL, REGIONAL_ASSEMBLY
from schemas.results import (
    ContestResult,
    DistrictResult,
    DrawLot,
    Elected,
    LotView,
    MayorView,
    Standing,
)

if TYPE_CHECKING:
    from domain.contest import Contest
    from domain.results.precedence import Selection

LOT: Final = "lot"
LOT_TEXT: Final = "a lot drawn by the commission where the rules left contenders equal"
SUPPORTED: Final = frozenset({"council", "mayor", COUNTY_COUNCIL, REGIONAL_ASSEMBLY})
Numbers = Mapping[str, int]


class UnsupportedContestError(ValueError):
    """Results of this kind are established elsewhere (president, senate: the PKW)."""


@dataclass(frozen=True)
class Counts:
    expected: int
    counted: int


def contest_result(  # noqa: PLR0913 - the inputs of a result, each its own
    contest: Contest,
    round_number: int,
    tallies: Mapping[int, Numbers],
    *,
    flavour: str,
    position: int,
    counts: Counts,
    precincts: Mapping[int, Sequence[Numbers]] | None = None,
    draws: Sequence[DrawLot] = (),
) -> ContestResult:
    shape = contest.shape
    if shape.kind not in SUPPORTED:
        raise UnsupportedContestError(f"{shape.contest}: results of a {shape.kind} contest are "
                                      "established by the PKW, not in a gmina")  # fmt: skip
    work = _Work(contest, round_number, tallies, precincts or {}, draws)
    mayor = work.mayor() if shape.kind == "mayor" else None
    if shape.kind == "mayor":
        districts: tuple[DistrictResult, ...] = ()
    elif shape.system == "single-member":
        districts = tuple(work.single_member(d.number, d.seats) for d in shape.districts)
    else:
        districts = work.proportional()
    return ContestResult(
        election=shape.election, contest=shape.contest, round=round_number, kind=shape.kind,
        flavour=flavour, position=position, precincts_expected=counts.expected,
        precincts_counted=counts.counted, districts=districts, mayor=mayor,
        lots_pending=work.pending, rules=work.rules(),
    )  # fmt: skip


def needs_precincts(result: ContestResult) -> bool:
    """Whether a lot pending might be settled by precinct figures (the caller then reads them
    and computes again): a tie left after the votes, not after the precincts."""
    precinct_rules = {Rule.MOST_PRECINCTS, Rule.LIST_PRECINCTS, Rule.CANDIDATE_PRECINCTS,
                      Rule.RUNOFF_PAIR_PRECINCTS, Rule.RUNOFF_PRECINCTS}  # fmt: skip
    lots = [lot for d in result.districts for lot in d.lots]
    pending = [lot for lot in lots if not lot.drawn]
    if result.mayor is not None and result.mayor.decision == LOT:
        return True
    return any(lot.after not in precinct_rules for lot in pending)


class _Work:
    """One computation: the contest, what it needs, what it used."""

    def __init__(
        self, contest: Contest, round_number: int, tallies: Mapping[int, Numbers],
        precincts: Mapping[int, Sequence[Numbers]], draws: Sequence[DrawLot],
    ) -> None:  # fmt: skip
        self.contest = contest
        self.round = round_number
        self.tallies = tallies
        self.precincts = precincts
        self.draws = draws
        self.used: set[str] = set()
        self.pending = 0

    def rules(self) -> dict[str, str]:
        texts = {rule.value: text for rule, text in TEXT.items()} | {LOT: LOT_TEXT}
        return {code: texts[code] for code in sorted(self.used)}

    def _numbers(self, district: int) -> Numbers:
        return self.tallies.get(district, {})

    def _lot(self, district: int, lot: Lot[str], what: str, in_list: str = "") -> LotView:
        """The lot, with the commission's draw when one is recorded for exactly these."""
        self.used.add(lot.after.value)
        among = set(lot.among)
        found = next((d for d in self.draws if d.district == district and set(d.among) == among
                      and len(d.drawn) == lot.places), None)  # fmt: skip
        if found is None:
            self.pending += 1
        else:
            self.used.add(LOT)
        return LotView(among=lot.among, places=lot.places, after=lot.after.value, what=what,
                       list=in_list, drawn=found.drawn if found else ())  # fmt: skip

    def _chosen(self, selection: Selection[str], lot: LotView | None) -> list[tuple[str, str]]:
        chosen = [(name, rule.value) for name, rule in selection.chosen]
        self.used.update(rule for _, rule in chosen)
        if lot is not None:
            chosen += [(name, LOT) for name in lot.drawn]
        return chosen

    # Councils of single-member districts (art. 443, 380).

    def single_member(self, district: int, seats: int) -> DistrictResult:
        candidates = {pos: c for (d, pos), c in self.contest.candidates.items() if d == district}
        standing_ids = [f"c.{pos}" for pos, c in sorted(candidates.items()) if c.withdrawal is None]
        names = {f"c.{pos}": c.name for pos, c in candidates.items()}
        numbers = self._numbers(district)
        votes = {cid: numbers.get(cid, 0) for cid in standing_ids}
        standing = tuple(
            Standing(id=cid, name=names[cid], votes=votes[cid]) for cid in standing_ids
        )
        uncontested = without_vote(standing_ids, seats)
        if uncontested is not None:
            return self._uncontested(district, seats, uncontested, names, standing)
        found = single_member(votes, precincts=self._ballots(district))
        lot = self._lot(district, found.lot, "winner") if found.lot else None
        elected = tuple(Elected(id=cid, name=names[cid], votes=votes[cid], rule=rule)
                        for cid, rule in self._chosen(found, lot))  # fmt: skip
        return DistrictResult(district=district, seats=seats, valid_votes=sum(votes.values()),
                              standing=standing, elected=elected,
                              lots=(lot,) if lot else ())  # fmt: skip

    def _uncontested(
        self, district: int, seats: int, found: Selection[str], names: Mapping[str, str],
        standing: tuple[Standing, ...],
    ) -> DistrictResult:  # fmt: skip
        self.used.add(Rule.UNCONTESTED.value)
        elected = tuple(Elected(id=cid, name=names[cid], votes=0, rule=Rule.UNCONTESTED.value,
                                list=cid.rsplit(".", 1)[0] if cid.count(".") == 2 else "")
                        for cid, _ in found.chosen)  # fmt: skip
        vacant = seats - len(elected)
        return DistrictResult(district=district, seats=seats, valid_votes=0, standing=standing,
                              elected=elected, vacant=vacant, uncontested=True)  # fmt: skip

    def _ballots(self, district: int) -> list[Numbers]:
        return list(self.precincts.get(district, ()))

    # Proportional councils, rada powiatu, sejmik (art. 416, 444, 445, 380).

    def proportional(self) -> tuple[DistrictResult, ...]:
        contest = self.contest
        lists: dict[int, dict[str, tuple[str, dict[int, str], set[int], bool]]] = {}
        for (district, committee), recorded in contest.lists.items():
            number = contest.list_numbers.get(committee)
            if number is None:
                continue  # a list without a number was never on a ballot
            lists.setdefault(district, {})[f"l.{number}"] = (
                committee, recorded.candidates, set(recorded.withdrawn),
                recorded.annulment is not None,
            )  # fmt: skip
        seats = {d.number: d.seats for d in contest.shape.districts}
        votes = {d: {lid: self._numbers(d).get(lid, 0) for lid in lists.get(d, {})} for d in seats}
        annulled = frozenset(lid for d in lists.values() for lid, entry in d.items() if entry[3])
        found = apportion(seats, votes, annulled=annulled,
                          precincts={d: self._ballots(d) for d in seats})  # fmt: skip
        self.used.add(Rule.THRESHOLD.value)
        passed = set(found.passed)
        results = []
        for district, count in seats.items():
            in_district = lists.get(district, {})
            registered = [f"{lid}.{pos}" for lid, (_, cands, gone, annul) in in_district.items()
                          if not annul for pos in cands if pos not in gone]  # fmt: skip
            names = {f"{lid}.{pos}": name for lid, (_, cands, _, _) in in_district.items()
                     for pos, name in cands.items()}  # fmt: skip
            standing = self._list_standing(count, votes[district], passed, in_district)
            uncontested = without_vote(registered, count)
            if uncontested is not None:
                results.append(self._uncontested(district, count, uncontested, names, standing))
                continue
            capacity = {lid: len(cands) - len(gone & set(cands))
                        for lid, (_, cands, gone, _) in in_district.items()}  # fmt: skip
            taking_part = {lid: v for lid, v in votes[district].items() if lid in passed}
            seated = district_seats(count, taking_part, capacity=capacity,
                                    precincts=self._ballots(district))  # fmt: skip
            won = seated.won()
            lots: list[LotView] = []
            for award in seated.awards:
                self.used.add(award.rule.value)
            if seated.tie is not None:
                tie = seated.tie
                lot = self._lot(
                    district, Lot(among=tie.lists, places=tie.places, after=tie.after), "seat"
                )
                lots.append(lot)
                for lid in lot.drawn:
                    won[lid] = won.get(lid, 0) + 1
            elected: list[Elected] = []
            for lid, seats_won in won.items():
                elected += self._fill_list(district, lid, seats_won, in_district[lid], names, lots)
            standing = tuple(
                Standing(id=s.id, name=s.name, votes=s.votes, seats=won.get(s.id, 0),
                         passed=s.passed, to_gain=s.to_gain, to_lose=s.to_lose)
                for s in standing
            )  # fmt: skip
            results.append(DistrictResult(
                district=district, seats=count, valid_votes=sum(votes[district].values()),
                standing=standing, elected=tuple(elected), lots=tuple(lots),
                vacant=seated.vacant))  # fmt: skip
        return tuple(results)

    def _fill_list(
        self, district: int, lid: str, seats_won: int,
        entry: tuple[str, dict[int, str], set[int], bool], names: Mapping[str, str],
        lots: list[LotView],
    ) -> list[Elected]:  # fmt: skip
        _, candidates, gone, _ = entry
        numbers = self._numbers(district)
        votes = {f"{lid}.{pos}": numbers.get(f"{lid}.{pos}", 0) for pos in sorted(candidates)}
        withdrawn = frozenset(f"{lid}.{pos}" for pos in gone)
        found = list_seats(seats_won, votes, withdrawn=withdrawn,
                           precincts=self._ballots(district))  # fmt: skip
        lot = self._lot(district, found.lot, "candidate", lid) if found.lot else None
        if lot is not None:
            lots.append(lot)
        return [Elected(id=cid, name=names[cid], votes=votes[cid], rule=rule, list=lid)
                for cid, rule in self._chosen(found, lot)]  # fmt: skip

    def _list_standing(
        self, seats: int, votes: Mapping[str, int], passed: set[str],
        lists: Mapping[str, tuple[str, dict[int, str], set[int], bool]],
    ) -> tuple[Standing, ...]:  # fmt: skip
        taking_part = {lid: v for lid, v in votes.items() if lid in passed}
        return tuple(
            Standing(id=lid, name=lists[lid][0], votes=cast, passed=lid in passed,
                     to_gain=margin[0], to_lose=margin[1])
            for lid, cast in sorted(votes.items(), key=lambda item: int(item[0][2:]))
            for margin in [margins(seats, taking_part, lid) if lid in passed else (None, None)]
        )  # fmt: skip

    # Wójt, burmistrz, prezydent miasta (art. 472-475).

    def mayor(self) -> MayorView:
        contest = self.contest
        positions = contest.standing(self.round)
        numbers = self._numbers(0)
        names = {f"c.{pos}": contest.candidates[0, pos].name for pos in positions}
        if len(positions) == 1:
            yes, no = numbers.get("votes_yes", 0), numbers.get("votes_no", 0)
            found = yes_no(f"c.{positions[0]}", yes, no)
            self.used.add(found.rule.value)
            return MayorView(decision=found.decision.value, rule=found.rule.value,
                             elected=found.elected or "", yes=yes, no=no)  # fmt: skip
        votes = {cid: numbers.get(cid, 0) for cid in names}
        ballots = self._ballots(0)
        if self.round == 1:
            result = first_round(votes, precincts=ballots)
        else:
            result = second_round(votes, precincts=ballots)
        self.used.add(result.rule.value)
        if result.lot is None:
            return MayorView(decision=result.decision.value, rule=result.rule.value,
                             elected=result.elected or "", runoff=result.runoff)  # fmt: skip
        what = "runoff" if self.round == 1 else "winner"
        lot = self._lot(0, result.lot, what)
        if not lot.drawn:
            return MayorView(decision=LOT, rule=lot.after, runoff=result.runoff, lot=lot)
        if self.round == 1:
            return MayorView(decision="runoff", rule=LOT, runoff=(*result.runoff, *lot.drawn),
                             lot=lot)  # fmt: skip
        return MayorView(decision="elected", rule=LOT, elected=lot.drawn[0], lot=lot)


def margins(seats: int, votes: Mapping[str, int], lid: str) -> tuple[int | None, int | None]:
    """Fewest votes more for one more seat; fewest fewer for one less (others unchanged)."""
    now = district_seats(seats, votes).won().get(lid, 0)

    def won_with(cast: int) -> int:
        return district_seats(seats, {**votes, lid: cast}).won().get(lid, 0)

    current = votes[lid]
    to_gain: int | None = None
    if now < seats:
        low, high = 1, (now + 1) * (max(votes.values()) + 1) + 1
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if won_with(current + middle) > now else (middle + 1, high)
        to_gain = low
    to_lose: int | None = None
    if now > 0:
        low, high = 1, current
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if won_with(current - middle) < now else (middle + 1, high)
        to_lose = low
    return to_gain, to_lose
