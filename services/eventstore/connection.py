"""Connecting to NATS with the credentials the environment names, reconnecting for ever."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final

import nats
import nats.errors
import structlog

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("eventstore.connection")


_FIRST_CONNECT_TIMEOUT_S: Final = 10.0


class NatsUnreachableError(ConnectionError):
    """No NATS server answered at the configured URL."""


async def connect(settings: StoreSettings, name: str) -> Client:
    """A connection that rides out server restarts: once connected, it reconnects with no limit.

    The first connection is bounded (10 s): a wrong URL or a server that is not there is reported,
    not waited for in silence. ``NATS_URL`` may name several servers, comma-separated (the
    nodes of a cluster): any of them will do, and the client learns the others from the server.
    """

    async def on_error(error: Exception) -> None:
        log.warning("eventstore.nats_error", error=str(error) or type(error).__name__)

    connected: list[Client] = []

    async def on_disconnected() -> None:
        if connected and (connected[0].is_closed or connected[0].is_draining):
            log.debug("eventstore.closed", url=settings.url)  # we closed it: nothing to warn about
        else:
            log.warning("eventstore.disconnected", url=settings.url)

    async def on_reconnected() -> None:
        log.info("eventstore.reconnected", url=settings.url)

    options: dict[str, Any] = {
        "servers": [url.strip() for url in settings.url.split(",") if url.strip()],
        "name": name,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.25,
        "connect_timeout": 2,
        "error_cb": on_error,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnected,
    }
    options |= settings.nats_credentials()
    try:
        client = await asyncio.wait_for(nats.connect(**options), timeout=_FIRST_CONNECT_TIMEOUT_S)
    except (TimeoutError, OSError, nats.errors.Error) as error:
        raise NatsUnreachableError(
            f"no NATS server answered at {settings.url} within {_FIRST_CONNECT_TIMEOUT_S:.0f}s "
            f"({error!r}); check NATS_URL and the credentials"
        ) from error
    connected.append(client)
    return client
