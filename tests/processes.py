"""The `tally` command run as a user runs it: child processes with JSON logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

TALLY = [sys.executable, "-m", "services.cli"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
    return {**env, "TALLY_LOG_FORMAT": "json", **extra}


class ServeProcess:
    """`tally serve` as a child process whose JSON log lines are read as they come."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [*TALLY, "serve", "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.logs: list[dict] = []

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                raise AssertionError(f"tally serve ended before {event}: {self.logs}")
            entry = json.loads(line)
            self.logs.append(entry)
            if entry["event"] == event:
                return entry
        raise AssertionError(f"no {event} in {timeout}s: {self.logs}")

    def finish(self, timeout: float = 30) -> int:
        assert self.process.stderr is not None
        code = self.process.wait(timeout=timeout)
        self.logs.extend(
            json.loads(line) for line in self.process.stderr.read().splitlines() if line
        )
        return code


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
