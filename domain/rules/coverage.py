"""The brief's conditions, point by point, and the rules that implement each (or why none does).

``docs/rules.md`` is generated from this and from the catalogue (``tally rules table``); a test
checks that every code named here exists and that every rule answers to some point.
"""

from __future__ import annotations

from typing import Final

LEFT_OUT_COMPOSITION: Final = "left out: needs the commission's composition (a later issue)"

BRIEF: Final[tuple[tuple[str, str, str], ...]] = (
    # (brief point, the condition, rule codes or why not)
    ("H0", "every number is an integer ≥ 0; the form is filled", "R101 R801"),
    (
        "H0 (bounds)",
        (
            "no number beyond what a precinct can hold (10,000,000; the ballots "
            "received and the eligible voters + 10%)"
        ),
        "R122 R123",
    ),
    ("P1/SR0001", "p4 ≤ p1", "R102"),
    ("P11/SR0814", "p4 + p7 ≤ p1", "R103"),
    ("P12/SR0815", "p5 ≤ p4", "R104"),
    ("P13/SR0824", "p5 = 0 in odrębne obwody, abroad, on ships", "R105"),
    ("P5/SR0043", "p5 + p6 ≤ p4", "R106"),
    ("P4/SR0042", "no postal voting ⇒ p7 = p8 = p8a..p8e = p9a = 0", "R201"),
    ("W8, S11/SR0044", "p8 ≤ p7", "R202"),
    ("P6/SR0045", "p8a + p8b ≤ p8", "R203"),
    ("P7/SR0046", "p8c + p8d ≤ p8", "R204"),
    ("P2/SR0002", "p9 = p10 + p11", "R301"),
    ("P3/SR0003", "p11 = p12 + p13", "R302"),
    ("P9/SR0803", "Σ candidates = p13 (lists: Σ list totals)", "R401 R410"),
    ("P8/SR0807", "'Razem' = Σ candidates (per list too)", "R402 R411"),
    ("W14", "no number against a struck-off candidate", "R403"),
    ("P10/SR0806", "date format", "by the wire types: ISO dates and times (schema.type)"),
    ("P14/SR0073", "quorum at signing", LEFT_OUT_COMPOSITION),
    ("P15", "chair or deputy present at signing", LEFT_OUT_COMPOSITION),
    ("P16", "full composition entered", LEFT_OUT_COMPOSITION),
    ("S2/SR0011", "p3 + p4 ≥ p2 (pkt 15)", "R110"),
    ("S24/SR0822 (B)", "p3 + p4 ≤ p2 (pkt 15)", "R111"),
    ("S17/SR0816, W9", "p9 = p4 + p8e", "R304"),
    ("S10/SR0038", "p9 − p9a ≥ p4 (pkt 16)", "R305"),
    ("S26/SR0820 (B)", "p9 − p9a ≤ p4 (pkt 16)", "R306"),
    ("S20/SR0039 (B)", "p9a ≤ p8e (pkt 16)", "R207"),
    ("S18", "p9a ≥ p8e (pkt 16)", "R208"),
    ("S9/SR0037, W13", "p9a ≤ p7", "R206"),
    ("S12/SR0047, W12", "p8e ≤ p8 − (p8a + p8b + p8c + p8d)", "R205"),
    ("S13/SR0051, W10", "p10 = 0 (pkt 17)", "R307"),
    ("S14/SR0052", "p10 ≠ p12", "R308"),
    ("S25/SR0821 (B)", "not (p10 > 0 and p12 = 0)", "R309"),
    ("S15/SR0817, W11", "p11 − p7 ≤ p4", "R310"),
    ("S8, S16/SR0030, SR0818", "p11 ≤ p1", "R311"),
    ("S3/SR0014", "p4 ≤ 0.9 · p1", "R114"),
    ("S4-S7/SR0015-18", "p1 > 0, p4 > 0, p9 > 0, p11 > 0", "R115 R116 R117 R118"),
    ("S19/SR0010 (B)", "0.9·M ≤ p1 − p6 ≤ 1.1·M (stałe obwody)", "R112"),
    ("S21", "0.65·M ≤ p2 ≤ 1.05·M (stałe obwody)", "R113"),
    ("SR0813 (B)", "p2 within ±10 pp of the planned print run", "R121"),
    ("S22, S23/SR0823 (B)", "p5 ≠ p4 and p6 ≠ p4", "R119 R120"),
    ("S1/SR0000", "start time ≤ end time", "R802"),
    ("SR0071-73", "composition entered / valid / quorum", LEFT_OUT_COMPOSITION),
    ("SR0801/SR0802", "no struck-off candidate ⇒ list total = Σ its candidates", "R404"),
    ("SR0804/SR0805", "struck-off candidates ⇒ Σ candidates ≤ list total", "R405"),
    ("lists", "annulled lists receive no votes", "R406"),
    ("SR0041", "invalid list number", "R407"),
    ("SR0005/SR0006", "totals = part A (PL) + part B (EU)", "R503"),
    ("SR0007/SR0008", "issued ≤ eligible in part A and in part B", "R502 R501"),
    ("SR0811/SR0812", "part A > part B", "R504"),
    ("SR0819 (B)", "part B > meldunek part B", "R505"),
    ("SR0031", "EU eligible ≥ estimate", "R506"),
    ("C1", "eligible equal across the contests of one obwód", "R601"),
    ("C2", "mayor's eligible = Σ council districts' (≤ where a district has no vote)", "R602"),
    ("C3", "rada powiatu = sejmik = part A", "R607"),
    ("§1.4 EU voters", "part B votes only for rada gminy and wójt", "R507"),
    ("Sejm/Senat analogue [I]", "issued, proxy, packages, envelope ballots agree", "R603-R606"),
    ("2025: p4 + p5 = p6", "issued in the station + packages = issued in all", "R107"),
    ("2025: p13 = p13a + p13b + p13c", "invalid votes by reason add up", "R303"),
    ("single candidate [I]", "YES + NO = valid votes", "R408"),
    ("§3 turnout", "issued ≤ eligible (hard)", "R701"),
    ("§3 turnout", "eligible within 90–110 % of the meldunek (warning)", "R702"),
    ("§3 turnout", "reported by stałe obwody", "R705"),
    ("Tally", "every candidate and list on the ballot has a number", "R409"),
    ("Tally [I]", "turnout counts never go down between the hours of a day", "R703 R704"),
)


def codes(entry: tuple[str, str, str]) -> list[str]:
    """The rule codes an entry names; ``R603-R606`` is a range."""
    found: list[str] = []
    for word in entry[2].split():
        first, _, last = word.partition("-")
        if len(first) == 4 and first[0] == "R" and first[1:].isdigit():
            end = int(last[1:]) if last else int(first[1:])
            found += [f"R{n}" for n in range(int(first[1:]), end + 1)]
    return found
