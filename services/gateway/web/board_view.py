"""How a board is shown: times in Polish civil time, durations, groups of precincts, and the
HTML of its parts. The page and the live feed render the same macros (``_board.html``), so a row
that arrives over the feed is exactly the row a reload would draw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.clock import to_warsaw
from schemas.board import CELL_STATES
from services.common.texts import TEXTS, text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from schemas.board import Board, BoardCell, BoardPrecinct, TurnoutCell

GROUP_SIZE: Final = 50
"""Precincts per group on a big board (Warsaw-sized gminas have hundreds)."""
SINGLE_GROUP_UP_TO: Final = 60
DAYS_FROM_H: Final = 48
"""Longer delays are told in days and hours."""
ATTENTION: Final = frozenset({"rejected", "late", "awaiting_approval", "corrected", "warnings"})
"""The states a coordinator has to act on (or chase)."""


@dataclass(frozen=True)
class Group:
    first: int
    last: int
    precincts: Sequence[BoardPrecinct]

    @property
    def attention(self) -> int:
        return sum(p.worst in ATTENTION for p in self.precincts)


@dataclass(frozen=True)
class Format:
    """The little formatting the templates need, in one language."""

    lang: str

    def t(self, key: str, **fields: object) -> str:
        return text(key, self.lang, **fields)

    def time(self, instant: str) -> str:
        if not instant:
            return ""
        return f"{to_warsaw(dt.datetime.fromisoformat(instant)):%H:%M}"

    def date_time(self, instant: str) -> str:
        if not instant:
            return ""
        return f"{to_warsaw(dt.datetime.fromisoformat(instant)):%d.%m %H:%M:%S}"

    def duration(self, seconds: int) -> str:
        hours, minutes = divmod(max(seconds, 0) // 60, 60)
        if hours >= DAYS_FROM_H:
            return f"{hours // 24} d {hours % 24} h"
        return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"

    def share(self, percent: float) -> str:
        """A percentage with two decimals, the decimal comma in Polish."""
        written = f"{percent:.2f}"
        return written.replace(".", ",") if self.lang == "pl" else written

    def alert_message(self, row: dict[str, Any]) -> str:
        """An alert's message in this language (alerts raised before Polish texts existed, and
        any without one, in English)."""
        polish = row.get("message_pl", "")
        return polish if self.lang == "pl" and polish else str(row["message"])

    def contest(self, contest: str) -> str:
        return self.t("contest." + contest.split(":", maxsplit=1)[0])

    def number(self, name: str) -> str:
        """A protocol number's label, from its flat name (``projections.protocol_state``)."""
        parts = name.split(".")
        if parts[0] == "c":
            return self.t("number.candidate", position=parts[1])
        if parts[0] == "l":
            if len(parts) == 2:
                return self.t("number.list", number=parts[1])
            return self.t("number.list_candidate", number=parts[1], position=parts[2])
        return self.t("field." + name) if ("field." + name) in TEXTS else name

    @classmethod
    def contenders(cls, district: Any, ids: Iterable[str]) -> str:
        """Candidates or lists of a district's result by name: ids are the district's own
        (``c.1`` is another person in another district)."""
        return cls.named({s.id: s.name for s in district.standing}, ids)

    @staticmethod
    def named(names: dict[str, str], ids: Iterable[str]) -> str:
        """Names for ids (the id where a name is not known)."""
        return ", ".join(names.get(i, i) for i in ids)

    @staticmethod
    def cell(precinct: BoardPrecinct, contest: str) -> BoardCell | None:
        return next((c for c in precinct.cells if c.contest == contest), None)

    @staticmethod
    def turnout(precinct: BoardPrecinct, hour: str) -> TurnoutCell | None:
        return next((c for c in precinct.turnout if c.hour == hour), None)

    @staticmethod
    def states(precinct: BoardPrecinct) -> str:
        """Every state in the row (turnout's as ``t-<state>``), for the filters."""
        return " ".join([c.state for c in precinct.cells]
                        + ["t-" + c.state for c in precinct.turnout])  # fmt: skip


def groups(precincts: Sequence[BoardPrecinct]) -> list[Group]:
    if len(precincts) <= SINGLE_GROUP_UP_TO:
        return [Group(precincts[0].number, precincts[-1].number, precincts)] if precincts else []
    chunks = [precincts[i : i + GROUP_SIZE] for i in range(0, len(precincts), GROUP_SIZE)]
    return [Group(chunk[0].number, chunk[-1].number, chunk) for chunk in chunks]


def context(board: Board, lang: str) -> dict[str, Any]:
    """What the board's templates read."""
    return {"board": board, "fmt": Format(lang), "groups": groups(board.precincts),
            "cell_states": CELL_STATES,
            "columns": [c.contest for c in board.contests]}  # fmt: skip


class Fragments:
    """The board's parts rendered outside a request, for the live feed."""

    def __init__(self, templates: Path) -> None:
        environment = Environment(loader=FileSystemLoader(templates),
                                  autoescape=select_autoescape(default=True))  # fmt: skip
        self._macros = environment.get_template("_board.html").module

    def update(self, board: Board, changed: frozenset[int] | None, lang: str) -> dict[str, Any]:
        """The rows of ``changed`` (every group when None), the summary and the time."""
        values = context(board, lang)
        fmt, columns = values["fmt"], values["columns"]
        macros: Any = self._macros
        payload: dict[str, Any] = {
            "position": board.position,
            "as_of": fmt.date_time(board.as_of),
            "summary": str(macros.summary(board, fmt)),
        }
        if changed is None:
            payload["groups"] = str(macros.groups(values["groups"], columns, board, fmt))
        else:
            payload["rows"] = {str(p.number): str(macros.row(p, columns, board, fmt))
                               for p in board.precincts if p.number in changed}  # fmt: skip
        return payload
