"""The test session's nats-server: started once on a free loopback port with a temporary store,
stopped by its PID at the end. Tests that crash a server start their own."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from typing import TYPE_CHECKING, Final

from services.nats.server import find_binary

if TYPE_CHECKING:
    from pathlib import Path

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


class ConfiguredNats:
    """A nats-server run from one of the project's deploy/ configs, stopped by its PID."""

    def __init__(self, config: Path, env: dict[str, str], log_path: Path) -> None:
        self.config = config
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(find_binary()), "-c", str(self.config)],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log_path.read_text(errors="replace"):
                return
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        raise TimeoutError(f"{text!r} not in {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
