"""Password hashing with argon2id. The cost is a setting: ``TALLY_PASSWORD_HASH=production``
(default; RFC 9106's second recommended option, 64 MiB) or ``fast`` for tests and drills, which
the services announce with a warning when they start.

At most ``TALLY_HASH_CONCURRENCY`` hashes run at once (default: one per CPU): each takes 64 MiB
and most of a core, so a burst of activations (96 at once grew the server from 79 MB to 1.8 GB)
waits its turn instead of exhausting memory and stalling every login.
"""

from __future__ import annotations

import asyncio
import os
from typing import Final

import argon2
import structlog

log = structlog.get_logger("accounts.passwords")

COSTS: Final = {
    "production": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2},
    "fast": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


class Passwords:
    def __init__(self, strength: str = "production", concurrency: int | None = None) -> None:
        """``strength``: a key of ``COSTS``; ``concurrency``: hashes at once (one per CPU)."""
        self._slots = asyncio.Semaphore(concurrency or os.cpu_count() or 2)
        if strength not in COSTS:
            raise ValueError(f"password hash strength {strength!r}: use production or fast")
        self.strength = strength
        cost = COSTS[self.strength]
        self._hasher = argon2.PasswordHasher(
            time_cost=cost["time_cost"],
            memory_cost=cost["memory_cost"],
            parallelism=cost["parallelism"],
            type=argon2.Type.ID,
        )
        # Verifying against this when the account does not exist costs the same time.
        self._decoy = self._hasher.hash("not a password of anyone")
        if self.strength != "production":
            log.warning(
                "accounts.weak_password_hashing", strength=self.strength, costs=COSTS[self.strength]
            )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hashed(self, password: str) -> str:
        """``hash`` in a worker thread, within the concurrency bound."""
        async with self._slots:
            return await asyncio.to_thread(self.hash, password)

    async def verified(self, stored: str | None, password: str) -> bool:
        """``verify`` in a worker thread, within the concurrency bound."""
        async with self._slots:
            return await asyncio.to_thread(self.verify, stored, password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
