"""What every projection is: a pure fold of events into view rows, and the runner's pure core.

A projection has a ``NAME``, a ``VERSION`` (raising it builds a new view from sequence 0 under a
new name), its ``TABLES``, an ``initial()`` state (empty tables) and ``apply(view, event)``: given
read access to its own rows as they stand and one event, it returns the row changes. No I/O.

``fold_batch`` applies a batch in stream order over an overlay, so later events of the batch see
the changes of earlier ones; the runner then commits the changes and the batch's last sequence in
one transaction. A redelivered event (at or below the committed position) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence


@dataclass(frozen=True)
class Event:
    """A stored event as projections see it: where it is in the stream and what it says."""

    seq: int
    tag: str
    aggregate_id: str
    routing: Mapping[str, str]
    data: Any
    envelope: Mapping[str, str] = field(default_factory=dict)
    """Who, how and when: actor, role, channel, recorded_at, version (from the headers)."""


class Put(NamedTuple):
    """A row's new value. (Named tuples: a fold makes several per event, and a frozen
    dataclass takes twice as long to make.)"""

    table: str
    key: str
    value: dict[str, Any]


class Drop(NamedTuple):
    """A row removed."""

    table: str
    key: str


Change = Put | Drop


class View(Protocol):
    def get(self, table: str, key: str) -> dict[str, Any] | None: ...


class Projection(Protocol):
    NAME: str
    VERSION: int
    TABLES: tuple[str, ...]

    def apply(self, view: View, event: Event) -> list[Change]: ...


def view_name(projection: Projection) -> str:
    return f"{projection.NAME}_v{projection.VERSION}"


def initial() -> dict[tuple[str, str], dict[str, Any]]:
    """Every projection starts from empty tables."""
    return {}


@dataclass
class Overlay:
    """The committed rows with this batch's changes on top (what ``apply`` reads)."""

    base: View
    changes: dict[tuple[str, str], Change] = field(default_factory=dict)
    """The last change of each row in this batch, in the order rows were first changed."""

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        change = self.changes.get((table, key))
        if change is None:
            return self.base.get(table, key)
        return change.value if isinstance(change, Put) else None

    def record(self, changes: Iterable[Change]) -> None:
        for change in changes:
            self.changes[change.table, change.key] = change

    def net(self) -> list[Change]:
        return list(self.changes.values())


def fold_batch(
    projection: Projection, view: View, events: Sequence[Event], position: int
) -> tuple[list[Change], int]:
    """The net row changes of ``events`` after ``position``, and the new position."""
    overlay = Overlay(view)
    for event in events:
        if event.seq <= position:
            continue  # already in the view: exactly once
        overlay.record(projection.apply(overlay, event))
        position = event.seq
    return overlay.net(), position


class MemoryView:
    """Rows in a dict: for tests and for folding without a store."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = initial()
        self.position = 0

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        return self.rows.get((table, key))

    def commit(self, changes: Iterable[Change], position: int) -> None:
        for change in changes:
            if isinstance(change, Put):
                self.rows[change.table, change.key] = change.value
            else:
                self.rows.pop((change.table, change.key), None)
        self.position = position
