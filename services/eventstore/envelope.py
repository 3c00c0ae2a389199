"""Subjects for aggregates, and the per-aggregate hash chain.

Every event's ``Tally-Previous-Hash`` header holds the SHA-256 of the aggregate's previous event, so
an auditor can verify from the log alone that no event of an aggregate was altered, dropped or
reordered. The hash of an event covers its ``Nats-Msg-Id``, every ``Tally-*`` header (sorted by
name, so header order on the wire does not matter) and its payload:

    sha256(b"tally-event-v1\\n"
           + b"".join(f"{name}:{value}\\n" for each covered header, sorted by name)
           + b"\\n" + payload)

The first event of an aggregate carries the genesis hash (64 zeros).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

from schemas import envelope

if TYPE_CHECKING:
    from collections.abc import Mapping

_HASH_DOMAIN = b"tally-event-v1\n"
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")
_ENCODED_MARK = "~"


def event_hash(headers: Mapping[str, str], payload: bytes) -> str:
    """The SHA-256 (hex) that the next event of the same aggregate records as its previous hash."""
    digest = hashlib.sha256(_HASH_DOMAIN)
    for name in sorted(headers):
        if name == envelope.MSG_ID or name.startswith(envelope.ENVELOPE_PREFIX):
            digest.update(f"{name}:{headers[name]}\n".encode())
    digest.update(b"\n")
    digest.update(payload)
    return digest.hexdigest()


def subject_token(aggregate_id: str) -> str:
    """A NATS subject token for an aggregate id, one-to-one.

    UUIDs and other ids made of letters, digits, ``-`` and ``_`` are used as they are; any other id
    (dots, spaces, wildcards would break the subject) is base64url-encoded behind a ``~`` mark.
    """
    if _SAFE_TOKEN.fullmatch(aggregate_id):
        return aggregate_id
    encoded = base64.urlsafe_b64encode(aggregate_id.encode()).rstrip(b"=").decode()
    return _ENCODED_MARK + encoded


def aggregate_from_token(token: str) -> str:
    """The aggregate id back from its subject token."""
    if not token.startswith(_ENCODED_MARK):
        return token
    encoded = token[len(_ENCODED_MARK) :]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
