"""Builders shared by tests: event stores on fresh streams, stored events, raw reads."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import nats
from eventsourcing.persistence import StoredEvent

from services.eventstore import NatsFactory
from services.eventstore.jsapi import StoredMessage, direct_get_batch
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from uuid import UUID


def new_factory(*, url: str | None = None, stream: str | None = None, **env: str) -> NatsFactory:
    return NatsFactory(
        {"NATS_URL": url or session_url(), "NATS_STREAM": stream or fresh_stream(), **env}
    )


def event(aggregate: UUID, version: int, topic: str = "test.happened.v1") -> StoredEvent:
    return StoredEvent(aggregate, version, topic, f'{{"v":{version}}}'.encode())


def new_aggregate() -> UUID:
    return uuid.uuid4()


def read_stream(
    url: str, stream: str, *, user: str | None = None, password: str | None = None
) -> list[StoredMessage]:
    """Every message of a stream, in order, straight from the server."""

    async def read() -> list[StoredMessage]:
        nc = await nats.connect(url, user=user, password=password)
        try:
            messages: list[StoredMessage] = []
            start = 1
            while True:
                batch, pending = await direct_get_batch(
                    nc, stream, start_seq=start, batch=1000, timeout=5
                )
                messages.extend(batch)
                if not batch or pending == 0:
                    return messages
                start = batch[-1].seq + 1
        finally:
            await nc.close()

    return asyncio.run(read())
