"""``tally serve``: the embedded NATS server (unless ``NATS_URL`` names one), the streams, the
command service and the HTTP gateway, in one process until Ctrl-C or SIGTERM.

``--only commands|gateway|projections`` runs one part against an external NATS (``NATS_URL``,
or the server a ``tally serve`` on the same data directory announces), so a deployment runs and
scales them as separate processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import time
from typing import TYPE_CHECKING, Final

import structlog
import uvicorn
from eventsourcing.utils import Environment

from domain.clock import SystemClock
from services.apps.signing import SigningKeys
from services.commands.accounts.keyring import KeySource
from services.commands.accounts.passwords import Passwords
from services.commands.accounts.service import AuthService
from services.commands.service import CommandService, asyncapi_json, build_app
from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.eventstore.streams import StreamConfigError
from services.eventstore.streamsetup import declared_streams, ensure_declared_streams
from services.gateway.app import OPENAPI_PATH, create_app
from services.gateway.bus import CommandBus
from services.nats.access import as_role, embedded_users, nats_dir_of
from services.nats.owner import StoreInUseError
from services.nats.server import (
    EmbeddedNats,
    NatsServerError,
    free_port,
    port_is_free,
    running_server,
)
from services.projector.service import ProjectorService
from services.serve.demo import print_slips, seed_demo

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from services.gateway.web.live import BoardFeeds
    from services.nats.users import NatsUsers
    from services.serve.settings import Settings

log = structlog.get_logger("serve")

PARTS: Final = ("commands", "gateway", "projections")
DEFAULT_HTTP_PORT: Final = 8080
HTTP_FILE: Final = "gateway.json"
PORT_WAIT_S: Final = 5.0
GRACEFUL_S: Final = 10
"""How long a stopping gateway lets requests in flight finish."""


class ServeError(Exception):
    """Why ``tally serve`` cannot run, in words for the operator."""


class _Http(uvicorn.Server):
    """uvicorn without its own signal handling: ``tally serve`` stops all its parts together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run(data_dir: Path, config: Settings, *, only: str | None = None,
        http_host: str = "127.0.0.1", http_port: int | None = None) -> None:  # fmt: skip
    """The composition root of ``tally serve``: ``config`` is read once by the caller; the
    store's settings are the persistence module's (``NATS_*``)."""
    settings = StoreSettings.from_env(Environment(env=os.environ))
    embedded: EmbeddedNats | None = None
    users: NatsUsers | None = None
    if os.environ.get("NATS_URL"):
        log.info("serve.nats_external", url=settings.url, stream=settings.stream)
    elif only:
        url = running_server(nats_dir_of(data_dir))
        if url is None:
            raise ServeError(
                f"--only {only} needs NATS_URL, or `tally serve` running on {data_dir}"
            )
        users = embedded_users(data_dir, settings)
        settings = dataclasses.replace(settings, url=url)
    else:
        users = embedded_users(data_dir, settings)
        embedded = _start_embedded(data_dir, users)
        settings = dataclasses.replace(settings, url=embedded.url)
    parts = (only,) if only else PARTS
    try:
        asyncio.run(_serve(settings, users, parts, data_dir.resolve(), config,
                           http_host=http_host, http_port=http_port))  # fmt: skip
    finally:
        if embedded is not None:
            embedded.stop()
            log.info("serve.nats_stopped", url=embedded.url)


def _start_embedded(data_dir: Path, users: NatsUsers) -> EmbeddedNats:
    embedded = EmbeddedNats(nats_dir_of(data_dir), users=users)
    try:
        embedded.start()
    except StoreInUseError as error:
        raise ServeError(
            f"{error}. `tally serve` already runs on {data_dir}: stop it first, or run more parts "
            "beside it with --only"
        ) from error
    except NatsServerError as error:
        raise ServeError(str(error)) from error
    log.info(
        "serve.nats_started",
        url=embedded.url,
        pid=embedded.pid,
        store_dir=str(embedded.store_dir),
        config=str(embedded.config_path),
        server_log=str(embedded.log_path),
        sync_interval="always",
    )
    return embedded


async def _serve(
    settings: StoreSettings,
    users: NatsUsers | None,
    parts: tuple[str, ...],
    data_dir: Path,
    config: Settings,
    *,
    http_host: str,
    http_port: int | None,
) -> None:
    """The streams first (as the admin), then the parts, whose applications verify them."""
    first_run = await ensure_streams(as_role(settings, users, "admin"))
    demo_slips = []
    if first_run and config.demo:
        admin = as_role(settings, users, "admin")
        demo_slips = await asyncio.to_thread(seed_demo, admin)
        first_run = False
    if first_run:
        # Nobody can log in yet: say how the first administrator is made, here and on "/".
        config = dataclasses.replace(config, first_run=first_run_hint(data_dir))
        log.warning("serve.no_admin_yet", make_one=config.first_run)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    running = Running(settings, users, parts, data_dir, config)
    try:
        ready = await running.start(http_host, http_port)
        log.info("serve.ready", stop_with="Ctrl-C or SIGTERM", **ready)
        if demo_slips:
            print_slips(demo_slips, ready.get("gateway_url", ""))
        await stop.wait()
        log.info("serve.stopping")
    finally:
        await running.stop()


