"""Hypothesis strategies that damage files the way the world does.

Byte level: cut short, bytes dropped, inserted or replaced (not UTF-8 at all), a line doubled.
JSON level: a value replaced by another of any type, a member dropped or added, nesting far
deeper than any document. CSV level (PKW's `;`-separated tables): a cell made blank, `-`, padded
with spaces, printed with a thousands separator, quoted, or garbage; a column dropped or added;
the byte-order mark dropped; line ends changed; a row cut short or doubled; the last line
truncated.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, TypeVar

from hypothesis import strategies as st

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after one or two byte-level accidents."""
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        if not data:
            return data
        kind = draw(st.sampled_from(["cut", "drop", "insert", "replace", "double-line"]))
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if kind == "cut":
            data = data[:at]
        elif kind == "drop":
            data = data[:at] + data[at + draw(st.integers(min_value=1, max_value=8)) :]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
        elif kind == "replace":
            data = data[:at] + draw(st.binary(min_size=1, max_size=1)) + data[at + 1 :]
        else:
            lines = data.split(b"\n")
            index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            data = b"\n".join([*lines[: index + 1], *lines[index:]])
    return data


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def damaged_json(draw: st.DrawFn, document: Any) -> bytes:
    """``document`` with one JSON-level accident, encoded."""
    document = json.loads(json.dumps(document))
    path = draw(st.sampled_from(_paths(document)))
    kind = draw(st.sampled_from(["replace", "drop", "add", "deep"]))
    if kind == "deep":
        depth = draw(st.sampled_from([40, 2000]))
        return ("[" * depth + json.dumps(document) + "]" * depth).encode()
    if not path:
        return json.dumps(draw(JSON_VALUES)).encode()
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "replace":
        parent[last] = draw(JSON_VALUES)
    elif kind == "drop":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][draw(st.text(min_size=1, max_size=8))] = draw(JSON_VALUES)
    else:
        parent[last] = draw(JSON_VALUES)
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


CELL_DAMAGE = st.sampled_from(
    ["", "-", " 12 ", "1 234", "1,234", "1.5", "12a", '"', '"open', "\u00a0", "-5", "9" * 30, "x;y"]
)


def _row_damage(draw: st.DrawFn, rows: list[list[str]], kind: str) -> None:
    """One accident to the table's rows, in place."""
    if not rows or not rows[0]:
        rows.append(["7"])  # nothing left to damage: a stray cell instead
        return
    row = draw(st.integers(min_value=0, max_value=len(rows) - 1))
    column = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
    if kind == "cell" and column < len(rows[row]):
        rows[row][column] = draw(CELL_DAMAGE | st.text(max_size=6))
    elif kind == "drop-column":
        for each in rows:
            del each[column : column + 1]
    elif kind == "add-column":
        for index, each in enumerate(rows):
            each.insert(column, "Nowa kolumna" if index == 0 else "7")
    elif kind == "short-row":
        rows[row] = rows[row][: draw(st.integers(min_value=0, max_value=len(rows[row])))]
    elif kind == "long-row":
        rows[row] = [*rows[row], "1", "2"]
    elif kind == "double-row":
        rows.insert(row, list(rows[row]))


@st.composite
def damaged_csv(draw: st.DrawFn, text: str) -> bytes:
    """A PKW table (its text, BOM included) after one or two CSV-level accidents."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
    bom, line_end, cut = "\ufeff", "\r\n", 0
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        kind = draw(st.sampled_from(
            ["cell", "cell", "cell", "drop-column", "add-column", "no-bom", "lf", "short-row",
             "long-row", "double-row", "truncate"]))  # fmt: skip
        if kind == "no-bom":
            bom = ""
        elif kind == "lf":
            line_end = "\n"
        elif kind == "truncate":
            cut = draw(st.integers(min_value=1, max_value=200))
        else:
            _row_damage(draw, rows, kind)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator=line_end).writerows(rows)
    written = bom + out.getvalue()
    return written[: len(written) - cut].encode("utf-8")


def attempt(
    call: Callable[[], T], *errors: type[Exception]
) -> tuple[T, None] | tuple[None, Exception]:
    """``call()``'s result, or the error among ``errors`` it raised (any other propagates)."""
    try:
        return call(), None
    except errors as error:
        return None, error
