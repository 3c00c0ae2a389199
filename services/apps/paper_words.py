"""The words of the printed documents. Protocols are legal documents in Polish: they are printed
in Polish whatever language the person reading the board chose; the point labels are the web
form's (``services.common.texts``, ``field.*``), so the paper and the screen say the same."""

from __future__ import annotations

from typing import Final

TITLE: Final = "PROTOKÓŁ GŁOSOWANIA W OBWODZIE"
RUNOFF: Final = "PONOWNE"
"""Written into the title of a runoff's protocol (the form's footnote asks for the word)."""
SUPERSEDED: Final = "WADLIWY — PODLEGAŁ SPROSTOWANIU"

CONTESTS: Final = {
    "council": "w wyborach do rady {unit_genitive}",
    "county-council": "w wyborach do rady powiatu",
    "regional-assembly": "w wyborach do sejmiku województwa",
    "president": "w wyborach Prezydenta Rzeczypospolitej Polskiej",
    "senate": "w wyborach do Senatu Rzeczypospolitej Polskiej",
}
OFFICES: Final = {
    "wójt": "w wyborach wójta gminy {unit}",
    "burmistrz": "w wyborach burmistrza {unit}",
    "prezydent miasta": "w wyborach prezydenta miasta {unit}",
}
CITY_KINDS: Final = frozenset({"gmina miejska"})
"""Gminas whose council is a rada miasta (the rest: rada gminy)."""

RESULTS_HEADINGS: Final = {
    "lists": "Liczba głosów ważnych oddanych na poszczególne listy kandydatów i kandydatów",
    "candidates": "Liczba głosów ważnych oddanych na poszczególnych kandydatów",
    "yes-no": "Liczba głosów ważnych oddanych za wyborem i przeciw wyborowi kandydata",
}
YES: Final = "Liczba głosów ważnych oddanych na „TAK” (za wyborem kandydata)"
NO: Final = "Liczba głosów ważnych oddanych na „NIE” (przeciw wyborowi kandydata)"

NOTES: Final = {
    "ballots_difference": "Uwagi o przyczynie różnicy między liczbą kart otrzymanych a sumą "
    "kart niewykorzystanych i wydanych",
    "box_difference": "Uwagi o przyczynie różnicy między liczbą kart wyjętych z urny a liczbą "
    "wyborców, którym wydano karty",
    "invalid_ballots": "Uwagi o przyczynie wystąpienia kart nieważnych",
    "orders": "Zarządzenia wydane w trakcie głosowania",
    "observers": "Uwagi mężów zaufania i stanowisko komisji wobec nich",
    "members": "Uwagi członków komisji",
    "other": "Inne uwagi, w tym o zakłóceniach głosowania",
}
"""Part III of the protocol, in the order of the form."""
NO_REMARKS: Final = "brak uwag"

SEVERITIES: Final = {"error": "błąd", "hard-warning": "ostrzeżenie twarde",
                     "warning": "ostrzeżenie"}  # fmt: skip

STATES: Final = {
    "accepted": "przyjęty",
    "confirmed": "potwierdzony z papierem",
    "awaiting-approval": "czeka na zatwierdzenie ostrzeżeń",
    "rejected": "odrzucony",
}

COUNCIL_RESULTS: Final = "PROTOKÓŁ WYNIKÓW WYBORÓW DO RADY {unit_genitive}"
MAYOR_RESULTS: Final = "PROTOKÓŁ WYNIKÓW GŁOSOWANIA {runoff}NA {office}"
MAYOR_OFFICES: Final = {
    "wójt": "WÓJTA GMINY {unit}",
    "burmistrz": "BURMISTRZA {unit}",
    "prezydent miasta": "PREZYDENTA MIASTA {unit}",
}
DISTRICT_SUMMARY: Final = "ZESTAWIENIE WYNIKÓW GŁOSOWANIA W OKRĘGU WYBORCZYM NR {number}"
WHOLE_GMINA: Final = "ZESTAWIENIE WYNIKÓW GŁOSOWANIA W GMINIE"
SUMMARY_NUMBERS: Final = (
    "eligible_voters",
    "ballots_issued",
    "proxy",
    "packages_sent",
    "ballots_from_box",
    "ballots_from_envelopes",
    "invalid_ballots",
    "valid_ballots",
    "invalid_votes",
    "valid_votes",
)
"""What a district summary adds up (art. 442): eligible, issued, proxy, postal, from the box,
invalid and valid ballots, invalid and valid votes; then the votes per list and candidate."""
RESULT_STATES: Final = {
    "established": "WYNIK USTALONY przez komisję",
    "provisional": "WYNIK NIEUSTALONY — z protokołów przyjętych do tej pory",
}
DECISIONS: Final = {
    "elected": "Wybrany(-a): {who}",
    "runoff": "Żaden kandydat nie otrzymał więcej niż połowy głosów ważnych: ponowne głosowanie "
    "między {who}",
    "council_elects": "Kandydat nie został wybrany: wójta (burmistrza, prezydenta) wybiera rada",
    "lot": "Rozstrzyga losowanie przez komisję: {who}",
}
