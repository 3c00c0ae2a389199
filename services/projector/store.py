"""The view store: SQLite in the data directory (``<data dir>/views/views.sqlite``).

Each projection's tables are named after the projection and its version; its position (the last
stream sequence folded in) is in ``positions``. A batch's row changes and its position are written
in ONE transaction, so a crash leaves either both or neither: on restart the runner resumes after
the committed position and a redelivered event changes nothing. WAL journal, ``synchronous=NORMAL``:
a committed batch survives a crash of the process; a power cut may lose the last batches but never
splits one from its position, so the view folds them again from the log (which is what counts).
The interface (``get``, ``commit``, ``position``, ``rows``) is small so another database can take
its place.

A view has one writer, its runner. So while a table that was empty when its store opened (or was
reset) holds only keys this store wrote, a ``get`` of any other key is answered without a query:
a rebuild asks for many rows that do not exist yet (every new protocol, every alert not raised).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Final

import msgspec

from projections.core import Put

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from projections.core import Change


TRACKED_KEYS: Final = 1_000_000
"""Keys remembered per table; past that its absent keys are looked up again (bounded memory)."""


class ViewStore:
    def __init__(
        self, path: Path, view: str, tables: Iterable[str], *, tracked_keys: int = TRACKED_KEYS
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.view = view
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS positions (view TEXT PRIMARY KEY, seq INTEGER NOT NULL)"
        )
        self._tables = {table: f'"{view}__{table}"' for table in tables}
        for name in self._tables.values():
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {name} (key TEXT PRIMARY KEY, value BLOB)"
            )
        self._tracked_keys = tracked_keys
        # Per table, the keys that may be in it; None when it held rows of unknown keys at open.
        self._written: dict[str, set[str] | None] = {
            table: set() if self._empty(name) else None for table, name in self._tables.items()
        }

    def _empty(self, name: str) -> bool:
        return self._db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None

    def close(self) -> None:
        self._db.close()

    def position(self) -> int:
        row = self._db.execute("SELECT seq FROM positions WHERE view = ?", (self.view,)).fetchone()
        return int(row[0]) if row else 0

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        written = self._written[table]
        if written is not None and key not in written:
            return None
        row = self._db.execute(
            f"SELECT value FROM {self._tables[table]} WHERE key = ?",
            (key,),
        ).fetchone()
        return msgspec.json.decode(row[0]) if row else None

    def commit(self, changes: Iterable[Change], position: int) -> None:
        puts: dict[str, list[tuple[str, bytes]]] = {}
        drops: dict[str, list[tuple[str]]] = {}
        for change in changes:
            if isinstance(change, Put):
                puts.setdefault(change.table, []).append(
                    (change.key, msgspec.json.encode(change.value))
                )
            else:
                drops.setdefault(change.table, []).append((change.key,))
        for table, rows in puts.items():
            self._remember(table, [key for key, _ in rows])  # before writing: a superset is safe
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for table, rows in puts.items():
                db.executemany(
                    f"INSERT INTO {self._tables[table]} (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    rows,
                )
            for table, keys in drops.items():
                db.executemany(f"DELETE FROM {self._tables[table]} WHERE key = ?", keys)
            db.execute(
                "INSERT INTO positions (view, seq) VALUES (?, ?) "
                "ON CONFLICT(view) DO UPDATE SET seq = excluded.seq",
                (self.view, position),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _remember(self, table: str, keys: list[str]) -> None:
        written = self._written[table]
        if written is None:
            return
        written.update(keys)
        if len(written) > self._tracked_keys:
            self._written[table] = None

    def rows(
        self, table: str, prefix: str = "", after: str = ""
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Rows whose key starts with ``prefix``, in key order, after the key ``after``."""
        cursor = self._db.execute(
            f"SELECT key, value FROM {self._tables[table]} "
            "WHERE key >= ? AND key > ? AND key < ? ORDER BY key",
            (prefix, after, prefix + "\U0010ffff"),
        )
        for key, value in cursor:
            yield key, msgspec.json.decode(value)

    def reset(self) -> None:
        """Empty the view and its position (a rebuild starts from sequence 0)."""
        self._db.execute("BEGIN IMMEDIATE")
        for table in self._tables.values():
            self._db.execute(f"DELETE FROM {table}")
        self._db.execute("DELETE FROM positions WHERE view = ?", (self.view,))
        self._db.execute("COMMIT")
        self._written = {table: set() for table in self._tables}
