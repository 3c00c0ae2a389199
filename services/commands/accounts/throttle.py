"""Throttling of failed logins and step-up proofs, per account, per address and account, and per
address.

* Per login typed (known or not, so the answers do not tell accounts apart): after
  ``FREE_FAILURES`` failures each attempt waits longer (1, 2, 4 ... up to 5 minutes after the last
  failure); at ``LOCK_AT`` an existing account is locked until a coordinator (or an admin)
  unlocks it. A success clears it.
* Per address and login: the same delays, cleared when that login succeeds from anywhere. So the
  failures of one person behind an office's NAT never delay a colleague's login from there.
* Per address, over all logins (someone trying many accounts): delays only after
  ``SPRAY_FREE_FAILURES`` failures; the count starts over ``SPRAY_WINDOW`` after its last failure.

Failed step-up proofs count exactly like failed logins of that account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import msgspec

if TYPE_CHECKING:
    from services.eventstore.kv import KvBucket

FREE_FAILURES: Final = 3
LOCK_AT: Final = 10
MAX_DELAY: Final = dt.timedelta(minutes=5)
SPRAY_FREE_FAILURES: Final = 50
SPRAY_WINDOW: Final = dt.timedelta(minutes=15)


class Failures(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    last: dt.datetime


@dataclass(frozen=True)
class _Counter:
    key: str
    free: int
    forgets_after: dt.timedelta | None = None
    """Only the spray counter forgets by itself; the others end with a success or an unlock."""

    def live(self, failures: Failures | None, now: dt.datetime) -> Failures | None:
        if failures is None or self.forgets_after is None:
            return failures
        return failures if now - failures.last <= self.forgets_after else None


def _key(kind: str, *values: str) -> str:
    return hashlib.sha256(f"{kind}:{'|'.join(values)}".encode()).hexdigest()


def delay(count: int, base_s: float = 1.0, free: int = FREE_FAILURES) -> dt.timedelta:
    if count < free:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=base_s * 2 ** (count - free)), MAX_DELAY)


class Throttle:
    def __init__(self, kv: KvBucket, base_delay_s: float = 1.0) -> None:
        """``base_delay_s`` (``TALLY_LOGIN_BACKOFF_S``): the first delay; drills may shorten it."""
        self._kv = kv
        self._base = base_delay_s

    @staticmethod
    def _counters(login: str, address: str) -> tuple[_Counter, ...]:
        return (
            _Counter(_key("login", login), FREE_FAILURES),
            _Counter(_key("address-login", address, login), FREE_FAILURES),
            _Counter(_key("address", address), SPRAY_FREE_FAILURES, SPRAY_WINDOW),
        )

    async def wait(self, login: str, address: str, now: dt.datetime) -> int:
        """Seconds to wait before this attempt may be judged (0: go ahead)."""
        longest = dt.timedelta(0)
        for counter in self._counters(login, address):
            failures = counter.live((await self._read(counter.key))[0], now)
            if failures is not None:
                waited = failures.last + delay(failures.count, self._base, counter.free) - now
                longest = max(longest, waited)
        return max(0, int(-(-longest.total_seconds() // 1)))

    async def count(self, login: str) -> int:
        failures, _ = await self._read(_key("login", login))
        return failures.count if failures else 0

    async def fail(self, login: str, address: str, now: dt.datetime) -> int:
        """Count a failure on every counter; returns the login's count."""
        counts = [await self._increment(counter, now)
                  for counter in self._counters(login, address)]  # fmt: skip
        return counts[0]

    async def clear(self, login: str, address: str | None = None) -> None:
        """A success (or an unlock) ends the login's counters; the spray counter stays."""
        await self._kv.delete(_key("login", login))
        if address is not None:
            await self._kv.delete(_key("address-login", address, login))

    async def _read(self, key: str) -> tuple[Failures | None, int | None]:
        raw, revision = await self._kv.get(key)
        return (msgspec.json.decode(raw, type=Failures) if raw else None), revision

    async def _increment(self, counter: _Counter, now: dt.datetime) -> int:
        count = 1
        for _ in range(5):
            previous, revision = await self._read(counter.key)
            live = counter.live(previous, now)
            count = (live.count if live else 0) + 1
            failure = msgspec.json.encode(Failures(count=count, last=now))
            if await self._kv.put(counter.key, failure, revision) is not None:
                return count
        return count
