"""Where an audit reads the log: the live stream, or an export file (JSON lines)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec

from domain.decoding import DecodeError, decode_json
from schemas.audit import LogRecord
from services.apps.log_records import json_lines, live_batches
from services.common.jsonfiles import UnreadableFileError
from services.eventstore.connection import connect

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
        async for batch in live_batches(nc, settings.stream, settings.request_timeout_s):
            records += batch
        return records
    finally:
        await nc.drain()


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
    with path.open("wb") as out:
        out.write(json_lines(records, msgspec.json.Encoder()))
