"""R6xx: the protocols of one precinct and round agree with each other.

On one ballot day every contest counts the same voters. A precinct voting in several council
districts splits them: the council protocols together count what the mayor's counts alone (C2). The
catalogue sees one protocol at a time; the others come in ``RuleContext.siblings``. A rule only
judges when it can: the council sum only once every voting council district's protocol is there.

Only Polish citizens vote for the rada powiatu and the sejmik (tiers above the gmina), so those
protocols are compared with part A of the gmina's (C3, rule R607) and left out of R601-R606.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from schemas.definition import TIERS_ABOVE_GMINA
from schemas.protocol import ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from domain.rules.context import RuleContext

COUNCIL = "council"


def _values(p: ProtocolContent, c: RuleContext, name: str) -> tuple[list[int], int | None]:
    """The field in the protocols without districts, and the council districts' sum if whole."""
    if c.contest_kind in TIERS_ABOVE_GMINA:
        return [], None
    own = getattr(p, name)
    others = [
        s
        for s in c.siblings
        if getattr(s.content, name) is not None and s.contest_kind not in TIERS_ABOVE_GMINA
    ]
    singles = [getattr(s.content, name) for s in others if s.contest_kind != COUNCIL]
    council = {s.district: getattr(s.content, name) for s in others if s.contest_kind == COUNCIL}
    if c.contest_kind == COUNCIL:
        council[c.district] = own
    else:
        singles.append(own)
    voting = set(c.council_districts) - c.districts_without_vote
    whole = bool(voting) and voting <= set(council)
    return singles, sum(council[d] for d in voting) if whole else None


@rule("R601", reads=("eligible_voters",), severity=Severity.ERROR,
      source="C1 (eligible equal across the contests of one ballot day; Sejm/Senat analogue)",
      pl="Liczba uprawnionych różni się między protokołami tego obwodu ({values})",
      en="Eligible voters differ between this precinct's protocols ({values})")  # fmt: skip
def eligible_equal_across_contests(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    singles, _ = _values(p, c, "eligible_voters")
    if len(set(singles)) > 1:
        yield {"values": ", ".join(map(str, sorted(set(singles))))}


@rule("R602", reads=("eligible_voters",), severity=Severity.ERROR,
      source="C2 (eligible in the council districts add up to the mayor's; ≤ where a district "
             "has no vote, art. 380)",
      pl="Uprawnieni w okręgach rady ({council}) nie sumują się do uprawnionych w pozostałych "
         "protokołach obwodu ({single})",
      en="Eligible voters of the council districts ({council}) do not add up to the other "
         "protocols' ({single})")  # fmt: skip
def council_districts_add_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    singles, council = _values(p, c, "eligible_voters")
    if council is None or not singles:
        return
    single = max(singles)
    partial = bool(c.districts_without_vote & set(c.council_districts))
    if council > single or (council < single and not partial):
        yield {"council": council, "single": single}


@rule("R607", reads=("eligible_voters",), severity=Severity.ERROR,
      source="C3 (rada powiatu = sejmik = part A of the gmina's contests; in separate precincts "
             "gmina ≤ powiat ≤ sejmik)",
      pl="Uprawnieni obywatele polscy różnią się między wyborami gminy, powiatu i województwa "
         "({values})",
      en="Eligible Polish citizens differ between the gmina's, powiat's and voivodeship's "
         "contests ({values})")  # fmt: skip
def polish_voters_equal_across_tiers(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    tiers: dict[int, set[int]] = defaultdict(set)
    protocols = [(c.contest_kind, p), *((s.contest_kind, s.content) for s in c.siblings)]
    for kind, content in protocols:
        # Council districts split a precinct's voters between them: R602 sums those.
        if kind != COUNCIL and content.eligible_voters is not None:
            part_a = content.eligible_voters - (content.eligible_voters_eu or 0)
            tiers[TIERS_ABOVE_GMINA.get(kind, 0)].add(part_a)
    if len(tiers) < 2 or not tiers.keys() & set(TIERS_ABOVE_GMINA.values()):
        return
    levels = [tiers[level] for level in sorted(tiers)]
    if c.standard:
        broken = len(set().union(*levels)) > 1
    else:
        # Voters of a hospital or a prison may live in another gmina or powiat.
        broken = any(len(values) > 1 for values in levels) or any(
            max(lower) > min(higher) for lower, higher in itertools.pairwise(levels)
        )
    if broken:
        yield {"values": " / ".join(",".join(map(str, sorted(v))) for v in levels)}


def _should_agree(code: str, name: str, source: str, pl: str, en: str) -> Callable[..., object]:
    """A warning rule: ``name`` should agree across the contests of the precinct [brief: I]."""

    @rule(code, reads=(name,), severity=Severity.WARNING, source=source,
          pl=f"{pl} różni się między protokołami tego obwodu ({{values}})",
          en=f"{en} differs between this precinct's protocols ({{values}})")  # fmt: skip
    def agree(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
        singles, council = _values(p, c, name)
        if c.districts_without_vote & set(c.council_districts):
            council = None  # voters of a district without a vote get no council ballot (art. 380)
        values = set(singles) | ({council} if council is not None else set())
        if len(values) > 1:
            yield {"values": ", ".join(map(str, sorted(values)))}

    return agree


_ANALOGUE = "Sejm/Senat analogue applied to the contests of one local ballot day"
_should_agree("R603", "ballots_issued", f"{_ANALOGUE}: ballots issued", "Liczba wydanych kart",
              "The number of ballots issued")  # fmt: skip
_should_agree("R604", "proxy", f"{_ANALOGUE}: proxy voters", "Liczba głosujących przez "
              "pełnomocnika", "The number of proxy voters")  # fmt: skip
_should_agree("R605", "packages_sent", f"{_ANALOGUE}: postal packages", "Liczba wysłanych "
              "pakietów", "The number of postal packages sent")  # fmt: skip
_should_agree("R606", "ballots_from_envelopes", f"{_ANALOGUE}: ballots from envelopes",
              "Liczba kart z kopert na kartę",
              "The number of ballots from ballot envelopes")  # fmt: skip
