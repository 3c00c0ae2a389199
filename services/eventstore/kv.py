"""A NATS KV bucket through the JetStream API: read the latest value, write with or without an
expected revision (compare-and-set), delete. Keys are hashed by the callers (KV keys allow few
characters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas import envelope
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client

_OPERATION = "KV-Operation"


class KvBucket:
    def __init__(self, nc: Client, bucket: str, timeout_s: float) -> None:
        self._nc = nc
        self._stream = f"KV_{bucket}"
        self._prefix = f"$KV.{bucket}."
        self._timeout = timeout_s

    async def get(self, key: str) -> tuple[bytes | None, int]:
        """The value (None if absent or deleted) and its revision (0 if never written)."""
        found = await jsapi.leader_get(
            self._nc, self._stream, {"last_by_subj": self._prefix + key}, self._timeout
        )
        if found is None:
            return None, 0
        if found.headers.get(_OPERATION) in ("DEL", "PURGE"):
            return None, found.seq
        return found.data, found.seq

    async def put(self, key: str, value: bytes, expected: int | None = None) -> int | None:
        """The new revision, or None when ``expected`` is not the current revision."""
        headers = {} if expected is None else {
            envelope.EXPECTED_LAST_SUBJECT_SEQUENCE: str(expected)}  # fmt: skip
        try:
            return await jsapi.publish(self._nc, self._prefix + key, value, headers, self._timeout)
        except jsapi.ApiError as error:
            if error.err_code == jsapi.WRONG_LAST_SEQUENCE:
                return None
            raise

    async def delete(self, key: str) -> None:
        await jsapi.publish(self._nc, self._prefix + key, b"", {_OPERATION: "DEL"}, self._timeout)
