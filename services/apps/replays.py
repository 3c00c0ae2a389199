"""Idempotency from the log itself: what a command sent under an ``Idempotency-Key`` was
answered, read back from the events it recorded.

A save under a key carries the key (``Tally-Idempotency-Key``) and the request's hash
(``Tally-Request-Hash``) in its events' envelope, and its first event's ``Nats-Msg-Id`` is the
key's (``services.eventstore.eventlog``). So a retry finds its outcome in the target aggregate's
own events, also after a restart and long after any duplicate window, at no cost beyond one read
of the aggregate, and nothing else is written for it: one durable write per accepted command.
Refusals record nothing and are judged again. The same key with another request is a conflict:
for the same aggregate forever, for another aggregate within the stream's duplicate window
(``NATS_DUPLICATE_WINDOW``, where the server recognises the key's message id).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import msgspec

from domain.alert_review import review_id
from domain.ids import protocol_id, turnout_id
from schemas.commands import AcknowledgeAlert, CorrectTurnout, Outcome, ReportTurnout
from schemas.problems import Problem

if TYPE_CHECKING:
    from uuid import UUID

    from services.eventstore.history import Recorded

KEY_REUSED = Problem(path="$", rule="idempotency.key_reused",
                     message="this Idempotency-Key was used for another request")  # fmt: skip


def request_hash(subject: str, body: bytes) -> str:
    """The fingerprint of a request: its subject and its canonical encoding."""
    return hashlib.sha256(subject.encode() + b"\n" + body).hexdigest()


def target_of(command: Any) -> UUID:
    """The aggregate a command changes (every command changes exactly one)."""
    if isinstance(command, AcknowledgeAlert):
        return review_id(command.key.alert)
    k = command.key
    if isinstance(command, ReportTurnout | CorrectTurnout):
        return turnout_id(k.election, k.teryt, k.precinct, k.round)
    return protocol_id(k.election, k.teryt, k.precinct, k.contest, k.district, k.round)


def recorded_under(
    history: list[Recorded], key: str, fingerprint: str
) -> tuple[Recorded | None, Outcome | None]:
    """The event recorded under ``key`` (the last of its save), or a conflict when it was
    recorded for another request."""
    found = [r for r in history if r.idempotency_key == key]
    if not found:
        return None, None
    if found[-1].request_hash != fingerprint:
        return None, Outcome(status="conflict", problems=(KEY_REUSED,))
    return found[-1], None


def replayed(outcome: Outcome) -> Outcome:
    return msgspec.structs.replace(outcome, replayed=True)
