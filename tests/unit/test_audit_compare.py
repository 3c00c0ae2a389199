"""The auditor's checks: views compared as the view store keeps them (JSON); idempotency keys
belong to one save."""

from __future__ import annotations

from projections.core import MemoryView, Put
from schemas import envelope
from schemas.audit import LogRecord
from services.audit.verify import check_log, compare_views


def _rebuilt(row: dict[str, object]) -> dict[str, tuple[MemoryView, dict[tuple[str, str], int]]]:
    view = MemoryView()
    view.commit([Put("entries", "000000000157", row)], 157)
    return {"audit_v1": (view, {("entries", "000000000157"): 157})}


def test_a_tuple_folded_in_memory_equals_the_list_the_store_returns() -> None:
    """Found by a drill: approvals carry rule codes as a tuple; SQLite gives back a list."""
    rebuilt = _rebuilt({"changes": {"codes": ("R306", "R309")}})
    live = {"audit_v1": {("entries", "000000000157"): {"changes": {"codes": ["R306", "R309"]}}}}
    assert [] == compare_views(rebuilt, live)


def test_a_real_difference_is_reported_at_its_sequence() -> None:
    rebuilt = _rebuilt({"changes": {"codes": ("R306", "R309")}})
    live = {"audit_v1": {("entries", "000000000157"): {"changes": {"codes": ["R306"]}}}}
    (problem,) = compare_views(rebuilt, live)
    assert (157, "view") == (problem.seq, problem.kind)


def _keyed(seq: int, key: str, save: str) -> LogRecord:
    return LogRecord(
        seq=seq,
        subject=f"T.events.a{seq}",
        payload="{}",
        headers={envelope.IDEMPOTENCY_KEY: key, envelope.CORRELATION_ID: save},
    )


def test_an_idempotency_key_on_two_saves_is_reported_at_the_second() -> None:
    """One save's events share a key; the same key on another save means a command was
    recorded twice (or a retry answered with another's events)."""
    records = [_keyed(1, "k1", "save-a"), _keyed(2, "k1", "save-a"), _keyed(3, "k2", "save-b"),
               _keyed(4, "k1", "save-c")]  # fmt: skip
    problems, _, _ = check_log(records)
    assert [(4, "idempotency")] == [(p.seq, p.kind) for p in problems if p.kind == "idempotency"]
