"""R5xx: citizens of the EU (and the UK) in local elections: part B of the voter list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.values import broken, num
from schemas.definition import TIERS_ABOVE_GMINA
from schemas.protocol import ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

E, HW, W = Severity.ERROR, Severity.HARD_WARNING, Severity.WARNING


@rule("R501", reads=("ballots_issued_eu", "eligible_voters_eu"), severity=E, source="SR0008",
      pl="Kart wydanych obywatelom UE ({ballots_issued_eu}) jest więcej niż uprawnionych "
         "obywateli UE "
         "({eligible_voters_eu})",
      en="Ballots issued to EU citizens ({ballots_issued_eu}) exceed the eligible EU citizens "
         "({eligible_voters_eu})")  # fmt: skip
def eu_issued_within_eu_eligible(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued_eu) > num(p.eligible_voters_eu))


@rule("R502", reads=("ballots_issued", "ballots_issued_eu", "eligible_voters",
             "eligible_voters_eu"),
      severity=E,
      source="SR0007",
      pl="Kart wydanych obywatelom polskim ({issued_pl}) jest więcej niż uprawnionych obywateli "
         "polskich ({eligible_pl})",
      en="Ballots issued to Polish citizens ({issued_pl}) exceed the eligible Polish citizens "
         "({eligible_pl})")  # fmt: skip
def pl_issued_within_pl_eligible(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    issued_pl = num(p.ballots_issued) - num(p.ballots_issued_eu)
    eligible_pl = num(p.eligible_voters) - num(p.eligible_voters_eu)
    yield from broken(issued_pl > eligible_pl, issued_pl=issued_pl, eligible_pl=eligible_pl)


@rule("R503", reads=("ballots_issued", "ballots_issued_eu", "eligible_voters",
             "eligible_voters_eu"),
      severity=E,
      source="SR0005/SR0006 (total = part A + part B)",
      pl="Część B (obywatele UE) przekracza łączną liczbę ({field})",
      en="Part B (EU citizens) exceeds the total ({field})")  # fmt: skip
def eu_parts_within_totals(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.eligible_voters_eu) > num(p.eligible_voters), field="eligible_voters")
    yield from broken(num(p.ballots_issued_eu) > num(p.ballots_issued), field="ballots_issued")


@rule("R504", reads=("eligible_voters", "eligible_voters_eu"), severity=W, source="SR0811/SR0812",
      pl="Obywateli UE ({eligible_voters_eu}) jest nie mniej niż obywateli polskich w spisie",
      en="EU citizens ({eligible_voters_eu}) are no fewer than Polish citizens on the "
         "list")  # fmt: skip
def polish_voters_outnumber_eu(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    eligible_eu = num(p.eligible_voters_eu)
    yield from broken(eligible_eu > 0 and num(p.eligible_voters) - eligible_eu <= eligible_eu)


@rule("R505", reads=("eligible_voters_eu",), severity=HW, source="SR0819 (B) (part B > estimate)",
      pl="Obywateli UE w spisie ({eligible_voters_eu}) jest więcej niż w meldunku ({estimate})",
      en="EU citizens on the list ({eligible_voters_eu}) exceed the pre-election estimate "
         "({estimate})")  # fmt: skip
def eu_within_estimate(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.estimate_eu is not None:
        yield from broken(num(p.eligible_voters_eu) > c.estimate_eu, estimate=c.estimate_eu)


@rule("R506", reads=("eligible_voters_eu",), severity=W, source="SR0031 (part B ≥ estimate)",
      pl="Obywateli UE w spisie ({eligible_voters_eu}) jest mniej niż w meldunku ({estimate})",
      en="EU citizens on the list ({eligible_voters_eu}) are fewer than the pre-election estimate "
         "({estimate})")  # fmt: skip
def eu_reaches_estimate(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.estimate_eu is not None:
        yield from broken(num(p.eligible_voters_eu) < c.estimate_eu, estimate=c.estimate_eu)


@rule("R507", reads=("eligible_voters_eu",), severity=E,
      source="§1.4: EU citizens vote only for the rada gminy and the wójt",
      pl="Obywatele UE ({eligible_voters_eu}) nie głosują w wyborach do rady powiatu i sejmiku",
      en="EU citizens ({eligible_voters_eu}) do not vote for the rada powiatu or the "
         "sejmik")  # fmt: skip
def no_eu_voters_above_gmina(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.contest_kind in TIERS_ABOVE_GMINA:
        yield from broken(num(p.eligible_voters_eu) > 0 or (p.ballots_issued_eu or 0) > 0)
