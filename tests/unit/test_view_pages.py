"""View reads come in pages small enough for one NATS message; following ``next`` reads every
row exactly once, in key order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import pytest

from projections.core import Put
from schemas.views import ViewQuery
from services.projector import service
from services.projector.service import page
from services.projector.store import ViewStore

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def store(tmp_path: Path) -> ViewStore:
    store = ViewStore(tmp_path / "views.sqlite", "tally_v1", ("tallies",))
    rows = [Put("tallies", f"accepted|e|{n:04d}", {"code": f"{n:04d}", "level": "gmina" if n % 3
                else "powiat", "numbers": {"c.1": n}}) for n in range(500)]  # fmt: skip
    store.commit(rows, 42)
    return store


def _all(store: ViewStore, query: ViewQuery) -> tuple[list[dict[str, object]], int]:
    rows: list[dict[str, object]] = []
    pages = 0
    while True:
        found, after = page(store.rows(query.table, query.prefix, query.after), query)
        rows += found
        pages += 1
        if not after:
            return rows, pages
        query = msgspec.structs.replace(query, after=after)


def test_pages_cover_every_matching_row_once_in_order(
    store: ViewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "PAGE_ROWS", 40)
    query = ViewQuery(view="tally", table="tallies", prefix="accepted|e|", where={"level": "gmina"})
    rows, pages = _all(store, query)
    assert [f"{n:04d}" for n in range(500) if n % 3] == [r["code"] for r in rows]
    assert pages == -(-len(rows) // 40)


def test_a_page_stops_at_its_byte_budget(store: ViewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "PAGE_BYTES", 1000)
    query = ViewQuery(view="tally", table="tallies", prefix="accepted|")
    first, after = page(store.rows("tallies", "accepted|"), query)
    assert 1000 < sum(len(msgspec.json.encode(r)) for r in first) < 1200
    assert after == f"accepted|e|{len(first) - 1:04d}"
    rows, _ = _all(store, query)
    assert 500 == len(rows)
