"""Checking the log and the views from the log alone.

* The log: sequences contiguous from 1 and in order; every aggregate's versions 1, 2, 3 ...; every
  event's ``Tally-Previous-Hash`` equal to the hash of the aggregate's previous event (the genesis
  hash for the first). Altering, dropping or reordering an event breaks one of these at the
  event itself or at the one after it in its aggregate; each problem names that sequence.
* The views: every projection folded again in memory from the records, up to the position the
  live view has committed, then compared row by row; a differing row names the last sequence
  that changed it in the rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

import projections
from projections.core import MemoryView, view_name
from schemas import envelope
from schemas.audit import AuditProblem
from services.apps.log_records import to_message
from services.eventstore.envelope import event_hash
from services.projector.decode import to_event

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from schemas.audit import LogRecord


@dataclass
class _Last:
    seq: int
    version: int
    hash: str


def check_log(records: Iterable[LogRecord]) -> tuple[list[AuditProblem], int, int]:
    """Problems, number of events, number of aggregates."""
    problems: list[AuditProblem] = []
    expected, count = 1, 0
    last: dict[str, _Last] = {}
    keyed: dict[str, tuple[str, int]] = {}
    for record in records:
        count += 1
        problems += _check_key(record, keyed)
        if record.seq > expected:
            problems.append(AuditProblem(seq=expected, kind="gap", message=(
                f"sequences {expected}..{record.seq - 1} are missing")))  # fmt: skip
        elif record.seq < expected:
            problems.append(AuditProblem(seq=record.seq, kind="order", message=(
                f"sequence {record.seq} comes after {expected - 1}")))  # fmt: skip
        expected = max(expected, record.seq + 1)
        problems += _check_chain(record, last)
    return problems, count, len(last)


def _check_key(record: LogRecord, keyed: dict[str, tuple[str, int]]) -> list[AuditProblem]:
    """An idempotency key belongs to one save (one correlation): found on a second, a command
    was recorded twice, or a retry was answered with another request's events."""
    key = record.headers.get(envelope.IDEMPOTENCY_KEY)
    if not key:
        return []
    save = record.headers.get(envelope.CORRELATION_ID, "")
    first = keyed.setdefault(key, (save, record.seq))
    if first[0] == save:
        return []
    return [AuditProblem(seq=record.seq, kind="idempotency", message=(
        f"idempotency key {key!r} is on sequence {first[1]} already, another save's"))]  # fmt: skip


def _check_chain(record: LogRecord, last: dict[str, _Last]) -> list[AuditProblem]:
    headers = record.headers
    aggregate = headers.get(envelope.AGGREGATE_ID, "")
    written = headers.get(envelope.AGGREGATE_VERSION, "0")
    version = int(written) if written.isdigit() else 0
    previous = last.get(aggregate)
    problems = []
    if not written.isdigit():
        problems.append(AuditProblem(seq=record.seq, kind="envelope", message=(
            f"{aggregate}: aggregate version {written!r} is not a number")))  # fmt: skip
    if version != (previous.version + 1 if previous else 1):
        after = f"version {previous.version} (sequence {previous.seq})" if previous else "nothing"
        problems.append(AuditProblem(seq=record.seq, kind="version", message=(
            f"{aggregate} version {version} follows {after}")))  # fmt: skip
    recorded = headers.get(envelope.PREVIOUS_HASH, "")
    if recorded != (previous.hash if previous else envelope.GENESIS_HASH):
        culprit = previous.seq if previous else record.seq
        problems.append(AuditProblem(seq=culprit, kind="chain", message=(
            f"sequence {record.seq} ({aggregate} v{version}) records a previous hash that "
            f"sequence {culprit} does not have: altered, replaced or out of place")))  # fmt: skip
    last[aggregate] = _Last(record.seq, version, event_hash(headers, record.payload.encode()))
    return problems


Rebuilt = dict[str, tuple[MemoryView, dict[tuple[str, str], int]]]


def fold_views(
    records: Iterable[LogRecord], positions: Mapping[str, int]
) -> tuple[Rebuilt, list[AuditProblem]]:
    """Every projection rebuilt in memory up to ``positions[view]`` (all when absent), with the
    sequence that last changed each row; and the events that could not be folded, each a problem
    at its sequence (a payload that is not its type's, an envelope the folds cannot read)."""
    folded: dict[str, tuple[Any, MemoryView, dict[tuple[str, str], int]]] = {
        view_name(p): (p, MemoryView(), {}) for p in projections.ALL
    }
    problems: list[AuditProblem] = []
    for record in records:
        try:
            event = to_event(to_message(record))
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            problems.append(AuditProblem(seq=record.seq, kind="payload", message=(
                f"the payload is not a {record.headers.get(envelope.EVENT_TYPE, '?')}: "
                f"{error}")))  # fmt: skip
            continue
        for name, (projection, view, touched) in folded.items():
            if record.seq > positions.get(name, record.seq):
                continue
            try:
                changes = projection.apply(view, event)
            except (ValueError, KeyError, TypeError) as error:
                problems.append(AuditProblem(seq=record.seq, kind="fold", message=(
                    f"{name} cannot fold this event: {error!r}")))  # fmt: skip
                continue
            view.commit(changes, record.seq)
            touched.update(((c.table, c.key), record.seq) for c in changes)
    return {name: (view, touched) for name, (_, view, touched) in folded.items()}, problems


def _as_stored(row: Any) -> Any:
    """A rebuilt row as the view store keeps it (JSON: tuples become lists)."""
    return msgspec.json.decode(msgspec.json.encode(row))


def compare_views(
    rebuilt: Rebuilt,
    live: Mapping[str, dict[tuple[str, str], dict[str, Any]]],
) -> list[AuditProblem]:
    problems = []
    for name, rows in live.items():
        view, touched = rebuilt[name]
        for key in sorted(set(rows) | set(view.rows)):
            if rows.get(key) != _as_stored(view.rows.get(key)):
                state = "missing from the live view" if key not in rows else (
                    "not in the rebuild" if key not in view.rows else "different")  # fmt: skip
                problems.append(AuditProblem(seq=touched.get(key, 0), kind="view", message=(
                    f"{name} {key[0]} {key[1]!r}: {state}")))  # fmt: skip
    return problems
