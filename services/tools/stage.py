"""The system a drill plays against: ``tally serve`` as a child process in a fresh data directory.

Without ``NATS_URL`` that serve starts its embedded nats-server (fsync on every write) on free
ports; with ``NATS_URL`` it uses that server and stream (``NATS_STREAM``, which should be fresh:
a drill submits every protocol as version 1). Either way the views, the log of the serve and the
secret key file live in ``drill-<UTC time>/`` under the working directory, which the drill
leaves behind for inspection. Drills hash passwords with the ``fast`` profile
(``TALLY_PASSWORD_HASH=fast``): thousands of accounts are created in minutes, and the serve says
so in its log at start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from services.eventstore.settings import StoreSettings
from services.nats.access import as_role, embedded_users
from services.nats.server import free_port
from services.tools.serve_child import ServeChild, ServeChildError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = structlog.get_logger("drill")


class StageError(Exception):
    pass


@dataclass(frozen=True)
class Stage:
    data_dir: Path
    gateway_url: str
    nats_url: str
    stream: str
    pid: int

    def settings(self) -> StoreSettings:
        """How the drill itself reads the stage's NATS: the environment's identity for
        ``NATS_URL``, the embedded server's admin otherwise (the drill runs it)."""
        base = dataclasses.replace(StoreSettings.from_env_os(), url=self.nats_url,
                                   stream=self.stream)  # fmt: skip
        if os.environ.get("NATS_URL"):
            return base
        return as_role(base, embedded_users(self.data_dir, base), "admin")


@contextmanager
def staged(base: Path) -> Iterator[Stage]:
    data_dir = _fresh_directory(base)
    env = os.environ | {"TALLY_PASSWORD_HASH": "fast", "TALLY_LOG_FORMAT": "json"}
    child = ServeChild(data_dir, data_dir / "serve.log", env, "--http-port", str(free_port()))
    try:
        try:
            ready = child.wait_ready()
        except ServeChildError as error:
            raise StageError(str(error)) from error
        log.info("drill.stage_ready", data_dir=str(data_dir), pid=child.pid,
                 gateway=ready["gateway_url"], nats=ready["nats_url"])  # fmt: skip
        yield Stage(
            data_dir=data_dir,
            gateway_url=ready["gateway_url"],
            nats_url=ready["nats_url"],
            stream=ready["stream"],
            pid=child.pid,
        )
    finally:
        child.stop()


def _fresh_directory(base: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        path = base / (f"drill-{stamp}" + (f"-{attempt}" if attempt else ""))
        try:
            path.mkdir(parents=True)
        except FileExistsError:
            continue
        return path
    raise StageError(f"cannot create a fresh drill directory under {base}")
