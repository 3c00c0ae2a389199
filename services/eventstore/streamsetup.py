"""The streams a deployment declares, created or verified in one place for every process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.eventstore import streams

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.eventstore.settings import StoreSettings


def declared_streams(settings: StoreSettings) -> list[dict[str, Any]]:
    layout = settings.layout
    window = settings.duplicate_window_s
    return [
        streams.events_stream_config(layout, replicas=settings.replicas, duplicate_window_s=window),
        streams.snapshots_stream_config(
            layout, replicas=settings.replicas, duplicate_window_s=window
        ),
        streams.tracking_bucket_config(layout, replicas=settings.replicas),
        streams.events_stream_config(
            streams.StreamLayout(layout.accounts_stream),
            replicas=settings.replicas,
            duplicate_window_s=window,
        ),
        *streams.auth_bucket_configs(layout, replicas=settings.replicas),
    ]


async def ensure_declared_streams(nc: Client, settings: StoreSettings) -> list[str]:
    """Create missing streams, verify existing ones; returns the names of those created.

    Raises ``streams.StreamConfigError`` on the first stream whose configuration differs.
    """
    timeout = settings.request_timeout_s
    return [
        config["name"]
        for config in declared_streams(settings)
        if await streams.ensure_stream(nc, config, create=True, timeout=timeout)
    ]
