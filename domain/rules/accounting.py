"""R1xx: ballot accounting (Part I) and its plausibility against the pre-election estimates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.context import SEPARATE_PRECINCTS
from domain.rules.values import broken, num
from schemas.definition import PrecinctType
from schemas.protocol import COUNT_FIELDS, ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

E, HW, W = Severity.ERROR, Severity.HARD_WARNING, Severity.WARNING


@rule("R101", reads=(), severity=E, source="H0",
      pl="Liczba w polu {field} jest ujemna ({value})",
      en="The number in {field} is negative ({value})")  # fmt: skip
def no_negative_numbers(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    for name in COUNT_FIELDS:
        value = getattr(p, name)
        if value is not None and value < 0:
            yield {"field": name, "value": value}
    for entry in (*p.candidates, *(v for lst in p.lists for v in lst.candidates)):
        if entry.votes < 0:
            yield {"field": f"candidate {entry.position}", "value": entry.votes}


@rule("R102", reads=("ballots_issued", "eligible_voters"), severity=E,
      source="P1/SR0001 (2015 p4 ≤ p1)",
      pl="Liczba wyborców, którym wydano karty ({ballots_issued}), jest większa od liczby "
         "uprawnionych "
         "({eligible_voters})",
      en="Voters issued ballots ({ballots_issued}) exceed the eligible voters "
         "({eligible_voters})")  # fmt: skip
def issued_within_eligible(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) > num(p.eligible_voters))


@rule("R103", reads=("ballots_issued", "packages_sent", "eligible_voters"), severity=E,
      source="P11/SR0814 (2015 p4 + p7 ≤ p1; 2025 p6 ≤ p2)",
      pl="Karty wydane w lokalu ({ballots_issued}) i pakiety wyborcze ({packages_sent}) razem "
         "przekraczają "
         "liczbę uprawnionych ({eligible_voters})",
      en="Ballots issued in the station ({ballots_issued}) plus postal packages "
         "({packages_sent}) exceed "
         "the eligible voters ({eligible_voters})")  # fmt: skip
def issued_and_packages_within_eligible(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) + num(p.packages_sent) > num(p.eligible_voters))


@rule("R104", reads=("proxy", "ballots_issued"), severity=E, source="P12/SR0815 (2015 p5 ≤ p4)",
      pl="Głosujących przez pełnomocnika ({proxy}) jest więcej niż wyborców, którym wydano karty "
         "({ballots_issued})",
      en="Proxy voters ({proxy}) exceed the voters issued ballots ({ballots_issued})")  # fmt: skip
def proxy_within_issued(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.proxy) > num(p.ballots_issued))


@rule("R105", reads=("proxy",), severity=E, source="P13/SR0824 (2015 p5 = 0 in odrębne obwody)",
      pl="W obwodzie odrębnym, za granicą i na statku nie głosuje się przez pełnomocnika, a "
         "wpisano {proxy}",
      en="No proxy voting in separate precincts, abroad or on ships, yet {proxy} is "
         "reported")  # fmt: skip
def no_proxy_in_separate_precincts(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    separate = c.precinct_type in SEPARATE_PRECINCTS | {PrecinctType.ABROAD, PrecinctType.SHIP}
    yield from broken(separate and num(p.proxy) > 0)


@rule("R106", reads=("proxy", "certificate", "ballots_issued"), severity=E,
      source="P5/SR0043 (2015 p5 + p6 ≤ p4)",
      pl="Głosujący przez pełnomocnika ({proxy}) i na podstawie zaświadczenia ({certificate}) "
         "razem przekraczają liczbę wyborców, którym wydano karty ({ballots_issued})",
      en="Proxy voters ({proxy}) plus voters with certificates ({certificate}) exceed the voters "
         "issued ballots ({ballots_issued})")  # fmt: skip
def proxy_and_certificates_within_issued(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.proxy) + num(p.certificate) > num(p.ballots_issued))


@rule("R107", reads=("ballots_issued", "packages_sent", "ballots_issued_total"), severity=E,
      source="2025 p4 + p5 = p6 (brief §2.3)",
      pl="Karty wydane łącznie ({ballots_issued_total}) to nie suma wydanych w lokalu "
         "({ballots_issued}) i "
         "pakietów wyborczych ({packages_sent})",
      en="Ballots issued in all ({ballots_issued_total}) are not those issued in the station "
         "({ballots_issued}) plus postal packages ({packages_sent})")  # fmt: skip
def issued_total_adds_up(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) + num(p.packages_sent) != num(p.ballots_issued_total))


@rule("R110", reads=("ballots_unused", "ballots_issued", "ballots_received"), severity=W,
      source="S2/SR0011 (2015 p3 + p4 ≥ p2; explained in pkt 15)",
      pl="Karty niewykorzystane ({ballots_unused}) i wydane ({ballots_issued}) to razem mniej "
         "niż karty "
         "otrzymane ({ballots_received})",
      en="Unused ({ballots_unused}) plus issued ({ballots_issued}) ballots are fewer than those "
         "received "
         "({ballots_received})")  # fmt: skip
def no_ballots_missing(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_unused) + num(p.ballots_issued) < num(p.ballots_received))


@rule("R111", reads=("ballots_unused", "ballots_issued", "ballots_received"), severity=HW,
      source="S24/SR0822 (B) (2015 p3 + p4 ≤ p2; explained in pkt 15)",
      pl="Karty niewykorzystane ({ballots_unused}) i wydane ({ballots_issued}) to razem więcej "
         "niż karty "
         "otrzymane ({ballots_received})",
      en="Unused ({ballots_unused}) plus issued ({ballots_issued}) ballots are more than those "
         "received "
         "({ballots_received})")  # fmt: skip
def no_ballots_from_nowhere(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_unused) + num(p.ballots_issued) > num(p.ballots_received))


@rule("R112", reads=("eligible_voters", "certificate"), requires=("eligible_voters",), severity=HW,
      source="S19/SR0010 (B) (0.9·M ≤ p1 − p6 ≤ 1.1·M, stałe obwody)",
      pl="Liczba uprawnionych bez głosujących na zaświadczenie ({value}) odbiega o ponad 10% od "
         "szacunku z meldunku ({estimate})",
      en="Eligible voters less certificate voters ({value}) differ by more than 10% from the "
         "pre-election estimate ({estimate})")  # fmt: skip
def eligible_near_estimate(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    value = num(p.eligible_voters) - (p.certificate or 0)  # forms without certificates: none
    if c.standard and c.estimate:
        yield from broken(
            not 0.9 * c.estimate <= value <= 1.1 * c.estimate, value=value, estimate=c.estimate
        )


@rule("R113", reads=("ballots_received",), severity=W, source="S21 (0.65·M ≤ p2 ≤ 1.05·M, stałe "
                                                              "obwody)",
      pl="Liczba otrzymanych kart ({ballots_received}) poza przedziałem 65–105% szacunku z "
         "meldunku "
         "({estimate})",
      en="Ballots received ({ballots_received}) outside 65–105% of the pre-election estimate "
         "({estimate})")  # fmt: skip
def received_near_estimate(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.standard and c.estimate:
        received = num(p.ballots_received)
        yield from broken(
            not 0.65 * c.estimate <= received <= 1.05 * c.estimate, estimate=c.estimate
        )


@rule("R114", reads=("ballots_issued", "eligible_voters"), severity=W, source="S3/SR0014 (p4 ≤ "
                                                                              "0.9·p1)",
      pl="Karty wydano ponad 90% uprawnionych ({ballots_issued} z {eligible_voters})",
      en="Ballots were issued to over 90% of the eligible voters ({ballots_issued} of "
         "{eligible_voters})")  # fmt: skip
def turnout_below_ninety_percent(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) > 0.9 * num(p.eligible_voters))


@rule("R115", reads=("eligible_voters",), severity=W, source="S4/SR0015 (p1 > 0)",
      pl="Liczba uprawnionych wynosi 0", en="There are no eligible voters")  # fmt: skip
def some_eligible(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.eligible_voters) == 0)


@rule("R116", reads=("ballots_issued",), severity=W, source="S5/SR0016 (p4 > 0)",
      pl="Nikomu nie wydano karty", en="No ballot was issued")  # fmt: skip
def some_issued(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) == 0)


@rule("R117", reads=("ballots_from_box",), severity=W, source="S6/SR0017 (p9 > 0)",
      pl="Z urny nie wyjęto żadnej karty", en="No ballot was taken from the box")  # fmt: skip
def some_ballots_in_box(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_from_box) == 0)


@rule("R118", reads=("valid_ballots",), severity=W, source="S7/SR0018 (p11 > 0)",
      pl="Nie ma ani jednej ważnej karty", en="There is no valid ballot")  # fmt: skip
def some_valid_ballots(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.valid_ballots) == 0)


@rule("R119", reads=("proxy", "ballots_issued"), severity=HW, source="S22/SR0823 (B) (p5 ≠ p4)",
      pl="Liczba głosujących przez pełnomocnika równa liczbie wydanych kart ({ballots_issued}) — "
         "pomyłka pól?",
      en="Proxy voters equal the ballots issued ({ballots_issued}): fields mixed up?")  # fmt: skip
def proxy_not_issued(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) > 0 and num(p.proxy) == num(p.ballots_issued))


@rule("R120", reads=("certificate", "ballots_issued"), severity=HW, source="S23/SR0823 (B) (p6 "
                                                                           "≠ p4)",
      pl="Liczba głosujących na podstawie zaświadczenia równa liczbie wydanych kart "
         "({ballots_issued}) "
         "— pomyłka pól?",
      en="Certificate voters equal the ballots issued ({ballots_issued}): fields mixed "
         "up?")  # fmt: skip
def certificates_not_issued(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_issued) > 0 and num(p.certificate) == num(p.ballots_issued))


@rule("R121", reads=("ballots_received",), severity=HW,
      source="SR0813 (B) (p2 within ±10 pp of the planned print run)",
      pl="Liczba otrzymanych kart ({ballots_received}) odbiega o ponad 10% od planowanego nakładu "
         "({planned})",
      en="Ballots received ({ballots_received}) differ by more than 10% from the planned print run "
         "({planned})")  # fmt: skip
def received_near_print_run(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    if c.ballots_planned:
        received = num(p.ballots_received)
        yield from broken(
            abs(received - c.ballots_planned) > 0.1 * c.ballots_planned, planned=c.ballots_planned
        )
