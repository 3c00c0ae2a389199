"""Public screens, built once per change: each gmina's screen (per language) is kept rendered
with a fingerprint of what it shows. A request within a second of the last check gets the kept
bytes without asking anything; later, one request per screen (the others wait for it) reads the
views and the results again and renders only when the fingerprint moved. So a thousand viewers
cost the server what one costs, and a screen is rendered once per change of what it shows (log
positions left out: a protocol elsewhere in the country changes nothing here)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final

CHECK_S: Final = 1.0
"""How long a screen is served as it is before what it shows is read again."""

ScreenKey = tuple[str, str, str]
"""Election, TERYT, language."""


@dataclass
class Screen:
    body: bytes
    fingerprint: str
    checked: float
    """When what it shows was last read (monotonic seconds)."""
    built_at: float
    """When it was last rendered (wall clock, seconds): the time the screen shows."""

    @property
    def etag(self) -> str:
        return f'"{self.fingerprint[:20]}"'


Read = Callable[[], Awaitable[tuple[bytes, Callable[[float], bytes]]]]
"""Reads what a screen shows: its canonical bytes (fingerprinted) and a renderer given the time
the screen says it was built."""


@dataclass
class PublicScreens:
    check_s: float = CHECK_S
    screens: dict[ScreenKey, Screen] = field(default_factory=dict)
    locks: dict[ScreenKey, asyncio.Lock] = field(default_factory=dict)
    reads: int = 0
    """How many times what a screen shows was read (the benchmark's cost per change)."""
    renders: int = 0

    async def screen(self, key: ScreenKey, read: Read) -> Screen:
        kept = self.screens.get(key)
        if kept is not None and time.monotonic() - kept.checked < self.check_s:
            return kept
        async with self.locks.setdefault(key, asyncio.Lock()):
            kept = self.screens.get(key)
            if kept is not None and time.monotonic() - kept.checked < self.check_s:
                return kept  # another request read it while this one waited
            self.reads += 1
            shown, render = await read()
            fingerprint = hashlib.sha256(shown).hexdigest()
            now = time.monotonic()
            if kept is not None and kept.fingerprint == fingerprint:
                kept.checked = now
                return kept
            self.renders += 1
            built_at = time.time()
            fresh = Screen(render(built_at), fingerprint, now, built_at)
            self.screens[key] = fresh
            return fresh
