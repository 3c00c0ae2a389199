"""The audit trail: every event in order with who (actor, role), how (channel), when (server
time), its link in its aggregate's hash chain (the previous event's hash), where (election, gmina,
precinct, contest, district, round) and what changed against the aggregate's previous version (for
protocols: every number that differs); and the verdict of the last verification of the log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec

from projections.core import Change, Put
from projections.protocol_state import numbers
from schemas import protocol_events as ev
from schemas.audit_events import LogVerified

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "audit"
VERSION: Final = 3
ENTRIES, LATEST, VERIFIED = "entries", "latest", "verified"
TABLES: Final = (ENTRIES, LATEST, VERIFIED)
LAST_VERIFICATION: Final = "last"
"""The key of the one row of ``verified``: the last recorded verification of the log."""


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
        "previous_hash": envelope.get("previous_hash", ""),
        "correlation_id": envelope.get("correlation_id", ""),
        "election": routing.get("election", ""),
        "gmina": routing.get("gmina", ""),
        "precinct": routing.get("precinct", ""),
        "contest": routing.get("contest", ""),
        "district": routing.get("district", ""),
        "round": routing.get("round", ""),
        "changes": {},
    }
    changes: list[Change] = []
    if isinstance(event.data, LogVerified):
        verdict = msgspec.to_builtins(event.data)
        entry["changes"] = {"up_to": event.data.up_to, "problems": event.data.problems}
        row = {**verdict, "seq": event.seq, "time": entry["time"], "actor": entry["actor"]}
        changes.append(Put(VERIFIED, LAST_VERIFICATION, row))
    elif isinstance(event.data, ev.ProtocolSubmitted | ev.ProtocolCorrected):
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
