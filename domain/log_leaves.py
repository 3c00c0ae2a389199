"""An event of the log as a leaf of its Merkle tree, split into what the public may read and what
stays private, contract ``tally-leaf-v1``.

The private part is who did it: the actor's identity and the request's traces (the headers in
``PRIVATE_HEADERS``). The public part is everything else the writer stored for the event (its
sequence, subject, the other ``Tally-*`` headers, the stored payload) plus the actor as a stable
pseudonym (``Tally-Actor-Pseudonym``: the role stays in ``Tally-Role``). Headers a read adds
(``Nats-Time-Stamp``, ``Nats-Num-Pending``...) are no part of the event and of no leaf.
Payload fields naming who acted (``PAYLOAD_ACTORS``: who entered a protocol's version) get the
same pseudonym in the public part and their value in the private part (``data.<field>``).
The leaf is
``H(0x00 || H(public) || H(private))`` with SHA-256, so a public export carrying the public part
and ``H(private)`` is checked against the same tree as the full log.

Encodings (UTF-8): the public part is the JSON object ``{"headers", "payload", "seq",
"subject"}`` and the private part the JSON object of the private headers present, both with keys
sorted and no spaces (the stored payload is a JSON string inside it, as stored).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any, Final

import msgspec

from domain import merkle
from schemas import envelope
from schemas import protocol_events as pe

if TYPE_CHECKING:
    from schemas.audit import LogRecord

PRIVATE_HEADERS: Final = frozenset({
    envelope.ACTOR, envelope.CORRELATION_ID, envelope.CAUSATION_ID, envelope.IDEMPOTENCY_KEY,
    envelope.REQUEST_HASH, envelope.MSG_ID,
})  # fmt: skip
"""Who acted and the traces of their request (the message id derives from the idempotency key)."""
PAYLOAD_ACTORS: Final = {pe.ProtocolSubmitted.TAG: "entered_by",
                          pe.ProtocolCorrected.TAG: "entered_by"}  # fmt: skip
"""Payload fields (under ``data``) that name who acted: pseudonymised in the public part, their
value kept in the private part as ``data.<field>``."""
PSEUDONYM_HEADER: Final = "Tally-Actor-Pseudonym"
_PSEUDONYM_DOMAIN: Final = b"tally-pseudonym-v1\n"


class PublicEvent(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    subject: str
    headers: dict[str, str]
    payload: str


def pseudonym(key: bytes, actor: str) -> str:
    """The same for the same actor under the same key; without the key, not linkable to them."""
    if not actor:
        return ""
    digest = hmac.new(key, _PSEUDONYM_DOMAIN + actor.encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:16]}"


def _stored(name: str) -> bool:
    return name.startswith(envelope.ENVELOPE_PREFIX) or name == envelope.MSG_ID


def public_part(record: LogRecord, pseudonym_key: bytes) -> PublicEvent:
    headers = {k: v for k, v in record.headers.items()
               if _stored(k) and k not in PRIVATE_HEADERS}  # fmt: skip
    actor = record.headers.get(envelope.ACTOR, "")
    if actor:
        headers[PSEUDONYM_HEADER] = pseudonym(pseudonym_key, actor)
    payload = record.payload
    document, field = _actor_field(record)
    if document is not None:
        document["data"][field] = pseudonym(pseudonym_key, document["data"][field])
        payload = msgspec.json.encode(document).decode()
    return PublicEvent(seq=record.seq, subject=record.subject, headers=headers,
                       payload=payload)  # fmt: skip


def private_part(record: LogRecord) -> dict[str, str]:
    private = {k: v for k, v in record.headers.items() if k in PRIVATE_HEADERS}
    document, field = _actor_field(record)
    if document is not None:
        private[f"data.{field}"] = document["data"][field]
    return private


def _actor_field(record: LogRecord) -> tuple[dict[str, Any] | None, str]:
    """The stored payload as JSON and its field naming who acted, when it has a non-empty one
    (a payload that does not read is left as it is: the checks will say it is wrong)."""
    field = PAYLOAD_ACTORS.get(record.headers.get(envelope.EVENT_TYPE, ""), "")
    if not field:
        return None, ""
    try:
        document = msgspec.json.decode(record.payload)
    except msgspec.DecodeError:
        return None, ""
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get(field), str) or not data[field]:
        return None, ""
    return document, field


def encoded(value: object) -> bytes:
    """Canonical JSON: keys sorted, no spaces."""
    return msgspec.json.encode(value, order="sorted")


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(public_hash: bytes, private_hash: bytes) -> bytes:
    return merkle.leaf_hash(public_hash + private_hash)


def record_leaf(record: LogRecord, pseudonym_key: bytes) -> bytes:
    """The leaf of a stored event, from the full record."""
    return leaf(sha256(encoded(public_part(record, pseudonym_key))),
                sha256(encoded(private_part(record))))  # fmt: skip
