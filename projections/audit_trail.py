"""The audit trail: every event in order with who (actor, role), how (channel), when (server
time), where (election, gmina, precinct, contest, district, round) and what changed against the
aggregate's previous version (for protocols: every number that differs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from projections.protocol_state import numbers
from schemas import protocol_events as ev

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "audit"
VERSION: Final = 2
ENTRIES, LATEST = "entries", "latest"
TABLES: Final = (ENTRIES, LATEST)


def entry_key(seq: int) -> str:
    return f"{seq:012d}"


def apply(view: View, event: Event) -> list[Change]:
    envelope, routing = event.envelope, event.routing
    entry: dict[str, Any] = {
        "seq": event.seq,
        "time": envelope.get("recorded_at", ""),
        "actor": envelope.get("actor", ""),
        "role": envelope.get("role", ""),
        "channel": envelope.get("channel", ""),
        "event": event.tag,
        "aggregate": event.aggregate_id,
        "version": int(envelope.get("version", "0") or 0),
        "election": routing.get("election", ""),
        "gmina": routing.get("gmina", ""),
        "precinct": routing.get("precinct", ""),
        "contest": routing.get("contest", ""),
        "district": routing.get("district", ""),
        "round": routing.get("round", ""),
        "changes": {},
    }
    changes: list[Change] = []
    if isinstance(event.data, ev.ProtocolSubmitted | ev.ProtocolCorrected):
        now = numbers(event.data.content)
        before = (view.get(LATEST, event.aggregate_id) or {"numbers": {}})["numbers"]
        # A name whose value differs is in the symmetric difference of the (name, value) pairs.
        differing = {name for name, _ in before.items() ^ now.items()}
        entry["changes"] = {name: [before.get(name), now.get(name)] for name in sorted(differing)}
        changes.append(Put(LATEST, event.aggregate_id, {"numbers": now}))
    elif event.data is not None:
        entry["changes"] = _summary(event.data)
    return [Put(ENTRIES, entry_key(event.seq), entry), *changes]


def _summary(data: Any) -> dict[str, Any]:
    """The event's own small facts (reasons, codes, notes), secrets never included."""
    fields = ("reason", "method", "control_code", "note", "codes", "version", "alert", "digest",
              "same_person", "gmina", "allowed")  # fmt: skip
    found = {name: getattr(data, name) for name in fields if hasattr(data, name)}
    if found.get("same_person") is False:
        del found["same_person"]  # marked only where it happened
    return found
