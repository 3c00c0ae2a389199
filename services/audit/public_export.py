"""The public export of the log (format ``tally.public-export.v1``, JSON lines): what anyone may
read and check, without personal data.

Line 1, the header: ``{"format", "stream", "leaves": "tally-leaf-v1", "checkpoints":
"tally-checkpoint-v1", "public_keys": {id: base64url Ed25519 key}}``. Then one line per event
of the election stream, in sequence order: ``{"event": {"seq", "subject", "headers",
"payload"}, "private_hash": hex}``: the event's public part and the SHA-256 of its private part
(``domain.log_leaves``: who acted is a stable pseudonym beside the role). The accounts stream
(people's accounts, logins, security records) is not in it at all. The signed checkpoints are
events like the others (``Tally-Type: audit.checkpoint.v1``); the export ends with one made for
it, so everything before it is signed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from domain.log_leaves import PublicEvent, encoded, private_part, public_part, sha256

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from schemas.audit import LogRecord

FORMAT: Final = "tally.public-export.v1"


class ExportHeader(msgspec.Struct, frozen=True, kw_only=True):
    format: str = FORMAT
    stream: str
    leaves: str = "tally-leaf-v1"
    checkpoints: str = "tally-checkpoint-v1"
    public_keys: dict[str, str]


class PublicLine(msgspec.Struct, frozen=True, kw_only=True):
    event: PublicEvent
    private_hash: str


def public_lines(records: Iterable[LogRecord], *, stream: str, public_keys: Mapping[str, str],
                 pseudonym_key: bytes) -> Iterator[bytes]:  # fmt: skip
    yield msgspec.json.encode(ExportHeader(stream=stream, public_keys=dict(public_keys))) + b"\n"
    for record in records:
        line = PublicLine(event=public_part(record, pseudonym_key),
                          private_hash=sha256(encoded(private_part(record))).hex())  # fmt: skip
        yield msgspec.json.encode(line) + b"\n"
