"""``tally serve``: the embedded NATS server (unless ``NATS_URL`` names one) and the streams.

Later services (commands, gateway, projections) run inside this process; for now it owns the
event store's infrastructure: it starts nats-server, creates or verifies the declared streams,
logs where everything is and runs until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import TYPE_CHECKING

import structlog
from eventsourcing.utils import Environment

from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.eventstore.streams import StreamConfigError
from services.natsserver import EmbeddedNats, NatsServerError
from services.streamsetup import declared_streams, ensure_declared_streams

if TYPE_CHECKING:
    from pathlib import Path


log = structlog.get_logger("serve")


class ServeError(Exception):
    """Why ``tally serve`` cannot run, in words for the operator."""


def run(data_dir: Path) -> None:
    settings = StoreSettings.from_env(Environment(env=os.environ))
    embedded: EmbeddedNats | None = None
    if not os.environ.get("NATS_URL"):
        embedded = EmbeddedNats(data_dir.resolve() / "nats")
        try:
            embedded.start()
        except NatsServerError as error:
            raise ServeError(str(error)) from error
        log.info(
            "serve.nats_started",
            url=embedded.url,
            pid=embedded.pid,
            store_dir=str(embedded.store_dir),
            config=str(embedded.config_path),
            server_log=str(embedded.log_path),
            sync_interval="always",
        )
        settings = StoreSettings(**{**settings.__dict__, "url": embedded.url})
    else:
        log.info("serve.nats_external", url=settings.url, stream=settings.stream)
    try:
        asyncio.run(_serve(settings))
    finally:
        if embedded is not None:
            embedded.stop()
            log.info("serve.nats_stopped", url=embedded.url)


async def _serve(settings: StoreSettings) -> None:
    try:
        nc = await connect(settings, name="tally-serve")
    except Exception as error:
        raise ServeError(f"cannot connect to NATS at {settings.url}: {error!r}") from error
    try:
        try:
            created = await ensure_declared_streams(nc, settings)
        except StreamConfigError as error:
            raise ServeError(str(error)) from error
        for config in declared_streams(settings):
            log.info(
                "serve.stream_ready",
                stream=config["name"],
                subjects=config["subjects"],
                created=config["name"] in created,
                replicas=config["num_replicas"],
            )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        log.info(
            "serve.ready",
            nats_url=settings.url,
            stream=settings.stream,
            stop_with="Ctrl-C or SIGTERM",
        )
        await stop.wait()
        log.info("serve.stopping")
    finally:
        await nc.drain()
