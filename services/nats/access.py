"""Which NATS server, and as whom, a process talks to.

``NATS_URL`` (with ``NATS_USER``/``NATS_PASSWORD`` or ``NATS_CREDS``) when set. Otherwise the
embedded server of the data directory: the one its owner (a running ``tally serve``) announces,
or one this command starts for as long as it runs, so commands work on a fresh machine with
nothing running. On the embedded server each part connects as its own user
(``services.nats.users``); the one-shot commands run by the local operator connect as the admin.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from typing import TYPE_CHECKING

import structlog

from services.eventstore.settings import StoreSettings
from services.nats.owner import StoreInUseError
from services.nats.server import EmbeddedNats, running_server
from services.nats.users import NatsUsers

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = structlog.get_logger("natsaccess")


def nats_dir_of(data_dir: Path) -> Path:
    return data_dir.resolve() / "nats"


def as_role(settings: StoreSettings, users: NatsUsers | None, role: str) -> StoreSettings:
    """``settings`` connecting as ``role`` on the embedded server (unchanged for an external
    one, which names its identity in the environment)."""
    if users is None:
        return settings
    user, password = users.credentials(role)
    return dataclasses.replace(settings, user=user, password=password, creds_file=None)


def embedded_users(data_dir: Path, settings: StoreSettings) -> NatsUsers:
    return NatsUsers.ensure(nats_dir_of(data_dir), settings.layout)


def _announced(data_dir: Path, timeout_s: float = 20.0) -> str:
    """The URL the store's owner announces once its server is ready."""
    deadline = time.monotonic() + timeout_s
    while (running := running_server(nats_dir_of(data_dir))) is None:
        if time.monotonic() > deadline:
            raise StoreInUseError(nats_dir_of(data_dir), {"command": ["a starting owner"]})
        time.sleep(0.1)
    return running


@contextlib.contextmanager
def nats_access(data_dir: Path, role: str = "admin") -> Iterator[StoreSettings]:
    """Settings for a command run on this machine (see the module's docstring)."""
    settings = StoreSettings.from_env_os()
    if os.environ.get("NATS_URL"):
        yield settings
        return
    users = embedded_users(data_dir, settings)
    running = running_server(nats_dir_of(data_dir))
    if running:
        log.debug("natsaccess.embedded_running", url=running)
        yield as_role(dataclasses.replace(settings, url=running), users, role)
        return
    embedded = EmbeddedNats(nats_dir_of(data_dir), users=users)
    try:
        embedded.start()
    except StoreInUseError:  # its owner is starting it right now
        running = _announced(data_dir)
        yield as_role(dataclasses.replace(settings, url=running), users, role)
        return
    log.info("natsaccess.embedded_started", url=embedded.url, store_dir=str(embedded.store_dir))
    try:
        yield as_role(dataclasses.replace(settings, url=embedded.url), users, role)
    finally:
        embedded.stop()
        log.info("natsaccess.embedded_stopped", url=embedded.url)
