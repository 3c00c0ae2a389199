"""The event loop of every Tally process: uvloop where it is installed (it is, from the lock, on
Linux and macOS), asyncio's own elsewhere. The command service, the gateway and the projector
spend most of their time in the loop and in socket I/O; uvloop does that work in C."""

from __future__ import annotations

import asyncio


def use_fastest_loop() -> str:
    """Make every loop this process creates from now on the fastest one available; its name."""
    try:
        import uvloop  # noqa: PLC0415 - optional: not built for every platform
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"
