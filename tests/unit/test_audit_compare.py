"""The auditor's view comparison judges rows as the view store keeps them (JSON)."""

from __future__ import annotations

from projections.core import MemoryView, Put
from services.audit.verify import compare_views


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
