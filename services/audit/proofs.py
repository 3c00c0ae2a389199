"""Inclusion proofs: that one event, as the public sees it, is in the log a signed checkpoint
stands for (format ``tally.inclusion-proof.v1``, JSON).

A proof carries the event's public part and the hash of its private part
(``domain.log_leaves``), its place, the audit path (``domain.merkle``), the checkpoint with its
signature and the public keys. Anyone checks it with these alone; ``check`` says what holds
and what does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from domain import merkle
from domain.checkpoint import signature_holds
from domain.log_leaves import (
    PublicEvent,
    encoded,
    leaf,
    private_part,
    public_part,
    record_leaf,
    sha256,
)
from schemas import envelope
from schemas.audit_events import CheckpointRecorded
from schemas.events import decode_payload

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from schemas.audit import LogRecord

FORMAT = "tally.inclusion-proof.v1"


class InclusionProof(msgspec.Struct, frozen=True, kw_only=True):
    format: str = FORMAT
    stream: str
    event: PublicEvent
    private_hash: str
    """SHA-256 of the event's private part, hex."""
    index: int
    """The leaf's place (the event's sequence - 1)."""
    size: int
    path: tuple[str, ...]
    checkpoint: CheckpointRecorded
    checkpoint_seq: int
    public_keys: dict[str, str]


class ProofError(ValueError):
    """No proof can be made: the message says why (no such event, none signed yet)."""


def latest_checkpoint(records: Sequence[LogRecord]) -> tuple[int, CheckpointRecorded] | None:
    for record in reversed(records):
        if record.headers.get(envelope.EVENT_TYPE) == CheckpointRecorded.TAG:
            found = decode_payload(CheckpointRecorded.TAG, record.payload.encode())
            if isinstance(found, CheckpointRecorded):
                return record.seq, found
    return None


def prove(records: Sequence[LogRecord], seq: int, *, stream: str, pseudonym_key: bytes,
          public_keys: Mapping[str, str]) -> InclusionProof:  # fmt: skip
    latest = latest_checkpoint(records)
    if latest is None:
        raise ProofError("no checkpoint signs the log yet")
    at, checkpoint = latest
    if not 1 <= seq <= checkpoint.position:
        raise ProofError(f"the latest checkpoint (sequence {at}) signs events 1..."
                         f"{checkpoint.position}; {seq} is not among them")  # fmt: skip
    covered = records[: checkpoint.position]
    if [r.seq for r in covered[-1:]] != [checkpoint.position]:
        raise ProofError("the log read has gaps before the checkpoint's position")
    leaves = [record_leaf(r, pseudonym_key) for r in covered]
    record = covered[seq - 1]
    return InclusionProof(
        stream=stream, event=public_part(record, pseudonym_key),
        private_hash=sha256(encoded(private_part(record))).hex(), index=seq - 1,
        size=checkpoint.position,
        path=tuple(h.hex() for h in merkle.inclusion_proof(leaves, seq - 1)),
        checkpoint=checkpoint, checkpoint_seq=at, public_keys=dict(public_keys),
    )  # fmt: skip


def check(proof: InclusionProof, public_keys: Mapping[str, str]) -> list[str]:
    """Every reason the proof fails (none: it holds) against ``public_keys``."""
    problems = []
    if proof.format != FORMAT:
        problems.append(f"format {proof.format!r} is not {FORMAT}")
    if proof.event.seq != proof.index + 1:
        problems.append(f"the event says sequence {proof.event.seq}, its place {proof.index + 1}")
    if proof.size != proof.checkpoint.position:
        problems.append(f"the path is for a tree of {proof.size}, the checkpoint signs "
                        f"{proof.checkpoint.position}")  # fmt: skip
    unsigned = signature_holds(public_keys, proof.stream, proof.checkpoint)
    if unsigned:
        problems.append(unsigned)
    try:
        event_leaf = leaf(sha256(encoded(proof.event)), bytes.fromhex(proof.private_hash))
        path = [bytes.fromhex(h) for h in proof.path]
        head = bytes.fromhex(proof.checkpoint.head)
    except ValueError:
        return [*problems, "a hash in the proof is not hex"]
    if not merkle.included(event_leaf, proof.index, proof.size, path, head):
        problems.append("the event is not in the tree the checkpoint signs (path or event "
                        "changed)")  # fmt: skip
    return problems
