"""The test session's nats-server: started once on a free loopback port with a temporary store,
stopped by its PID at the end. Tests that crash a server start their own."""

from __future__ import annotations

import os
import uuid
from typing import Final

URL_VARIABLE: Final = "TALLY_TEST_NATS_URL"


def session_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(
            f"{URL_VARIABLE} is not set: run the tests through pytest (tests/conftest.py)"
        )
    return url


def fresh_stream() -> str:
    """A stream name no other test uses: every test gets an empty event store."""
    return "T" + uuid.uuid4().hex[:16].upper()
