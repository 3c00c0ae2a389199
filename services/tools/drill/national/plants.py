"""Discrepancies planted in a synthetic night, one or more of every alert kind, each with the
expectation the drill checks at the end: the alert is raised at that place (or, where the rules
stop the number at the door, the command is refused by the named rule).

Also the everyday imperfections: explained warnings, errors a commission fixes before its
protocol is accepted, corrections before and after confirmation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import msgspec

from schemas.drill import AttemptEntry, CorrectionEntry, ExpectEntry, NightEntry, TurnoutEntry
from schemas.protocol import Notes, TurnoutContent
from services.tools.drill.national import counts

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from schemas.protocol import ProtocolContent
    from schemas.validation import ProtocolKey
    from services.tools.drill.national.night import Night

SHARES: Final = {"explained": 0.02, "attempt": 0.01, "correction": 0.01}
PLANTED_PER_KIND: Final = 3
replace = msgspec.structs.replace


def order(key: ProtocolKey) -> tuple[str, int, str, int, int]:
    return (key.teryt, key.precinct, key.contest, key.district, key.round)


def plant(rng: random.Random, night: Night) -> list[NightEntry]:
    entries: list[NightEntry] = []
    round_one = sorted((k for k in night.protocols if k.round == 1), key=order)
    standard = {(e.key.teryt, e.key.precinct) for e in night.turnout}
    mayors = [
        k
        for k in round_one
        if k.contest.startswith("mayor:")
        and (k.teryt, k.precinct) in standard
        and night.protocols[k].content.candidates
    ]
    taken: set[tuple[str, int]] = set()

    def fresh(keys: list[ProtocolKey], count: int) -> list[ProtocolKey]:
        chosen: list[ProtocolKey] = []
        for key in rng.sample(keys, min(len(keys), count * 4)):
            if (key.teryt, key.precinct) not in taken and len(chosen) < count:
                taken.add((key.teryt, key.precinct))
                chosen.append(key)
        return chosen

    for planter in PRECINCT_PLANTS:
        for key in fresh(mayors, PLANTED_PER_KIND):
            entries += planter(night, key)
    entries += _outliers(rng, night, mayors, taken)
    entries += _runoff_swaps(night)
    untouched = [k for k in round_one if (k.teryt, k.precinct) not in taken]
    return entries + _everyday(rng, night, untouched)


def _everyday(rng: random.Random, night: Night, keys: list[ProtocolKey]) -> list[NightEntry]:
    """Explained warnings, errors fixed before acceptance, corrections: a few in a hundred."""
    entries: list[NightEntry] = []
    explained = SHARES["explained"]
    attempt = explained + SHARES["attempt"]
    correction = attempt + SHARES["correction"]
    for key in keys:
        draw = rng.random()
        if draw < explained:
            entries += _invalid_ballots(night, key)
        elif draw < attempt:
            entries += _attempt(night, key)
        elif draw < correction:
            entries += _correction(night, key, after_confirmation=draw > (attempt + correction) / 2)
    return entries


def _expect(
    kind: str, key: ProtocolKey, note: str, *, contest: str = "", refused_by: str = ""
) -> ExpectEntry:
    return ExpectEntry(
        kind=kind,
        teryt=key.teryt,
        precinct=key.precinct,
        contest=contest,
        round=key.round,
        refused_by=refused_by,
        note=note,
    )


def _set(night: Night, key: ProtocolKey, content: ProtocolContent) -> None:
    night.protocols[key] = replace(night.protocols[key], content=content)


def _precinct(night: Night, key: ProtocolKey) -> list[ProtocolKey]:
    return [
        k
        for k in night.protocols
        if (k.teryt, k.precinct, k.round) == (key.teryt, key.precinct, key.round)
    ]


def _implausible_proxy(night: Night, key: ProtocolKey) -> list[NightEntry]:
    """1,481 certificates in 2015 was the famous one; here proxy voters far above plausible."""
    issued = night.protocols[key].content.ballots_issued or 0
    proxy = round(issued * 0.05) + 40
    keys = _precinct(night, key)
    council = [k for k in keys if k.contest.startswith("council:")]
    shares = dict(zip(council, counts.split(proxy, len(council)) if council else [], strict=True))
    for other in keys:
        part = night.protocols[other].content
        value = shares.get(other, proxy)
        _set(night, other, replace(part, proxy=min(value, part.ballots_issued or 0)))
    return [_expect("implausible-number", key, f"proxy {proxy} of {issued}", contest=key.contest)]


def _turnout_entry(night: Night, key: ProtocolKey, hour: dt.time) -> tuple[int, TurnoutEntry]:
    index, entry = next(
        (i, e)
        for i, e in enumerate(night.turnout)
        if (e.key.teryt, e.key.precinct) == (key.teryt, key.precinct) and e.report.hour == hour
    )
    return index, entry


def _turnout_above_protocol(night: Night, key: ProtocolKey) -> list[NightEntry]:
    content = night.protocols[key].content
    index, entry = _turnout_entry(night, key, dt.time(17))
    issued = min(content.eligible_voters or 0, (content.ballots_issued or 0) + 25)
    night.turnout[index] = replace(entry, report=replace(entry.report, ballots_issued=issued))
    return [_expect("issued-below-turnout", key, f"17:00 report says {issued}")]


def _ballot_stock(night: Night, key: ProtocolKey) -> list[NightEntry]:
    content = night.protocols[key].content
    received = content.ballots_received or 0
    index, entry = _turnout_entry(night, key, dt.time(17))
    issued = min(round(received * 0.82), content.ballots_issued or 0)
    night.turnout[index] = replace(entry, report=replace(entry.report, ballots_issued=issued))
    if issued >= received * 0.5:
        return [_expect("ballot-stock", key, f"{issued} of {received} ballots issued by 17:00")]
    return []


def _turnout_over_100(night: Night, key: ProtocolKey) -> list[NightEntry]:
    _, entry = _turnout_entry(night, key, dt.time(12))
    wrong = TurnoutContent(
        hour=dt.time(12),
        eligible_voters=entry.report.eligible_voters,
        ballots_issued=entry.report.eligible_voters + 7,
    )
    night.turnout.append(replace(entry, at_s=entry.at_s - 60, report=wrong, refused_by="R701"))
    return [_expect("turnout-over-100", key, "refused at the door", refused_by="R701")]


def _issued_differs(night: Night, key: ProtocolKey) -> list[NightEntry]:
    """The mayor's protocol counts two more ballots issued than the council's."""
    content = night.protocols[key].content
    first, *rest = content.candidates
    _set(
        night,
        key,
        replace(
            content,
            ballots_issued=(content.ballots_issued or 0) + 2,
            ballots_issued_total=(content.ballots_issued_total or 0) + 2,
            ballots_unused=(content.ballots_unused or 0) - 2,
            ballots_from_box=(content.ballots_from_box or 0) + 2,
            valid_ballots=(content.valid_ballots or 0) + 2,
            valid_votes=(content.valid_votes or 0) + 2,
            candidates_total=(content.candidates_total or 0) + 2,
            candidates=(replace(first, votes=first.votes + 2), *rest),
        ),
    )
    return [_expect("issued-differs", key, "mayor +2 ballots issued")]


def _hard_warning(night: Night, key: ProtocolKey) -> list[NightEntry]:
    """Ballots received far from the planned print run: held until the coordinator approves."""
    content = night.protocols[key].content
    extra = round((content.ballots_received or 0) * 0.2)
    _set(
        night,
        key,
        replace(
            content,
            ballots_received=(content.ballots_received or 0) + extra,
            ballots_unused=(content.ballots_unused or 0) + extra,
        ),
    )
    return [_expect("hard-warning", key, f"{extra} more ballots received", contest=key.contest)]


def _outliers(
    rng: random.Random, night: Night, mayors: list[ProtocolKey], taken: set[tuple[str, int]]
) -> list[NightEntry]:
    """A candidate's votes cut to a tenth in one precinct of a gmina with many precincts."""
    by_contest: dict[str, list[ProtocolKey]] = {}
    for key in mayors:
        by_contest.setdefault(key.contest, []).append(key)
    big = sorted(c for c, keys in by_contest.items() if len(keys) >= 12)
    entries: list[NightEntry] = []
    for contest in rng.sample(big, min(PLANTED_PER_KIND, len(big))):
        free = [k for k in by_contest[contest] if (k.teryt, k.precinct) not in taken]
        if not free:
            continue
        key = free[0]
        taken.add((key.teryt, key.precinct))
        content = night.protocols[key].content
        top = max(content.candidates, key=lambda v: v.votes)
        other = next(v for v in content.candidates if v.position != top.position)
        moved = top.votes - top.votes // 10
        votes = tuple(
            replace(v, votes=v.votes - moved)
            if v.position == top.position
            else replace(v, votes=v.votes + moved)
            if v.position == other.position
            else v
            for v in content.candidates
        )
        _set(night, key, replace(content, candidates=votes))
        entries.append(
            _expect("outlier", key, f"candidate {top.position} cut to a tenth", contest=contest)
        )
    return entries


