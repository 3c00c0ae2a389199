"""What auditors get: the log as JSON lines, and what verification finds."""

from __future__ import annotations

import msgspec


class LogRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One stored event, exactly as the stream holds it: ``payload`` is the stored JSON text."""

    seq: int
    subject: str
    headers: dict[str, str]
    payload: str


class AuditProblem(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """``kind``: gap, order, version, chain, view, result. ``seq``: where it shows (0 when
    nowhere)."""

    seq: int
    kind: str
    message: str


class AuditReport(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    aggregates: int
    views_compared: dict[str, int]
    """View name -> the position it was compared at."""
    problems: tuple[AuditProblem, ...]
    results_recomputed: int = 0
    """Established results computed again from the log (``services.audit.results_check``)."""
    checkpoints: int = 0
    """Signed checkpoints checked (``services.audit.checkpoints_check``)."""
    covered: int = 0
    """The last position a valid checkpoint signs: events after it are signed by none yet."""
    head: str = ""
    """Its tree head (hex): published with ``covered`` as ``covered:head``, anyone checks a
    public export against it (``tools/verify_export.py --head``)."""
