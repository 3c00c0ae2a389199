"""One row of PKW's tables read into what a drill needs, or the reasons it cannot be.

A precinct row becomes a ``PrecinctRow`` (its place and every number), ``NotPublished`` (a count
printed ``-``: PKW published no result, the precinct is skipped as before), or ``Unreadable``
(each value that cannot be read, with where it is: the precinct is skipped and reported). A
count the form may leave blank (the "w tym" reasons of invalid votes) reads as not applicable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from schemas.definition import PrecinctType, UnitKind
from services.tools.drill.pkw_csv import (
    COLUMNS,
    NO_RESULT,
    REASONS,
    Blank,
    Cell,
    NoResult,
    Row,
    count,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

AREA_UNIT: Final = {"zagranica": "149901", "statki": "149801"}
"""PKW leaves the TERYT code empty on precincts it published without a result (the military
precincts abroad in 2020); their area type still tells the unit whose total counts them."""
_TERYT: Final = re.compile(r"[0-9]{6}")
_PRECINCT_TYPES: Final = frozenset(kind.value for kind in PrecinctType)
_UNIT_KINDS: Final = frozenset(kind.value for kind in UnitKind)


@dataclass(frozen=True)
class PrecinctRow:
    teryt: str
    number: int
    address: str
    type: PrecinctType
    unit_name: str
    unit_kind: UnitKind
    eligible_voters: int
    counts: dict[str, int | None]
    """Semantic field -> count; None for a count that did not apply (left blank)."""
    votes: dict[str, int]
    """Candidate column (PKW's spelling of the name) -> votes."""


@dataclass(frozen=True)
class NotPublished:
    skipped: dict[str, object]


@dataclass(frozen=True)
class Unreadable:
    cells: tuple[dict[str, object], ...]
    """Each value that cannot be read, where it is and why."""
    skipped: dict[str, object]
    """The precinct left out, as far as the row tells."""


def precinct_row(
    row: Row, candidate_columns: Iterable[str]
) -> PrecinctRow | NotPublished | Unreadable:
    short, overflow = row.short(), row.overflow()
    if short is not None:
        return _unreadable(row, [(short, "the row ends before this column")])
    if overflow is not None:
        return _unreadable(row, [(overflow, "cells beyond the header's columns")])
    numbers = _Numbers()
    for column, field in COLUMNS.items():
        if column in row.cells:
            numbers.read(row.cell(column), field, may_be_blank=field in REASONS)
        else:
            numbers.counts[field] = None  # a reason column the layout does not have
    for column in candidate_columns:
        numbers.read(row.cell(column), column, may_be_blank=False, vote=True)
    if numbers.unpublished and not numbers.bad:
        return NotPublished(_skipped(row))
    teryt = row.text("Kod TERYT")
    place = _place(row, teryt, numbers.bad)
    if numbers.bad or place is None:
        return _unreadable(row, numbers.bad)
    number, kind, unit_kind = place
    return PrecinctRow(
        teryt=teryt,
        number=number,
        address=row.text("Siedziba") or NO_RESULT,
        type=kind,
        unit_name=row.text("Gmina") or teryt,
        unit_kind=unit_kind,
        eligible_voters=numbers.counts["eligible_voters"] or 0,
        counts=numbers.counts,
        votes=numbers.votes,
    )


class _Numbers:
    """The counts and votes of one row as they are read, and what could not be."""

    def __init__(self) -> None:
        self.counts: dict[str, int | None] = {}
        self.votes: dict[str, int] = {}
        self.bad: list[tuple[Cell, str]] = []
        self.unpublished = False

    def read(self, cell: Cell, name: str, *, may_be_blank: bool, vote: bool = False) -> None:
        value = count(cell)
        if isinstance(value, NoResult):
            self.unpublished = True
        elif isinstance(value, int):
            (self.votes if vote else self.counts)[name] = value
        elif isinstance(value, Blank) and may_be_blank:
            self.counts[name] = None
        else:
            self.bad.append((cell, cell.unreadable_count()))


def _place(
    row: Row, teryt: str, bad: list[tuple[Cell, str]]
) -> tuple[int, PrecinctType, UnitKind] | None:
    number = row.text("Numer obwodu")
    kind = row.text("Typ obwodu")
    unit_kind = row.text("Typ gminy")
    checks = (
        ("Kod TERYT", _TERYT.fullmatch(teryt) is not None, "not a 6-digit TERYT code"),
        ("Numer obwodu", number.isdigit() and int(number) > 0, "not a precinct number"),
        ("Typ obwodu", kind in _PRECINCT_TYPES, "not one of PKW's precinct types"),
        ("Typ gminy", unit_kind in _UNIT_KINDS, "not one of PKW's gmina types"),
    )
    failed = [(row.cell(column), reason) for column, fine, reason in checks if not fine]
    bad.extend(failed)
    if failed:
        return None
    return int(number), PrecinctType(kind), UnitKind(unit_kind)


def _unreadable(row: Row, bad: list[tuple[Cell, str]]) -> Unreadable:
    label = _precinct_label(row)
    return Unreadable(tuple(cell.where(label, reason) for cell, reason in bad), _skipped(row))


def _precinct_label(row: Row) -> str | None:
    """The precinct as PKW names it (``TERYT-number``), as far as the row tells."""
    teryt, number = row.text("Kod TERYT"), row.text("Numer obwodu")
    if not number:
        return teryt or None
    return f"{teryt or AREA_UNIT.get(row.text('Typ obszaru'), '?')}-{number}"


def _skipped(row: Row) -> dict[str, object]:
    teryt, number = row.text("Kod TERYT"), row.text("Numer obwodu")
    return {
        "gmina_teryt": teryt or AREA_UNIT.get(row.text("Typ obszaru"), ""),
        "precinct": int(number) if number.isdigit() else number,
        "address": row.text("Siedziba"),
    }


def official_row(
    row: Row, candidate_columns: Iterable[str]
) -> tuple[dict[str, object] | None, list[dict[str, object]]]:
    """PKW's totals of one gmina unit (fields, votes), and the cells that could not be read.

    A total that cannot be read is left out of the comparison and reported; ``-`` is no total.
    """
    teryt = row.text("Kod TERYT")
    if not teryt:
        return None, []
    bad: list[tuple[Cell, str]] = []
    short, overflow = row.short(), row.overflow()
    if short is not None:
        bad.append((short, "the row ends before this column"))
    if overflow is not None:
        bad.append((overflow, "cells beyond the header's columns"))
    fields: dict[str, int] = {}
    votes: dict[str, int] = {}
    for column, field in COLUMNS.items():
        if column in row.cells:
            _total(row.cell(column), field, fields, bad)
    for column in candidate_columns:
        if column in row.cells:
            _total(row.cell(column), column, votes, bad)
    return {"gmina_teryt": teryt, "fields": fields, "votes": votes}, [
        cell.where(teryt, reason) for cell, reason in bad
    ]


def _total(cell: Cell, name: str, into: dict[str, int], bad: list[tuple[Cell, str]]) -> None:
    if cell.value is None:
        return  # the short row is reported once, above
    value = count(cell)
    if isinstance(value, int):
        into[name] = value
    elif value is None or (isinstance(value, Blank) and name not in REASONS):
        bad.append((cell, cell.unreadable_count()))
