"""Idempotent commands: the client's ``Idempotency-Key``, recorded in a NATS KV bucket
(``<NATS_STREAM>_IDEMPOTENCY``, 48 h) with a hash of the request and, once known, its outcome.

* First request: the key is claimed (compare-and-set on "no entry") as *pending*, the command runs,
  the outcome replaces the claim.
* A retry with the same request gets the recorded outcome, marked replayed, and nothing runs again.
* The same key with another request is a conflict (409); nothing runs.
* A retry while the first is still running is told to retry shortly. A claim left pending longer
  than ``stale_after_s`` (its process died) is taken over and the command runs again: the domain
  then answers from the recorded state (an already-submitted protocol is refused as such).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import msgspec

from schemas import envelope
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client

PENDING: Final = "pending"
DONE: Final = "done"


class IdempotencyRecord(msgspec.Struct, frozen=True, kw_only=True):
    request: str
    state: str
    started_at: dt.datetime
    outcome: bytes = b""


@dataclass(frozen=True)
class Claim:
    """``new`` (run it), ``replay`` (answer ``outcome``), ``conflict`` or ``in-progress``."""

    verdict: str
    outcome: bytes = b""
    revision: int = 0


def request_hash(subject: str, body: bytes) -> str:
    return hashlib.sha256(subject.encode() + b"\n" + body).hexdigest()


class IdempotencyStore:
    def __init__(
        self, nc: Client, *, bucket: str, request_timeout_s: float, stale_after_s: float
    ) -> None:
        self._nc = nc
        self._stream = f"KV_{bucket}"
        self._prefix = f"$KV.{bucket}."
        self._timeout = request_timeout_s
        self._stale_after = dt.timedelta(seconds=stale_after_s)

    def _subject(self, key: str) -> str:
        # Client keys may hold any character; KV keys few: the key is stored by its hash.
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    async def claim(self, key: str, request: str, now: dt.datetime) -> Claim:
        for _ in range(3):
            found = await jsapi.leader_get(
                self._nc, self._stream, {"last_by_subj": self._subject(key)}, self._timeout
            )
            revision = found.seq if found else 0
            if found is not None and found.data:
                record = msgspec.json.decode(found.data, type=IdempotencyRecord)
                if record.request != request:
                    return Claim("conflict")
                if record.state == DONE:
                    return Claim("replay", record.outcome)
                if now - record.started_at < self._stale_after:
                    return Claim("in-progress")
            pending = IdempotencyRecord(request=request, state=PENDING, started_at=now)
            written = await self._write(key, pending, revision)
            if written is not None:
                return Claim("new", revision=written)
        return Claim("in-progress")

    async def finish(
        self, key: str, request: str, outcome: bytes, claim: Claim, now: dt.datetime
    ) -> None:
        done = IdempotencyRecord(request=request, state=DONE, started_at=now, outcome=outcome)
        await self._write(key, done, claim.revision)

    async def _write(self, key: str, record: IdempotencyRecord, revision: int) -> int | None:
        """The record's revision, or None when someone else wrote the key first."""
        try:
            return await jsapi.publish(
                self._nc,
                self._subject(key),
                msgspec.json.encode(record),
                {envelope.EXPECTED_LAST_SUBJECT_SEQUENCE: str(revision)},
                self._timeout,
            )
        except jsapi.ApiError as error:
            if error.err_code == jsapi.WRONG_LAST_SEQUENCE:
                return None
            raise
