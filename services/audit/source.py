"""Where an audit reads the log: the live stream, or an export file (JSON lines)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec

from domain.decoding import DecodeError, decode_json
from schemas.audit import LogRecord
from services.common.jsonfiles import UnreadableFileError
from services.eventstore.connection import connect
from services.eventstore.jsapi import StoredMessage, direct_get_batch

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from services.eventstore.settings import StoreSettings


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
    """The records of an export, one per line; a line that is not one is refused with its
    number (an export is evidence: nothing in it is skipped or repaired)."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield decode_json(line, LogRecord)
            except DecodeError as error:
                raise UnreadableFileError(path, error.problems, line=number) from None


def write_records(path: Path, records: list[LogRecord]) -> None:
    encoder = msgspec.json.Encoder()
    with path.open("wb") as out:
        for record in records:
            out.write(encoder.encode(record) + b"\n")
