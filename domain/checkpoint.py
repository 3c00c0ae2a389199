"""Signed checkpoints of the log: what is signed, how a signature is checked, and the aggregate
whose events they are (one aggregate, so two writers of the same checkpoint conflict on its
version instead of both recording it).

The signed message (UTF-8), contract ``tally-checkpoint-v1``::

    tally-checkpoint-v1
    <stream>
    <position>
    <head hex>
    <previous position>
    <previous head hex>

each line ending in ``\\n``; Ed25519 (RFC 8032), the signature base64url without padding.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.domain import Aggregate, event

from domain import merkle
from domain.ids import checkpoints_id
from domain.tags import tag
from schemas import audit_events as ev  # noqa: TC001 - the events' annotations are read at runtime

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

VERSION: Final = "tally-checkpoint-v1"
EMPTY_HEAD: Final = merkle.EMPTY.hex()


def signed_message(stream: str, checkpoint: ev.CheckpointRecorded) -> bytes:
    lines = (VERSION, stream, str(checkpoint.position), checkpoint.head,
             str(checkpoint.previous_position), checkpoint.previous_head)  # fmt: skip
    return "".join(line + "\n" for line in lines).encode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_holds(public_keys: Mapping[str, str], stream: str,
                    checkpoint: ev.CheckpointRecorded) -> str:  # fmt: skip
    """ "" when the checkpoint's signature holds under the key it names, else why not.
    ``public_keys``: key id -> raw Ed25519 public key, base64url."""
    public = public_keys.get(checkpoint.key_id)
    if public is None:
        return f"signed with key {checkpoint.key_id!r}, which is not among the known keys"
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public))
        key.verify(unb64(checkpoint.signature), signed_message(stream, checkpoint))
    except (InvalidSignature, ValueError, binascii.Error):
        return f"the signature does not hold under key {checkpoint.key_id!r}"
    return ""


@tag("checkpoints")
class Checkpoints(Aggregate):
    class Started(Aggregate.Created):
        data: ev.CheckpointsStarted

    class Recorded(Aggregate.Event):
        data: ev.CheckpointRecorded

    @classmethod
    def create_id(cls) -> UUID:
        return checkpoints_id()

    @event(Started)
    def __init__(self, data: ev.CheckpointsStarted) -> None:
        self.stream = data.stream
        self.last: ev.CheckpointRecorded | None = None

    @event(Recorded)
    def record(self, data: ev.CheckpointRecorded) -> None:
        self.last = data
