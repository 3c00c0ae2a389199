"""Login throttling per account (by the login typed, known or not) and per client address.

After ``FREE_FAILURES`` failures each attempt must wait longer (1, 2, 4 ... up to 5 minutes after
the last failure); at ``LOCK_AT`` failures an existing account is locked until a coordinator (or
an admin) unlocks it. Unknown logins are counted the same way, so the answers do not tell
accounts apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Final

import msgspec

if TYPE_CHECKING:
    from services.kv import KvBucket

FREE_FAILURES: Final = 3
LOCK_AT: Final = 10
MAX_DELAY: Final = dt.timedelta(minutes=5)


class Failures(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    last: dt.datetime


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def delay(count: int, base_s: float = 1.0) -> dt.timedelta:
    if count < FREE_FAILURES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=base_s * 2 ** (count - FREE_FAILURES)), MAX_DELAY)


class Throttle:
    def __init__(self, kv: KvBucket, base_delay_s: float = 1.0) -> None:
        """``base_delay_s`` (``TALLY_LOGIN_BACKOFF_S``): the first delay; drills may shorten it."""
        self._kv = kv
        self._base = base_delay_s

    async def wait(self, login: str, address: str, now: dt.datetime) -> int:
        """Seconds to wait before this attempt may be judged (0: go ahead)."""
        longest = dt.timedelta(0)
        for key in (_key("login", login), _key("address", address)):
            failures = await self._read(key)
            if failures is not None:
                longest = max(longest, failures.last + delay(failures.count, self._base) - now)
        return max(0, int(-(-longest.total_seconds() // 1)))

    async def count(self, login: str) -> int:
        failures = await self._read(_key("login", login))
        return failures.count if failures else 0

    async def fail(self, login: str, address: str, now: dt.datetime) -> int:
        """Count a failure for both; returns the login's count."""
        counts = [await self._increment(key, now)
                  for key in (_key("login", login), _key("address", address))]  # fmt: skip
        return counts[0]

    async def clear(self, login: str) -> None:
        await self._kv.delete(_key("login", login))

    async def _read(self, key: str) -> Failures | None:
        raw, _ = await self._kv.get(key)
        return msgspec.json.decode(raw, type=Failures) if raw else None

    async def _increment(self, key: str, now: dt.datetime) -> int:
        for _ in range(5):
            raw, revision = await self._kv.get(key)
            count = (msgspec.json.decode(raw, type=Failures).count if raw else 0) + 1
            written = await self._kv.put(
                key, msgspec.json.encode(Failures(count=count, last=now)), revision
            )
            if written is not None:
                return count
        return count
