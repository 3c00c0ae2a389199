"""R2xx: the postal-voting block (return envelopes, ballot envelopes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.rules.catalogue import rule
from domain.rules.values import broken, num
from schemas.protocol import ProtocolContent, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.rules.context import RuleContext

E, HW, W = Severity.ERROR, Severity.HARD_WARNING, Severity.WARNING
POSTAL_COUNTS = (
    "packages_sent",
    "envelopes_received",
    "envelopes_no_statement",
    "envelopes_unsigned_statement",
    "envelopes_no_ballot_envelope",
    "envelopes_unsealed",
    "ballot_envelopes_in_box",
    "ballots_from_envelopes",
)


@rule("R201", reads=POSTAL_COUNTS, severity=E,
      source="P4/SR0042 (no postal voting ⇒ p7 = p8 = p8a..p8e = p9a = 0)",
      pl="Obwód nie był wyznaczony do głosowania korespondencyjnego, a w polu {field} wpisano "
         "{value}",
      en="The precinct was not designated for postal voting, yet {field} is {value}")  # fmt: skip
def no_postal_votes_without_postal_voting(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    if not c.postal:
        for name in POSTAL_COUNTS:
            value = num(getattr(p, name))
            if value:
                yield {"field": name, "value": value}


@rule("R202", reads=("envelopes_received", "packages_sent"), severity=E,
      source="W8, S11/SR0044 (2015 p8 ≤ p7)",
      pl="Otrzymano więcej kopert zwrotnych ({envelopes_received}) niż wysłano pakietów "
         "({packages_sent})",
      en="More return envelopes ({envelopes_received}) than postal packages sent "
         "({packages_sent})")  # fmt: skip
def envelopes_within_packages(p: ProtocolContent, c: RuleContext) -> Iterator[dict[str, object]]:
    yield from broken(num(p.envelopes_received) > num(p.packages_sent))


@rule("R203", reads=("envelopes_no_statement", "envelopes_unsigned_statement",
                     "envelopes_received"), severity=E,
      source="P6/SR0045 (2015 p8a + p8b ≤ p8)",
      pl="Koperty bez oświadczenia ({envelopes_no_statement}) i z niepodpisanym oświadczeniem "
         "({envelopes_unsigned_statement}) przekraczają liczbę kopert zwrotnych "
         "({envelopes_received})",
      en="Envelopes without ({envelopes_no_statement}) or with an unsigned statement "
         "({envelopes_unsigned_statement}) exceed the return envelopes "
         "({envelopes_received})")  # fmt: skip
def statement_faults_within_envelopes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    faults = num(p.envelopes_no_statement) + num(p.envelopes_unsigned_statement)
    yield from broken(faults > num(p.envelopes_received))


@rule("R204", reads=("envelopes_no_ballot_envelope", "envelopes_unsealed",
                     "envelopes_received"), severity=E,
      source="P7/SR0046 (2015 p8c + p8d ≤ p8)",
      pl="Koperty bez koperty na kartę ({envelopes_no_ballot_envelope}) i z niezaklejoną "
         "kopertą ({envelopes_unsealed}) przekraczają liczbę kopert zwrotnych "
         "({envelopes_received})",
      en="Envelopes without a ballot envelope ({envelopes_no_ballot_envelope}) or with an "
         "unsealed one ({envelopes_unsealed}) exceed the return envelopes "
         "({envelopes_received})")  # fmt: skip
def envelope_faults_within_envelopes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    faults = num(p.envelopes_no_ballot_envelope) + num(p.envelopes_unsealed)
    yield from broken(faults > num(p.envelopes_received))


@rule("R205", reads=("ballot_envelopes_in_box", "envelopes_received", "envelopes_no_statement",
                     "envelopes_unsigned_statement", "envelopes_no_ballot_envelope",
                     "envelopes_unsealed"), severity=W,
      source="S12/SR0047, W12 (2015 p8e ≤ p8 − (p8a + p8b + p8c + p8d))",
      pl="Do urny wrzucono więcej kopert na kartę ({ballot_envelopes_in_box}) niż było "
         "poprawnych kopert zwrotnych ({usable})",
      en="More ballot envelopes went into the box ({ballot_envelopes_in_box}) than there were "
         "sound return envelopes ({usable})")  # fmt: skip
def box_envelopes_within_sound_envelopes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    usable = num(p.envelopes_received) - (
        num(p.envelopes_no_statement)
        + num(p.envelopes_unsigned_statement)
        + num(p.envelopes_no_ballot_envelope)
        + num(p.envelopes_unsealed)
    )
    yield from broken(num(p.ballot_envelopes_in_box) > usable, usable=usable)


@rule("R206", reads=("ballots_from_envelopes", "packages_sent"), severity=W,
      source="S9/SR0037, W13 (2015 p9a ≤ p7)",
      pl="Kart z kopert na kartę ({ballots_from_envelopes}) jest więcej niż wysłanych pakietów "
         "({packages_sent})",
      en="Ballots from ballot envelopes ({ballots_from_envelopes}) exceed the postal packages "
         "sent ({packages_sent})")  # fmt: skip
def envelope_ballots_within_packages(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_from_envelopes) > num(p.packages_sent))


@rule("R207", reads=("ballots_from_envelopes", "ballot_envelopes_in_box"), severity=HW,
      source="S20/SR0039 (B) (2015 p9a ≤ p8e; explained in pkt 16)",
      pl="Kart wyjętych z kopert na kartę ({ballots_from_envelopes}) jest więcej niż kopert "
         "wrzuconych do urny ({ballot_envelopes_in_box})",
      en="More ballots came out of ballot envelopes ({ballots_from_envelopes}) than envelopes "
         "went into the box ({ballot_envelopes_in_box})")  # fmt: skip
def envelope_ballots_within_box_envelopes(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_from_envelopes) > num(p.ballot_envelopes_in_box))


@rule("R208", reads=("ballots_from_envelopes", "ballot_envelopes_in_box"), severity=W,
      source="S18 (2015 p9a ≥ p8e; explained in pkt 16)",
      pl="Kart wyjętych z kopert na kartę ({ballots_from_envelopes}) jest mniej niż kopert "
         "wrzuconych do urny ({ballot_envelopes_in_box})",
      en="Fewer ballots came out of ballot envelopes ({ballots_from_envelopes}) than envelopes "
         "went into the box ({ballot_envelopes_in_box})")  # fmt: skip
def every_box_envelope_held_a_ballot(
    p: ProtocolContent, c: RuleContext
) -> Iterator[dict[str, object]]:
    yield from broken(num(p.ballots_from_envelopes) < num(p.ballot_envelopes_in_box))
