"""A running `tally serve` (commands + gateway) on the session's nats-server, for API tests."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING

from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.common.environment import environment
from services.nats.server import free_port
from tests.definitions import EXAMPLES
from tests.natsserver import fresh_stream, session_url
from tests.processes import ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


TEST_KEYS = "ktest=" + "A" * 43  # a fixed AES-256 key for test servers (32 zero-ish bytes)


class RunningServe:
    def __init__(self, process: ServeProcess, url: str, stream: str, admin_code: str) -> None:
        self.process = process
        self.url = url
        self.stream = stream
        self.admin_code = admin_code


@contextmanager
def running_serve(tmp_path: Path, *extra: str, **env: str) -> Iterator[RunningServe]:
    """`tally serve` against the session server on a fresh stream with the example election."""
    stream = fresh_stream()
    with environment(NATS_URL=session_url(), NATS_STREAM=stream, TALLY_PASSWORD_HASH="fast",
                     TALLY_SECRET_KEYS=TEST_KEYS):  # fmt: skip
        load_file(EXAMPLES / "gmina-zielonka.json", data_dir=tmp_path)
        slip = bootstrap_admin(login="admin", name="Admin", data_dir=tmp_path).slip
        assert slip is not None
    settings = {"NATS_URL": session_url(), "NATS_STREAM": stream, "TALLY_PASSWORD_HASH": "fast",
                "TALLY_SECRET_KEYS": TEST_KEYS} | env  # fmt: skip
    process = ServeProcess(
        tmp_path,
        cli_env(**settings),
        "--http-port",
        str(free_port()),
        *extra,
    )
    try:
        ready = process.wait_for("serve.ready")
        yield RunningServe(process, ready["gateway_url"], stream, slip.activation_code)
    finally:
        if process.process.poll() is None:
            process.process.send_signal(signal.SIGTERM)
            process.finish()
