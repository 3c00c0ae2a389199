"""Small helpers rules share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

OK: tuple[dict[str, object], ...] = ()
"""What a rule yields when it holds."""


def num(value: int | None) -> int:
    """A count the rule declared in ``reads``: the catalogue never calls a rule without it."""
    if value is None:
        raise AssertionError("a rule read a count its form does not have")
    return value


def broken(condition: bool, **values: object) -> Iterator[dict[str, object]]:  # noqa: FBT001
    """One violation when ``condition`` holds (the rule is broken), none otherwise."""
    if condition:
        yield values
