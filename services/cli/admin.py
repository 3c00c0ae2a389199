"""``tally admin streams``: show how the streams on the server differ from the declared ones, and
with ``--apply`` change them. The one deliberate way a stream's configuration changes."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from services.eventstore import streams
from services.eventstore.connection import connect
from services.eventstore.streamsetup import declared_streams
from services.nats.access import nats_access

if TYPE_CHECKING:
    from pathlib import Path

    from services.eventstore.settings import StoreSettings


def streams_command(*, apply: bool, data_dir: Path) -> int:
    """Exit code 0 when everything matches (or was applied), 1 when differences remain."""
    with nats_access(data_dir, role="admin") as settings:
        return asyncio.run(_streams(settings, apply=apply))


async def _streams(settings: StoreSettings, *, apply: bool) -> int:
    nc = await connect(settings, name="tally-admin")
    remaining = 0
    try:
        for config in declared_streams(settings):
            name = config["name"]
            if apply:
                changed = await streams.update_stream(nc, config, settings.request_timeout_s)
                verb = "changed" if changed else "unchanged"
                sys.stdout.write(f"{name}: {verb}\n" + "".join(f"  {line}\n" for line in changed))
                continue
            actual = await streams.stream_config(nc, name, settings.request_timeout_s)
            if actual is None:
                remaining += 1
                sys.stdout.write(f"{name}: missing\n")
                continue
            diffs = streams.differences(config, actual)
            remaining += bool(diffs)
            sys.stdout.write(f"{name}: {'differs' if diffs else 'as declared'}\n")
            sys.stdout.write("".join(f"  {line}\n" for line in diffs))
    finally:
        await nc.drain()
    return 1 if remaining else 0