def _runoff_swaps(night: Night) -> list[NightEntry]:
    """A runoff precinct whose two candidates' numbers are swapped, where the gmina's result
    is clear enough that the swap stands out."""
    entries: list[NightEntry] = []
    for contest in sorted(night.runoffs):
        keys = sorted(
            (k for k in night.protocols if k.contest == contest and k.round == 2), key=order
        )
        if len(keys) < 3 or len(entries) >= PLANTED_PER_KIND:
            continue
        a, b = (sum(night.protocols[k].content.candidates[i].votes for k in keys) for i in (0, 1))
        if abs(a - b) < 0.25 * (a + b):
            continue
        leader = 0 if a > b else 1
        agreeing = [k for k in keys if _leader(night, k) == leader]
        if not agreeing:
            continue
        key = agreeing[0]
        content = night.protocols[key].content
        first, second = content.candidates
        swapped = (replace(first, votes=second.votes), replace(second, votes=first.votes))
        _set(night, key, replace(content, candidates=swapped))
        entries.append(_expect("runoff-swap", key, "the two candidates swapped", contest=contest))
    return entries


def _leader(night: Night, runoff: ProtocolKey) -> int:
    """Which of the runoff pair (0 or 1) led in this precinct's first round: a swap is only
    visible where the first round here agrees with the gmina."""
    pair = [v.position for v in night.protocols[runoff].content.candidates]
    first = night.protocols[replace(runoff, round=1)].content.candidates
    votes = {v.position: v.votes for v in first}
    return 0 if votes[pair[0]] > votes[pair[1]] else 1


