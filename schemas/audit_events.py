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
