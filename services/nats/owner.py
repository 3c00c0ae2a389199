"""One nats-server per store, guaranteed: the owner of a store directory and its server.

Two servers on one JetStream directory corrupt it (an acknowledged event vanished that way). So
whoever starts the embedded server takes an exclusive lock on the store's directory first
(``owner.lock``, ``flock``: the kernel releases it when the owner dies, even by SIGKILL) and holds
it as long as the server runs. Another process that finds the lock taken uses the owner's server
(``server.json``) or, for a second ``tally serve``, refuses to start.

The server dies with its owner: it is started with the parent-death signal set (SIGTERM, Linux),
so a ``kill -9`` of ``tally serve`` leaves no server behind. A server of an owner that died
without taking it along (an older version, another kernel) is found by its configuration file
in the process table when the next owner takes the lock, and stopped before a new one starts; its
port comes back to the new one.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import fcntl
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Final

LOCK_FILE: Final = "owner.lock"
_PR_SET_PDEATHSIG: Final = 1
_RETIRE_TIMEOUT_S: Final = 15.0


class StoreInUseError(Exception):
    """Another live process owns this store and runs its server."""

    def __init__(self, directory: Path, holder: dict[str, Any]) -> None:
        command = " ".join(holder.get("command", [])) or "another process"
        super().__init__(
            f"{directory} is in use by PID {holder.get('pid', '?')} ({command}, since "
            f"{holder.get('since', '?')}): one nats-server per store"
        )
        self.holder = holder


class OwnerLock:
    """The exclusive lock on one store directory, held by this process while it owns it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / LOCK_FILE
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        """Take the lock, or raise StoreInUseError naming who holds it."""
        if self._file is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreInUseError(self.directory, self.holder()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "pid": os.getpid(),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }))  # fmt: skip
        handle.flush()
        self._file = handle

    def holder(self) -> dict[str, Any]:
        try:
            found: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return found

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent thread dies (Linux; elsewhere a no-op).

    The signal follows the thread that started the child: owners start their server from their
    main thread, which lives as long as they do.
    """
    name = ctypes.util.find_library("c")
    if name is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(name, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def started_from_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def servers_using(config_path: Path) -> list[int]:
    """PIDs of the processes started with this configuration file (the process table, Linux)."""
    wanted = str(config_path).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            if wanted in arguments and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def retire(pids: list[int], timeout_s: float = _RETIRE_TIMEOUT_S) -> None:
    """Stop servers left by a dead owner: SIGTERM, then SIGKILL if they do not go in time."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    while any(_alive(pid) for pid in pids):
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        return status != "Z"  # a zombie has exited: only its parent's wait is missing
    return True
