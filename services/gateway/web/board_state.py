"""A live board's rows kept between readings: loaded whole, patched precinct by precinct as the
views announce changes, and rebuilt (only the patched precincts' rows are computed again; the
counts are summed over all of them, which is cheap)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from projections.board import assembled, plan, precinct_row

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from projections.board import BoardRows, Plan
    from schemas.board import Board, BoardPrecinct
    from services.apps.board_reader import Precinct


class BoardState:
    def __init__(self, election: str, teryt: str, round_number: int) -> None:
        self.election, self.teryt, self.round = election, teryt, round_number
        self._rows: BoardRows | None = None
        self._plan: Plan | None = None
        self._info: dict[int, dict[str, Any]] = {}
        self._protocols: dict[int, list[dict[str, Any]]] = {}
        self._reports: dict[int, list[dict[str, Any]]] = {}
        self._built: dict[int, BoardPrecinct] = {}
        self.position = 0

    @property
    def loaded(self) -> bool:
        return self._rows is not None

    def load(self, rows: BoardRows) -> None:
        """Everything, read anew (the plan too: what is owed may have changed)."""
        self._rows, self.position = rows, rows.position
        self._plan = plan(rows, self.round)
        self._info = {row["number"]: row for row in rows.precincts}
        self._protocols, self._reports = _by_precinct(rows.protocols), _by_precinct(rows.turnout)
        self._built = {}

    def patch(self, found: dict[int, Precinct], position: int) -> None:
        """A few precincts read anew."""
        for number, rows in found.items():
            if rows.info is None:
                self._info.pop(number, None)
            else:
                self._info[number] = rows.info
            self._protocols[number], self._reports[number] = rows.protocols, rows.reports
            self._built.pop(number, None)
        self.position = max(self.position, position)

    def rebuild(self, now: dt.datetime, *, everything: bool) -> Board:
        """The board at ``now``: every precinct's row computed again when ``everything`` (the
        clock moved: what was missing may be late now), else only the patched ones."""
        if self._rows is None or self._plan is None:
            raise RuntimeError("a board is loaded before it is rebuilt")
        if everything:
            self._built = {}
        for number in sorted(self._info):
            if number not in self._built:
                self._built[number] = precinct_row(
                    self._plan, self._info[number], self._protocols.get(number, ()),
                    self._reports.get(number, ()), now,
                )  # fmt: skip
        for number in set(self._built) - set(self._info):
            del self._built[number]
        precincts = [self._built[number] for number in sorted(self._built)]
        return assembled(self.election, self.teryt, self._rows.name, self._plan, precincts, now,
                         self.position)  # fmt: skip


def _by_precinct(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["precinct"], []).append(row)
    return found
