"""``tally serve`` (or one of its parts) as a child process of a tool, the way a deployment runs
it: its JSON log in a file, ready when it logs ``serve.ready``, stopped with SIGTERM (killed only
if it does not stop in time), by its own PID."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any, Final

import structlog

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

log = structlog.get_logger("tools")
READY_TIMEOUT_S: Final = 120.0
STOP_TIMEOUT_S: Final = 30.0


class ServeChildError(Exception):
    pass


class ServeChild:
    def __init__(self, data_dir: Path, log_path: Path, env: Mapping[str, str], *args: str) -> None:
        self.log_path = log_path
        command = [sys.executable, "-m", "services.cli", "serve", "--data-dir", str(data_dir),
                   *args]  # fmt: skip
        with log_path.open("wb") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                command, env=dict(env), stdout=subprocess.DEVNULL, stderr=log_file
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self) -> dict[str, Any]:
        """The ``serve.ready`` log entry (its URLs); an error naming the log's last lines if the
        child ends or takes too long."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in self.log_path.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("event") == "serve.ready":
                    return dict(entry)
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace").splitlines()[-5:]
                raise ServeChildError(
                    f"tally serve ended with {self.process.returncode}: {' | '.join(tail)}"
                )
            time.sleep(0.1)
        raise ServeChildError(
            f"tally serve not ready in {READY_TIMEOUT_S:.0f} s; see {self.log_path}"
        )

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("tools.serve_killed", pid=self.process.pid)
            self.process.kill()
            self.process.wait()
