"""The log's signed checkpoints, checked from the records alone: each signature holds under a
known key, each head is the Merkle tree head of the events up to its position as they are now,
and each checkpoint extends the one before (its previous head is that one's). A changed,
dropped, inserted or reordered event before a checkpoint's position changes that head: the
problem names the checkpoint and the range of events it covers beyond the previous one. This
also covers the last event of an aggregate, which no hash chain follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from domain import merkle
from domain.checkpoint import EMPTY_HEAD, signature_holds
from domain.log_leaves import record_leaf
from schemas import envelope
from schemas.audit import AuditProblem
from schemas.audit_events import CheckpointRecorded
from schemas.events import decode_payload

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from schemas.audit import LogRecord

KIND = "checkpoint"


class CheckpointsSeen(msgspec.Struct, frozen=True, kw_only=True):
    problems: tuple[AuditProblem, ...]
    checkpoints: int
    covered: int
    """The last position a valid checkpoint signs (events after it are not covered yet)."""
    head: str = ""
    """That checkpoint's tree head, hex: what to publish for ``verify_export.py --head``."""


def check_checkpoints(records: Iterable[LogRecord], stream: str, public_keys: Mapping[str, str],
                      pseudonym_key: bytes) -> CheckpointsSeen:  # fmt: skip
    heads: list[bytes] = [merkle.EMPTY]
    """heads[i]: the tree head of the first i events."""
    frontier: merkle.Frontier = ()
    problems: list[AuditProblem] = []
    previous = (0, EMPTY_HEAD)
    count, covered, head = 0, 0, ""
    for record in records:
        if record.headers.get(envelope.EVENT_TYPE) == CheckpointRecorded.TAG:
            count += 1
            found = _check(record, stream, public_keys, heads, previous)
            problems += found
            checkpoint = _decoded(record)
            if checkpoint is not None:
                previous = (checkpoint.position, checkpoint.head)
                if not found:
                    covered, head = checkpoint.position, checkpoint.head
        frontier = merkle.extend(frontier, record_leaf(record, pseudonym_key))
        heads.append(merkle.frontier_root(frontier))
    return CheckpointsSeen(problems=tuple(problems), checkpoints=count, covered=covered,
                           head=head)  # fmt: skip


def _decoded(record: LogRecord) -> CheckpointRecorded | None:
    try:
        found = decode_payload(CheckpointRecorded.TAG, record.payload.encode())
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return found if isinstance(found, CheckpointRecorded) else None


def _check(record: LogRecord, stream: str, public_keys: Mapping[str, str], heads: list[bytes],
           previous: tuple[int, str]) -> list[AuditProblem]:  # fmt: skip
    checkpoint = _decoded(record)
    if checkpoint is None:
        return [AuditProblem(seq=record.seq, kind=KIND, message="the checkpoint does not read")]
    problems = []
    unsigned = signature_holds(public_keys, stream, checkpoint)
    if unsigned:
        problems.append(AuditProblem(seq=record.seq, kind=KIND, message=unsigned))
    if (checkpoint.previous_position, checkpoint.previous_head) != previous:
        problems.append(AuditProblem(seq=record.seq, kind=KIND, message=(
            f"extends the tree of {checkpoint.previous_position} events, but the checkpoint "
            f"before signs {previous[0]}")))  # fmt: skip
    if checkpoint.position >= len(heads):
        problems.append(
            AuditProblem(
                seq=record.seq,
                kind=KIND,
                message=(
                    f"signs {checkpoint.position} events, but only {len(heads) - 1} come before it"
                ),
            )
        )
    elif heads[checkpoint.position].hex() != checkpoint.head:
        problems.append(
            AuditProblem(
                seq=record.seq,
                kind=KIND,
                message=(
                    f"the events up to {checkpoint.position} are not those it signed: one of "
                    f"{previous[0] + 1}..{checkpoint.position} was changed, dropped, added or moved"
                ),
            )
        )
    return problems
