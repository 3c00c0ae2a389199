"""A protocol as paper, from its ballot: lines in the form's point order, fields left out by
definition printed as 0, empty boxes in a template, the runoff's title, the votes' point."""

from __future__ import annotations

from schemas.ballots import Ballot, BallotEntry, FieldView
from schemas.validation import ProtocolKey
from services.apps.paper_protocols import protocol_paper, unit_genitive


def _ballot(round_number: int = 1) -> Ballot:
    key = ProtocolKey(election="e-2026", teryt="302199", precinct=4, contest="mayor:302199",
                      round=round_number)  # fmt: skip
    return Ballot(
        key=key, contest_kind="mayor", contest_name="mayor:302199", form="2024",
        fields=(FieldView(name="valid_votes", point="14"), FieldView(name="ballots_received",
                                                                     point="1"),
                FieldView(name="ballots_from_box", point="10")),
        candidates=(BallotEntry(position=1, name="Anna NOWAK"),
                    BallotEntry(position=2, name="Jan KOWALSKI", struck_off=True)),
        zero=("ballots_from_envelopes",), precinct_address="Szkoła, ul. Długa 1",
        unit_name="Zielonka", unit_kind="gmina wiejska", office="wójt",
    )  # fmt: skip


def test_a_template_lays_the_lines_out_in_point_order_with_empty_boxes() -> None:
    paper = protocol_paper(_ballot())
    assert ["1", "10", "10a", "14"] == [line.point for line in paper.lines]
    assert [None, None, 0, None] == [line.value for line in paper.lines]
    assert paper.lines[2].indent  # "w tym z kopert": a line under the one before
    assert "15. Liczba głosów ważnych oddanych na poszczególnych kandydatów" == paper.results_title
    assert "w wyborach wójta gminy Zielonka" == paper.contest_title
    assert "PROTOKÓŁ GŁOSOWANIA W OBWODZIE" == paper.title
    assert [True] == [c.struck_off for c in paper.candidates if c.name == "Jan KOWALSKI"]
    assert ("", None) == (paper.control_code, paper.version)


def test_a_runoff_says_ponowne_and_a_city_has_a_rada_miasta() -> None:
    assert protocol_paper(_ballot(2)).title.endswith("PONOWNE")
    assert "miasta Przykładowo" == unit_genitive("gmina miejska", "Przykładowo")
    assert "gminy Zielonka" == unit_genitive("gmina wiejska", "Zielonka")
