"""Blind second entry: the numbers typed from the paper copy against the submitted ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas.protocol import COUNT_FIELDS

if TYPE_CHECKING:
    from schemas.protocol import ProtocolContent


@dataclass(frozen=True)
class Difference:
    path: str
    submitted: int | None
    entered: int | None


def numbers(content: ProtocolContent) -> dict[str, int | None]:
    """Every number of a protocol under a JSON path (texts are not typed twice)."""
    found: dict[str, int | None] = {f"$.{name}": getattr(content, name) for name in COUNT_FIELDS}
    found |= {f"$.candidates[{c.position}]": c.votes for c in content.candidates}
    for votes in content.lists:
        found[f"$.lists[{votes.number}].total"] = votes.total
        found[f"$.lists[{votes.number}].candidates_total"] = votes.candidates_total
        found |= {f"$.lists[{votes.number}][{c.position}]": c.votes for c in votes.candidates}
    return found


def differences(submitted: ProtocolContent, entered: ProtocolContent) -> list[Difference]:
    ours, theirs = numbers(submitted), numbers(entered)
    return [
        Difference(path, ours.get(path), theirs.get(path))
        for path in sorted(ours.keys() | theirs.keys())
        if ours.get(path) != theirs.get(path)
    ]
