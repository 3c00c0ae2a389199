"""Connecting to NATS with the credentials the environment names, reconnecting for ever."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nats
import structlog

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("eventstore.connection")


async def connect(settings: StoreSettings, name: str) -> Client:
    """A connection that rides out server restarts: it reconnects with no limit on attempts."""

    async def on_error(error: Exception) -> None:
        log.warning("eventstore.nats_error", error=str(error) or type(error).__name__)

    async def on_disconnected() -> None:
        log.warning("eventstore.disconnected", url=settings.url)

    async def on_reconnected() -> None:
        log.info("eventstore.reconnected", url=settings.url)

    options: dict[str, Any] = {
        "servers": [settings.url],
        "name": name,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.25,
        "connect_timeout": 2,
        "error_cb": on_error,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnected,
    }
    if settings.creds_file:
        options["user_credentials"] = settings.creds_file
    elif settings.user:
        options["user"] = settings.user
        options["password"] = settings.password or ""
    return await nats.connect(**options)
