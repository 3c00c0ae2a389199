"""Which NATS server a one-shot command (``tally election load``...) talks to.

``NATS_URL`` when set. Otherwise the embedded server ``tally serve`` is running on the same data
directory. Otherwise the command starts the embedded server on that directory for as long as it
runs and stops it after, so the commands work on a fresh machine without anything running.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

import structlog

from services.natsserver import EmbeddedNats, running_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = structlog.get_logger("natsaccess")


@contextlib.contextmanager
def nats_url(data_dir: Path) -> Iterator[str]:
    url = os.environ.get("NATS_URL")
    if url:
        yield url
        return
    nats_dir = data_dir.resolve() / "nats"
    running = running_server(nats_dir)
    if running:
        log.debug("natsaccess.embedded_running", url=running)
        yield running
        return
    embedded = EmbeddedNats(nats_dir)
    embedded.start()
    log.info("natsaccess.embedded_started", url=embedded.url, store_dir=str(embedded.store_dir))
    try:
        yield embedded.url
    finally:
        embedded.stop()
        log.info("natsaccess.embedded_stopped", url=embedded.url)
