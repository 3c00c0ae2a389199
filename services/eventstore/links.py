"""One loop thread and one NATS connection per server and user in a process, shared by every
datastore that connects the same way: the protocols and accounts applications of a command
service (on different streams) talk through one connection instead of one each.

A link is counted: the last datastore to let go drains its connection (bounded: a server that is
away is not waited for) and stops its loop.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import structlog
from eventsourcing.persistence import OperationalError

from services.eventstore.bridge import LoopStoppedError, LoopThread
from services.eventstore.connection import connect

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("eventstore.links")

_lock = threading.Lock()
_links: dict[tuple[str, str, str, str], Link] = {}


class Link:
    def __init__(self, settings: StoreSettings) -> None:
        self.key = _key(settings)
        self.url = settings.url
        self.drain_timeout_s = settings.request_timeout_s
        self.loop = LoopThread(name=f"eventstore-{settings.user or 'nats'}")
        try:
            self.nc: Client = self.loop.run(connect(settings, name="tally-eventstore"))
        except Exception as error:
            self.loop.stop()
            raise OperationalError(
                f"cannot connect to NATS at {settings.url}: {error!r}"
            ) from error
        self.holders = 0

    def _close(self) -> None:
        try:
            # Bounded as a whole: closing runs at interpreter exit too, where a server that went
            # away first must not keep the process from ending.
            self.loop.run(self._shut(), timeout=2 * self.drain_timeout_s + 1)
        except LoopStoppedError:
            pass  # the interpreter is past the point where the loop could run: nothing to drain
        except TimeoutError:
            log.warning("eventstore.close_timed_out", url=self.url)
        finally:
            self.loop.stop()

    async def _shut(self) -> None:
        nc = self.nc
        if nc.is_connected:
            try:
                await asyncio.wait_for(nc.drain(), timeout=self.drain_timeout_s)
            except Exception as error:
                log.warning("eventstore.drain_failed", error=repr(error), url=self.url)
        if not nc.is_closed:
            try:
                await asyncio.wait_for(nc.close(), timeout=self.drain_timeout_s)
            except TimeoutError:
                log.warning("eventstore.close_failed", url=self.url)


def _key(settings: StoreSettings) -> tuple[str, str, str, str]:
    return (settings.url, settings.creds_file or "", settings.user or "", settings.password or "")


def acquire(settings: StoreSettings) -> Link:
    """The process's link for this server and user, opened on first use."""
    with _lock:
        link = _links.get(_key(settings))
        if link is None or not link.loop.running:
            link = Link(settings)
            _links[link.key] = link
        link.holders += 1
        return link


def release(link: Link) -> None:
    """Let go of a link; the last holder closes it."""
    with _lock:
        link.holders -= 1
        if link.holders > 0:
            return
        if _links.get(link.key) is link:
            del _links[link.key]
    link._close()  # noqa: SLF001 - this module owns the links' life
