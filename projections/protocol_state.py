"""A protocol's state as the views follow it: its place, status and the numbers of its current
version. Shared by the tally and progress projections (each keeps its own copy in its tables)."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from schemas import protocol_events as ev
from schemas.protocol import COUNT_FIELDS, ProtocolStatus, Severity

if TYPE_CHECKING:
    from projections.core import Event
    from schemas.protocol import Finding, ProtocolContent

PROTOCOL_EVENTS: Final = (
    ev.ProtocolSubmitted, ev.ProtocolCorrected, ev.HardWarningsApproved, ev.ProtocolConfirmed,
    ev.ConfirmationWithdrawn, ev.ProtocolRejected,
)  # fmt: skip
"""The payloads that move a protocol's state (``isinstance(event.data, PROTOCOL_EVENTS)``)."""
_STATUS_AFTER: Final = {
    ev.HardWarningsApproved: ProtocolStatus.ACCEPTED,
    ev.ProtocolConfirmed: ProtocolStatus.CONFIRMED,
    ev.ConfirmationWithdrawn: ProtocolStatus.ACCEPTED,
    ev.ProtocolRejected: ProtocolStatus.REJECTED,
}


_COUNTS: Final = attrgetter(*COUNT_FIELDS)
_MEMO_SIZE: Final = 4096
_memo: dict[int, tuple[ProtocolContent, dict[str, int]]] = {}


def numbers(content: ProtocolContent) -> dict[str, int]:
    """Every number of a protocol under a flat name: counts, ``c.<pos>``, ``l.<n>``,
    ``l.<n>.<pos>``.

    Several views fold the same events, one view after another over a batch: the vector of a
    content is made once and the same (never modified) dict handed to each. The memo holds the
    content itself, so its id cannot be reused while the entry lives."""
    found = _memo.get(id(content))
    if found is not None and found[0] is content:
        return found[1]
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    vector = _vector(content)
    _memo[id(content)] = (content, vector)
    return vector


def _vector(content: ProtocolContent) -> dict[str, int]:
    vector = {
        name: value
        for name, value in zip(COUNT_FIELDS, _COUNTS(content), strict=True)
        if value is not None
    }
    vector |= {f"c.{entry.position}": entry.votes for entry in content.candidates}
    for votes in content.lists:
        vector[f"l.{votes.number}"] = votes.total
        vector |= {f"l.{votes.number}.{c.position}": c.votes for c in votes.candidates}
    return vector


def _status_of_version(findings: tuple[Finding, ...]) -> str:
    hard = any(f.severity is Severity.HARD_WARNING for f in findings)
    return ProtocolStatus.AWAITING_APPROVAL if hard else ProtocolStatus.ACCEPTED


def next_state(previous: dict[str, Any] | None, event: Event) -> dict[str, Any] | None:
    """The protocol's state after ``event``; None when the event is not a protocol's."""
    data = event.data
    if isinstance(data, ev.ProtocolSubmitted):
        key = data.key
        return {
            "election": key.election,
            "teryt": key.teryt,
            "precinct": key.precinct,
            "contest": key.contest,
            "district": key.district,
            "round": key.round,
            "status": _status_of_version(data.findings),
            "version": 1,
            "numbers": numbers(data.content),
            "warnings": _open_warnings(data.findings),
            "corrected_after_confirmation": False,
        }
    if previous is None or not isinstance(data, PROTOCOL_EVENTS):
        return None
    state = dict(previous)
    if isinstance(data, ev.ProtocolCorrected):
        state |= {
            "status": _status_of_version(data.findings),
            "version": data.version,
            "numbers": numbers(data.content),
            "warnings": _open_warnings(data.findings),
        }
        if data.confirmation_withdrawn:
            state["corrected_after_confirmation"] = True
    else:
        state["status"] = _STATUS_AFTER[type(data)]
    return state


def _open_warnings(findings: tuple[Finding, ...]) -> int:
    return sum(f.severity is not Severity.ERROR for f in findings)
