"""The projector killed with SIGKILL again and again while events keep coming: once it has caught
up, its views equal a clean rebuild from the log, row for row."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from typing import TYPE_CHECKING

import pytest

from services.apps.protocols import Protocols
from services.tools.bench.synthetic import append_protocols
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, ServeProcess, cli_env

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow


def tables(path: Path) -> dict[str, list[tuple[str, bytes]]]:
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall()) for name in names}


def position(path: Path, *, worst: bool = True) -> int:
    """The position of the slowest view (or, with ``worst=False``, the fastest)."""
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        query = (
            "SELECT MIN(seq), COUNT(*) FROM positions"
            if worst
            else "SELECT MAX(seq), 1 FROM positions"
        )
        try:
            seq, views = db.execute(query).fetchone()
        except sqlite3.OperationalError:  # the projector is still creating its tables
            return 0
        return int(seq or 0) if views == 5 or not worst else 0


def test_views_survive_repeated_kill_9_and_equal_a_clean_rebuild(tmp_path: Path) -> None:
    stream = fresh_stream()
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream)
    app = Protocols(env={"NATS_URL": session_url(), "NATS_STREAM": stream})
    live = tmp_path / "live"
    rng = random.Random(8)
    kills: list[int] = []
    try:
        total = 0
        for round_number in range(4):
            append_protocols(app, 1 + round_number * 1000, 1000)
            total += 3000
            projector = ServeProcess(live, env, "--only", "projections")
            # Kill it once it has committed part of this round (a batch is 1,000 events).
            deadline = time.monotonic() + 60
            views = live / "views" / "views.sqlite"
            while position(views, worst=False) <= total - 3000 and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
            projector.process.send_signal(signal.SIGKILL)
            projector.finish()
            kills.append(position(live / "views" / "views.sqlite", worst=False))
        projector = ServeProcess(live, env, "--only", "projections")
        # The views may be complete already: let it start (and take SIGTERM) before stopping it.
        projector.wait_for("serve.ready")
        deadline = time.monotonic() + 120
        while position(live / "views" / "views.sqlite") < total and time.monotonic() < deadline:
            time.sleep(0.2)
        projector.process.send_signal(signal.SIGTERM)
        assert 0 == projector.finish()
    finally:
        app.close()
    assert total == position(live / "views" / "views.sqlite")
    assert any(0 < at < 3000 * (n + 1) for n, at in enumerate(kills)), kills  # killed mid-fold
    clean = tmp_path / "clean"
    command = [*TALLY, "projections", "rebuild", "all", "--quiet", "--data-dir", str(clean)]
    rebuilt = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert 0 == rebuilt.returncode, rebuilt.stderr
    assert tables(clean / "views" / "views.sqlite") == tables(live / "views" / "views.sqlite")