class Running:
    """The parts this process runs: command service, projections, gateway, built from the
    settings. On the embedded server each part connects as its own NATS user, so each has its
    connection; within the command service the accounts service shares the broker's, and the
    applications' recorders share one (``services.eventstore.links``)."""

    def __init__(
        self,
        settings: StoreSettings,
        users: NatsUsers | None,
        parts: tuple[str, ...],
        data_dir: Path,
        config: Settings,
    ) -> None:
        self.settings = settings
        self.users = users
        self.config = config
        self.data_dir = data_dir
        self.commands = None
        if "commands" in parts:
            self.commands = build_app(self._command_service(as_role(settings, users, "service")))
        self.projector = (
            ProjectorService(
                as_role(settings, users, "projector"),
                data_dir,
                signing=SigningKeys.load(config.signing(data_dir)),
                checkpoint_s=config.checkpoint_s,
            )
            if "projections" in parts
            else None
        )
        self.gateway_settings = as_role(settings, users, "gateway")
        self.gateway = "gateway" in parts
        self.http: _Http | None = None
        self.task: asyncio.Task[None] | None = None
        self.feeds: BoardFeeds | None = None

    def _command_service(self, settings: StoreSettings) -> CommandService:
        config, clock = self.config, SystemClock()
        keys = KeySource(keys=config.secret_keys, file=config.secret_keys_file,
                         fallback=self.data_dir / "secret.keys")  # fmt: skip
        auth = AuthService(settings, clock=clock, keys=keys,
                           passwords=Passwords(config.hash_strength, config.hash_concurrency),
                           login_backoff_s=config.login_backoff_s)  # fmt: skip
        return CommandService(settings, auth=auth, workers=config.command_workers, clock=clock)

    async def start(self, http_host: str, http_port: int | None) -> dict[str, str]:
        ready = {"nats_url": self.settings.url, "stream": self.settings.stream}
        if self.commands is not None:
            await self.commands.start()
            ready["commands"] = "listening"
        if self.projector is not None:
            await self.projector.start()
            ready["views"] = str(self.projector.directory / "views.sqlite")
        if self.gateway:
            ready |= await self._start_http(http_host, http_port)
        return ready

    async def _start_http(self, host: str, port: int | None) -> dict[str, str]:
        port = port or _http_port(host, self.data_dir)
        app = create_app(
            CommandBus(self.gateway_settings),
            trusted_proxies=self.config.trusted_proxies,
            step_up=self.config.step_up,
            asyncapi_document=json.loads(asyncapi_json()),
            first_run=self.config.first_run,
            public_url=self.config.public_url,
        )
        config = uvicorn.Config(app,
                                host=host, port=port, log_config=None, access_log=False,
                                proxy_headers=False,
                                timeout_graceful_shutdown=GRACEFUL_S)  # fmt: skip
        self.http = _Http(config)
        self.feeds = app.state.feeds
        self.task = asyncio.create_task(self.http.serve())
        while not self.http.started:
            if self.task.done():
                self.task.result()
                raise ServeError(f"the gateway could not listen on {host}:{port}")
            await asyncio.sleep(0.02)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / HTTP_FILE).write_text(json.dumps({"port": port}))
        base = f"http://{host}:{port}"
        return {"gateway_url": base, "openapi_url": f"{base}{OPENAPI_PATH}/openapi.json"}

    async def stop(self) -> None:
        if self.http is not None and self.task is not None:
            if self.feeds is not None:
                await self.feeds.stop()  # the live boards' streams end: nothing to wait for
            self.http.should_exit = True
            await self.task
        if self.commands is not None:
            await self.commands.stop()
        if self.projector is not None:
            await self.projector.stop()


def _http_port(host: str, data_dir: Path) -> int:
    """The port this data directory's gateway had last time (clients aimed at it find it again
    after a restart), else 8080, else any free one."""
    try:
        recorded = int(json.loads((data_dir / HTTP_FILE).read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        recorded = DEFAULT_HTTP_PORT
    deadline = time.monotonic() + PORT_WAIT_S
    while not port_is_free(host, recorded) and time.monotonic() < deadline:
        time.sleep(0.05)
    if port_is_free(host, recorded):
        return recorded
    return DEFAULT_HTTP_PORT if port_is_free(host, DEFAULT_HTTP_PORT) else free_port()


def first_run_hint(data_dir: Path) -> str:
    return f"tally admin bootstrap --data-dir {data_dir}"


async def ensure_streams(settings: StoreSettings) -> bool:
    """Create or verify the streams; whether there is no account yet (a first run)."""
    try:
        nc = await connect(settings, name="tally-serve")
    except Exception as error:
        raise ServeError(f"cannot connect to NATS at {settings.url}: {error!r}") from error
    try:
        try:
            created = await ensure_declared_streams(nc, settings)
        except StreamConfigError as error:
            raise ServeError(str(error)) from error
        info = await nc.jetstream().stream_info(settings.layout.accounts_stream)
        for config in declared_streams(settings):
            log.info(
                "serve.stream_ready",
                stream=config["name"],
                subjects=config["subjects"],
                created=config["name"] in created,
                replicas=config["num_replicas"],
            )
        return info.state.messages == 0
    finally:
        await nc.drain()
