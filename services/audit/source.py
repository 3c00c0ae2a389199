"""Where an audit reads the log: the live stream, or an export file (JSON lines)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec

from schemas.audit import LogRecord
from services.eventstore.connection import connect
from services.eventstore.jsapi import StoredMessage, direct_get_batch

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from services.eventstore.settings import StoreSettings

_DECODER = msgspec.json.Decoder(LogRecord)


def live_records(settings: StoreSettings) -> list[LogRecord]:
    return asyncio.run(_read_all(settings))


async def _read_all(settings: StoreSettings) -> list[LogRecord]:
    nc = await connect(settings, name="tally-audit")
    records: list[LogRecord] = []
    try:
        start = 1
        while True:
            batch, pending = await direct_get_batch(
                nc, settings.stream, start_seq=start, batch=1000,
                timeout=settings.request_timeout_s,
            )  # fmt: skip
            records += [to_record(message) for message in batch]
            if not batch or pending == 0:
                return records
            start = batch[-1].seq + 1
    finally:
        await nc.drain()


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


def file_records(path: Path) -> Iterator[LogRecord]:
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield _DECODER.decode(line)


def write_records(path: Path, records: list[LogRecord]) -> None:
    encoder = msgspec.json.Encoder()
    with path.open("wb") as out:
        for record in records:
            out.write(encoder.encode(record) + b"\n")
