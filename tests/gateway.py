"""A running `tally serve` (commands + gateway) on the session's nats-server, for API tests."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING

from services.election_load import load_file
from services.natsserver import free_port
from tests.definitions import EXAMPLES
from tests.natsserver import fresh_stream, session_url
from tests.processes import ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class RunningServe:
    def __init__(self, process: ServeProcess, url: str, stream: str) -> None:
        self.process = process
        self.url = url
        self.stream = stream


@contextmanager
def running_serve(tmp_path: Path, *extra: str, **env: str) -> Iterator[RunningServe]:
    """`tally serve` against the session server on a fresh stream with the example election."""
    stream = fresh_stream()
    previous = {name: os.environ.get(name) for name in ("NATS_URL", "NATS_STREAM")}
    os.environ |= {"NATS_URL": session_url(), "NATS_STREAM": stream}
    try:
        load_file(EXAMPLES / "gmina-zielonka.json", data_dir=tmp_path)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    process = ServeProcess(
        tmp_path,
        cli_env(NATS_URL=session_url(), NATS_STREAM=stream, **env),
        "--http-port",
        str(free_port()),
        *extra,
    )
    try:
        ready = process.wait_for("serve.ready")
        yield RunningServe(process, ready["gateway_url"], stream)
    finally:
        if process.process.poll() is None:
            process.process.send_signal(signal.SIGTERM)
            process.finish()
