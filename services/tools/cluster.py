"""A 3-node JetStream cluster on loopback from the embedded nats-server binary, the topology of
``deploy/nats/cluster/`` (fsync always, the same users and permissions): for the fault drills
and their tests. Each node has its own store; a node can be killed (SIGKILL), paused (SIGSTOP),
resumed and started again on the same store, each by its own PID."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from services.nats.owner import die_with_parent, started_from_main_thread
from services.nats.server import find_binary, free_port

if TYPE_CHECKING:
    from pathlib import Path

    from services.nats.users import NatsUsers

READY_TIMEOUT_S: Final = 30.0
NODES: Final = 3


class ClusterError(Exception):
    pass


@dataclass
class ClusterNode:
    name: str
    directory: Path
    port: int
    route_port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.directory / "nats-server.log"

    def config(self, routes: list[int], users: NatsUsers) -> str:
        return "\n".join([
            f"server_name: {self.name}",
            f"listen: 127.0.0.1:{self.port}",
            "jetstream {", f'  store_dir: "{self.directory / "jetstream"}"',
            "  sync_interval: always", "}",
            "cluster {", "  name: tally", f"  listen: 127.0.0.1:{self.route_port}",
            f"  routes: [{', '.join(f'nats://127.0.0.1:{r}' for r in routes)}]", "}",
            users.authorization(), "",
        ])  # fmt: skip

    def start(self) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - the binary and its arguments are ours
                [str(find_binary()), "-c", str(self.directory / "node.conf")],
                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent if started_from_main_thread() else None,  # noqa: PLW1509 - only a prctl
            )  # fmt: skip
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            with self.log_path.open("rb") as log_file:
                log_file.seek(offset)
                if b"Server is ready" in log_file.read():
                    return
            if self.process.poll() is not None:
                raise ClusterError(f"{self.name} exited; see {self.log_path}")
            time.sleep(0.05)
        raise ClusterError(f"{self.name} did not start in {READY_TIMEOUT_S:.0f} s")

    def signal(self, signum: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL: no goodbye to the cluster, nothing flushed beyond what fsync did."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self) -> None:
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class LocalCluster:
    def __init__(self, directory: Path, users: NatsUsers) -> None:
        self.nodes = [ClusterNode(name=f"tally-{i}", directory=directory / f"node-{i}",
                                  port=free_port(), route_port=free_port())
                      for i in range(1, NODES + 1)]  # fmt: skip
        for node in self.nodes:
            node.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            others = [n.route_port for n in self.nodes if n is not node]
            path = node.directory / "node.conf"
            path.write_text(node.config(others, users))
            path.chmod(0o600)

    @property
    def url(self) -> str:
        """Every node, comma-separated (``NATS_URL``)."""
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> ClusterNode:
        return next(node for node in self.nodes if node.name == name)

    def start(self) -> None:
        for node in self.nodes:
            node.start()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
