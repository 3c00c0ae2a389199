"""``tally projections rebuild NAME``: empty a view and fold the whole log into it again, with a
progress bar. Run it while the projections are stopped (``tally serve --only commands`` and
``--only gateway`` may keep running); a view is always rebuildable from the log alone."""

from __future__ import annotations

import asyncio
import sys
import time
from functools import partial
from typing import TYPE_CHECKING

import projections
from services.common.progressbar import ProgressBar
from services.eventstore.connection import connect
from services.nats.access import nats_access
from services.projector.group import RunnerGroup
from services.projector.runner import Runner
from services.projector.service import events_log

if TYPE_CHECKING:
    from pathlib import Path

    from services.eventstore.settings import StoreSettings

NAMES = tuple(p.NAME for p in projections.ALL)


def rebuild_command(name: str, *, data_dir: Path, quiet: bool = False) -> int:
    chosen = [p for p in projections.ALL if name in (p.NAME, "all")]
    with nats_access(data_dir) as settings:
        asyncio.run(_rebuild(settings, chosen, data_dir.resolve() / "views", quiet=quiet))
    return 0


async def _rebuild(settings: StoreSettings, chosen: list, directory: Path, *, quiet: bool) -> None:  # type: ignore[type-arg]
    nc = await connect(settings, name="tally-rebuild")
    try:
        events = events_log(nc, settings)
        runners = [Runner.open(projection, directory, events, nc) for projection in chosen]
        for runner in runners:
            runner.store.reset()
        started = time.perf_counter()
        bar = ProgressBar(", ".join(r.view for r in runners), enabled=not quiet)
        # One reading of the log feeds every chosen view.
        position = await RunnerGroup(runners, events, nc).catch_up(
            partial(bar.update, detail="events")
        )
        bar.finish()
        elapsed = time.perf_counter() - started
        for runner in runners:
            runner.store.close()
            sys.stdout.write(f"{runner.view}: rebuilt to sequence {position} "
                             f"in {elapsed:.1f} s\n")  # fmt: skip
    finally:
        await nc.drain()
