"""R3xx: Part II, the ballots taken from the box: valid and invalid ballots, invalid votes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.values import broken, num
from schemas.protocol import ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

E, HW, W = Severity.ERROR, Severity.HARD_WARNING, Severity.WARNING


@rule("R301", reads=("ballots_from_box", "invalid_ballots", "valid_ballots"), severity=E,
      source="P2/SR0002 (2015 p9 = p10 + p11)",
      pl="Karty wyjęte z urny ({ballots_from_box}) to nie suma kart nieważnych "
         "({invalid_ballots}) i ważnych ({valid_ballots})",
      en="Ballots from the box ({ballots_from_box}) are not invalid ({invalid_ballots}) plus "
         "valid ({valid_ballots}) ballots")  # fmt: skip
def box_splits_into_valid_and_invalid(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_from_box) != num(p.invalid_ballots) + num(p.valid_ballots))


@rule("R302", reads=("valid_ballots", "invalid_votes", "valid_votes"), severity=E,
      source="P3/SR0003 (2015 p11 = p12 + p13)",
      pl="Karty ważne ({valid_ballots}) to nie suma głosów nieważnych ({invalid_votes}) i "
         "ważnych ({valid_votes})",
      en="Valid ballots ({valid_ballots}) are not invalid ({invalid_votes}) plus valid "
         "({valid_votes}) votes")  # fmt: skip
def valid_ballots_split_into_votes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.valid_ballots) != num(p.invalid_votes) + num(p.valid_votes))


@rule("R303", reads=("invalid_votes", "invalid_votes_multiple_marks", "invalid_votes_no_mark",
                     "invalid_votes_struck_off_only"), requires=("invalid_votes",), severity=E,
      source="2025 p13 = p13a + p13b + p13c (brief §2.3); a reason left blank did not apply",
      pl="Głosy nieważne ({invalid_votes}) to nie suma głosów nieważnych z podanych przyczyn "
         "({reasons})",
      en="Invalid votes ({invalid_votes}) are not the sum of the reasons given "
         "({reasons})")  # fmt: skip
def invalid_votes_add_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    given = [
        value
        for value in (
            p.invalid_votes_multiple_marks,
            p.invalid_votes_no_mark,
            p.invalid_votes_struck_off_only,
        )
        if value is not None
    ]
    if not given:
        return  # no breakdown given: nothing to add up
    yield from broken(sum(given) != num(p.invalid_votes), reasons=sum(given))


@rule("R304", reads=("ballots_from_box", "ballots_issued", "ballot_envelopes_in_box"), severity=W,
      source="S17/SR0816, W9 (2015 p9 = p4 + p8e)",
      pl="Karty wyjęte z urny ({ballots_from_box}) to nie suma kart wydanych ({ballots_issued}) "
         "i kopert "
         "na kartę wrzuconych do urny ({ballot_envelopes_in_box})",
      en="Ballots from the box ({ballots_from_box}) are not ballots issued ({ballots_issued}) plus "
         "ballot envelopes put in the box ({ballot_envelopes_in_box})")  # fmt: skip
def box_matches_issued_and_envelopes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    expected = num(p.ballots_issued) + num(p.ballot_envelopes_in_box)
    yield from broken(num(p.ballots_from_box) != expected)


@rule("R305", reads=("ballots_from_box", "ballots_from_envelopes", "ballots_issued"), severity=W,
      source="S10/SR0038 (2015 p9 − p9a ≥ p4; explained in pkt 16)",
      pl="Kart z urny poza kopertami ({in_person}) jest mniej niż wydanych kart ({ballots_issued})",
      en="Ballots from the box outside envelopes ({in_person}) are fewer than ballots issued "
         "({ballots_issued})")  # fmt: skip
def no_issued_ballot_missing(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    in_person = num(p.ballots_from_box) - num(p.ballots_from_envelopes)
    yield from broken(in_person < num(p.ballots_issued), in_person=in_person)


@rule("R306", reads=("ballots_from_box", "ballots_from_envelopes", "ballots_issued"), severity=HW,
      source="S26/SR0820 (B) (2015 p9 − p9a ≤ p4; explained in pkt 16)",
      pl="Kart z urny poza kopertami ({in_person}) jest więcej niż wydanych kart "
         "({ballots_issued})",
      en="Ballots from the box outside envelopes ({in_person}) are more than ballots issued "
         "({ballots_issued})")  # fmt: skip
def no_ballot_from_nowhere(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    in_person = num(p.ballots_from_box) - num(p.ballots_from_envelopes)
    yield from broken(in_person > num(p.ballots_issued), in_person=in_person)


@rule("R307", reads=("invalid_ballots",), severity=W,
      source="S13/SR0051, W10 (2015 p10 = 0; explained in pkt 17)",
      pl="W urnie były karty nieważne ({invalid_ballots}); przyczynę podaje się w uwagach",
      en="The box held invalid ballots ({invalid_ballots}); the notes say why")  # fmt: skip
def no_invalid_ballots(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.invalid_ballots) > 0)


@rule("R308", reads=("invalid_ballots", "invalid_votes"), severity=W,
      source="S14/SR0052 (2015 p10 ≠ p12)",
      pl="Karty nieważne i głosy nieważne mają tę samą wartość ({invalid_ballots}) — pomyłka "
         "pól?",
      en="Invalid ballots and invalid votes are the same number ({invalid_ballots}): fields "
         "mixed up?")  # fmt: skip
def invalid_ballots_not_invalid_votes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.invalid_ballots) > 0 and num(p.invalid_ballots) == num(p.invalid_votes))


@rule("R309", reads=("invalid_ballots", "invalid_votes"), severity=HW,
      source="S25/SR0821 (B) (not p10 > 0 with p12 = 0)",
      pl="Są karty nieważne ({invalid_ballots}), a nie ma głosów nieważnych — pomyłka pól?",
      en="There are invalid ballots ({invalid_ballots}) but no invalid votes: fields mixed "
         "up?")  # fmt: skip
def invalid_ballots_come_with_invalid_votes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.invalid_ballots) > 0 and num(p.invalid_votes) == 0)


@rule("R310", reads=("valid_ballots", "packages_sent", "ballots_issued"), severity=W,
      source="S15/SR0817, W11 (2015 p11 − p7 ≤ p4)",
      pl="Kart ważnych ({valid_ballots}) jest więcej niż kart wydanych ({ballots_issued}) i "
         "pakietów "
         "({packages_sent})",
      en="Valid ballots ({valid_ballots}) exceed ballots issued ({ballots_issued}) plus postal "
         "packages ({packages_sent})")  # fmt: skip
def valid_ballots_within_issued(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.valid_ballots) - num(p.packages_sent) > num(p.ballots_issued))


@rule("R311", reads=("valid_ballots", "eligible_voters"), severity=W,
      source="S8, S16/SR0030, SR0818, W14 (2015 p11 ≤ p1)",
      pl="Kart ważnych ({valid_ballots}) jest więcej niż uprawnionych ({eligible_voters})",
      en="Valid ballots ({valid_ballots}) exceed the eligible voters "
         "({eligible_voters})")  # fmt: skip
def valid_ballots_within_eligible(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.valid_ballots) > num(p.eligible_voters))
