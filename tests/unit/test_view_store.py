"""The view store answers ``get`` as the rows stand, whether it looks a key up or knows without
a query that the key was never written: across commits, drops, a failed commit, resets, a store
opened again on rows already there and a table whose remembered keys overflowed."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.core import Drop, Put
from services.projector.store import ViewStore

if TYPE_CHECKING:
    from pathlib import Path

TABLES = ("a", "b")
KEYS = st.sampled_from(["k1", "k2", "k3", "k4", "k5"])
changes = st.lists(
    st.builds(Put, st.sampled_from(TABLES), KEYS, st.fixed_dictionaries({"n": st.integers()}))
    | st.builds(Drop, st.sampled_from(TABLES), KEYS),
    max_size=6,
)
steps = st.lists(
    st.tuples(st.just("commit"), changes) | st.sampled_from([("reset", []), ("reopen", [])]),
    max_size=12,
)


@given(steps, st.integers(1, 6))
@settings(max_examples=150, deadline=None)
def test_every_get_sees_the_rows_as_committed(
    tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[str, list[Any]]], tracked: int
) -> None:
    """After each step, every key of every table reads as in a plain dict of the rows."""
    path = tmp_path_factory.mktemp("store") / "views.sqlite"
    store = ViewStore(path, "v_v1", TABLES, tracked_keys=tracked)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        for position, (step, batch) in enumerate(plan, start=1):
            if step == "commit":
                net = {(c.table, c.key): c for c in batch}  # a batch's net changes, one per row
                store.commit(list(net.values()), position)
                for (table, key), change in net.items():
                    if isinstance(change, Put):
                        rows[table, key] = change.value
                    else:
                        rows.pop((table, key), None)
            elif step == "reset":
                store.reset()
                rows.clear()
            else:
                store.close()
                store = ViewStore(path, "v_v1", TABLES, tracked_keys=tracked)
            for table in TABLES:
                for key in ("k1", "k2", "k3", "k4", "k5"):
                    assert rows.get((table, key)) == store.get(table, key)
    finally:
        store.close()


def test_a_failed_commit_leaves_the_rows_and_reads_them_right(tmp_path: Path) -> None:
    """A commit that fails midway writes nothing; the keys it named still read as absent."""
    store = ViewStore(tmp_path / "views.sqlite", "v_v1", TABLES)
    store.commit([Put("a", "k1", {"n": 1})], 1)
    store._db.execute('DROP TABLE "v_v1__b"')  # a write that will fail
    with pytest.raises(sqlite3.OperationalError):
        store.commit([Put("a", "k2", {"n": 2}), Put("b", "k3", {"n": 3})], 2)
    assert ({"n": 1}, None, 1) == (store.get("a", "k1"), store.get("a", "k2"), store.position())
    store.close()
