from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from services.common.logging import configure_logging
from services.nats.server import EmbeddedNats, free_port
from tests.natsserver import URL_VARIABLE
from tests.processes import stop_leftovers

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session", autouse=True)
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    """One real nats-server for the session; its URL is published for unittest-style suites."""
    configure_logging(level="warning", fmt="console")
    server = EmbeddedNats(tmp_path_factory.mktemp("nats"), port=free_port())
    server.start()
    previous = os.environ.get(URL_VARIABLE)
    os.environ[URL_VARIABLE] = server.url
    try:
        yield server
    finally:
        server.stop()
        if previous is None:
            os.environ.pop(URL_VARIABLE, None)
        else:
            os.environ[URL_VARIABLE] = previous


@pytest.fixture(autouse=True)
def _no_leftover_serves() -> Iterator[None]:
    """A test that fails before stopping its `tally serve` must not leave it running."""
    yield
    stop_leftovers()
