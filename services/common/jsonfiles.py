"""Reading JSON and JSON-lines files people hand to Tally, with the place of every problem.

A file that cannot be opened raises ``OSError`` as usual (its message names the file); one that
does not hold what it should raises ``UnreadableFileError``: the file, the line for JSON lines,
and each problem with its JSON path and rule (``domain.decoding``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from domain.decoding import DecodeError, decode_json

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.problems import Problem

T = TypeVar("T")
_SHOWN = 3


class UnreadableFileError(Exception):
    def __init__(self, path: Path, problems: list[Problem], line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.problems = problems
        where = f"{path}" + (f" line {line}" if line is not None else "")
        listed = "; ".join(f"{p.path} [{p.rule}] {p.message}" for p in problems[:_SHOWN])
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        super().__init__(f"{where}: {listed}{more}")


def read_json(path: Path, kind: type[T]) -> T:
    try:
        return decode_json(path.read_bytes(), kind)
    except DecodeError as error:
        raise UnreadableFileError(path, error.problems) from None


def read_json_lines(path: Path, kind: type[T]) -> list[T]:
    """Every non-blank line of ``path`` decoded as ``kind``."""
    read = []
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            read.append(decode_json(line, kind))
        except DecodeError as error:
            raise UnreadableFileError(path, error.problems, line=number) from None
    return read
