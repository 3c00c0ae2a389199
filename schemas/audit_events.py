"""Payloads of the auditors' events in the election stream: what a verification of the log
found, recorded so every gateway and every later auditor sees the same verdict."""

from __future__ import annotations

from typing import ClassVar

import msgspec


class LogVerified(msgspec.Struct, frozen=True, kw_only=True):
    """One run of ``tally audit verify`` on the live log: up to which sequence, what it counted,
    what it found (per kind, and the first few problems word for word)."""

    TAG: ClassVar[str] = "audit.log_verified.v1"

    run: str
    """The run's own id (each run is an aggregate of its own: runs never race)."""
    up_to: int
    """The last sequence checked: everything after it is not covered by this verdict."""
    events: int
    aggregates: int
    problems: int
    kinds: dict[str, int]
    """Problems per kind (gap, order, version, chain, view, result)."""
    first_problems: tuple[str, ...]
    """Up to ``FIRST_PROBLEMS`` problems as ``seq N [kind] message``."""
    views_compared: dict[str, int]
    results_recomputed: int


FIRST_PROBLEMS = 5


class CheckpointsStarted(msgspec.Struct, frozen=True, kw_only=True):
    """The log's checkpoints begin (the aggregate's first event)."""

    TAG: ClassVar[str] = "audit.checkpoints_started.v1"

    stream: str


class CheckpointRecorded(msgspec.Struct, frozen=True, kw_only=True):
    """A signed head of the log's Merkle tree (``domain.merkle``, leaves ``domain.log_leaves``)
    over every event from sequence 1 to ``position``, and the head it extends."""

    TAG: ClassVar[str] = "audit.checkpoint.v1"

    position: int
    head: str
    """The tree head, hex."""
    previous_position: int
    previous_head: str
    """The checkpoint before (0 and the empty tree's head for the first)."""
    key_id: str
    signature: str
    """Ed25519 over ``domain.checkpoint.signed_message``, base64url without padding."""
    frontier: tuple[tuple[int, str], ...]
    """The tree's complete subtrees (leaves, head hex): the next checkpoint continues from here."""
