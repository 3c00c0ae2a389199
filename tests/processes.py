"""The `tally` command run as a user runs it: child processes with JSON logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from pathlib import Path

TALLY = [sys.executable, "-m", "services.cli"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
    return {**env, "TALLY_LOG_FORMAT": "json", **extra}


class ServeProcess:
    """`tally serve` as a child process; a thread reads its JSON log lines as they come (so a
    chatty server never blocks on a full pipe). Every one started is remembered, so a test that
    fails half-way still has its serve (and the nats-server that serve started) stopped."""

    started: ClassVar[list[ServeProcess]] = []

    def __init__(self, data_dir: Path, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [*TALLY, "serve", "--data-dir", str(data_dir), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.logs: list[dict] = []
        self.printed: list[str] = []
        """What it wrote to its standard output (the demo's one-time codes)."""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        ServeProcess.started.append(self)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if line.strip():
                try:
                    self.logs.append(json.loads(line))
                except ValueError:
                    self.logs.append({"event": "unparsed", "line": line})

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        self.printed.extend(self.process.stdout)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for entry in self.logs[seen:]:
                if entry.get("event") == event:
                    return entry
            seen = len(self.logs)
            if self.process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(f"tally serve ended before {event}: {self.logs}")
            time.sleep(0.02)
        raise AssertionError(f"no {event} in {timeout}s: {self.logs}")

    def finish(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


def stop_leftovers() -> None:
    """Stop, by PID, every serve a test started and left running (SIGTERM: it then stops the
    nats-server it started itself)."""
    while ServeProcess.started:
        serve = ServeProcess.started.pop()
        if serve.process.poll() is None:
            serve.process.send_signal(signal.SIGTERM)
            try:
                serve.process.wait(30)
            except subprocess.TimeoutExpired:
                serve.process.kill()
                serve.process.wait()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
