"""The log as auditors take it away: each stored event as a ``LogRecord`` (JSON lines), read in
batches from the live stream. ``tally audit export`` and the auditors' download on the gateway
write the same lines, so ``tally audit verify --export`` checks either."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from schemas.audit import LogRecord
from services.eventstore.jsapi import StoredMessage, direct_get_batch

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import msgspec
    from nats.aio.client import Client

BATCH: Final = 1000


def to_record(message: StoredMessage) -> LogRecord:
    return LogRecord(
        seq=message.seq,
        subject=message.subject,
        headers=dict(message.headers),
        payload=message.data.decode("utf-8"),
    )


def to_message(record: LogRecord) -> StoredMessage:
    return StoredMessage(
        subject=record.subject,
        seq=record.seq,
        headers=dict(record.headers),
        data=record.payload.encode("utf-8"),
    )


async def live_batches(nc: Client, stream: str, timeout: float,
                       start: int = 1) -> AsyncIterator[list[LogRecord]]:  # fmt: skip
    """The stream from ``start`` as it stands when each batch is read, in order."""
    while True:
        batch, pending = await direct_get_batch(
            nc, stream, start_seq=start, batch=BATCH, timeout=timeout
        )
        if batch:
            yield [to_record(message) for message in batch]
        if not batch or pending == 0:
            return
        start = batch[-1].seq + 1


def json_lines(records: list[LogRecord], encoder: msgspec.json.Encoder) -> bytes:
    return b"".join(encoder.encode(record) + b"\n" for record in records)