def _invalid_ballots(night: Night, key: ProtocolKey) -> list[NightEntry]:
    """A ballot without the commission's stamp in the box: a warning, explained in the notes."""
    content = night.protocols[key].content
    if not content.valid_ballots or not content.valid_votes or content.invalid_votes in (None, 1):
        return []
    reduced = _minus_one_vote(content)
    if reduced is None:
        return []
    _set(
        night,
        key,
        replace(
            reduced,
            invalid_ballots=1,
            valid_ballots=content.valid_ballots - 1,
            notes=Notes(invalid_ballots="Jedna karta bez pieczęci komisji."),
        ),
    )
    return [_expect("warning-accepted", key, "one invalid ballot", contest=key.contest)]


def _minus_one_vote(content: ProtocolContent) -> ProtocolContent | None:
    """The same protocol with one valid vote fewer (from the first counted candidate or list)."""
    if content.candidates:
        index = next((i for i, v in enumerate(content.candidates) if v.votes), None)
        if index is None:
            return None
        votes = list(content.candidates)
        votes[index] = replace(votes[index], votes=votes[index].votes - 1)
        return replace(
            content,
            candidates=tuple(votes),
            valid_votes=(content.valid_votes or 1) - 1,
            candidates_total=(content.candidates_total or 1) - 1,
        )
    if content.lists:
        index = next(
            (i for i, v in enumerate(content.lists) if v.total and v.candidates[0].votes), None
        )
        if index is None:
            return None
        lists = list(content.lists)
        top = lists[index]
        first = replace(top.candidates[0], votes=top.candidates[0].votes - 1)
        lists[index] = replace(
            top,
            total=top.total - 1,
            candidates_total=top.total - 1,
            candidates=(first, *top.candidates[1:]),
        )
        return replace(content, lists=tuple(lists), valid_votes=(content.valid_votes or 1) - 1)
    if content.votes_yes:
        return replace(
            content, votes_yes=content.votes_yes - 1, valid_votes=(content.valid_votes or 1) - 1
        )
    return None


def _attempt(night: Night, key: ProtocolKey) -> list[NightEntry]:
    """The commission first types the valid votes wrong; the rules refuse it."""
    content = night.protocols[key].content
    wrong = replace(content, valid_votes=(content.valid_votes or 0) + 7)
    return [AttemptEntry(key=key, content=wrong, refused_by="")]


def _correction(night: Night, key: ProtocolKey, *, after_confirmation: bool) -> list[NightEntry]:
    """A vote moved between the reasons of invalidity, found when re-checking the bags."""
    content = night.protocols[key].content
    if not content.invalid_votes_multiple_marks:
        return []
    corrected = replace(
        content,
        invalid_votes_multiple_marks=content.invalid_votes_multiple_marks - 1,
        invalid_votes_no_mark=(content.invalid_votes_no_mark or 0) + 1,
    )
    entries: list[NightEntry] = [
        CorrectionEntry(
            key=key,
            content=corrected,
            reason="Ponowne przeliczenie głosów nieważnych",
            after_confirmation=after_confirmation,
        )
    ]
    if after_confirmation:
        entries.append(
            _expect(
                "corrected-after-confirmation",
                key,
                "correction after the paper copy",
                contest=key.contest,
            )
        )
    return entries


PRECINCT_PLANTS: Final[tuple[Callable[[Night, ProtocolKey], list[NightEntry]], ...]] = (
    _implausible_proxy,
    _turnout_above_protocol,
    _ballot_stock,
    _turnout_over_100,
    _issued_differs,
    _hard_warning,
)
"""Discrepancies planted at one precinct each (its mayor protocol, turnout reports or both)."""
