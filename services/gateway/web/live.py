"""The boards' live feed: one follower per open gmina board, fed by the projection runners'
announcements, fanned out to every browser watching that board over Server-Sent Events.

A gateway subscribes once to the progress and turnout views' announcements. An announcement
marks the precincts whose rows it names as changed (one naming too many rows to list marks
every followed board whole); each board's follower then reads those precincts again (the whole
board when many changed; one reading however many announcements came meanwhile), compares them
with what it sent last and sends the precincts that differ, rendered once per language in use.
Every 30 seconds a follower judges its rows again without any announcement (a protocol turns
late by the clock alone; how late it is, the browser counts from the due time in the row, so
that alone never resends a row), and every 2 minutes it reads the whole board again (an
announcement is at most once).

Event ids are the views' stream position (the lower of the two views'), so a browser that
reconnects with ``Last-Event-ID`` gets the precincts changed since then, from the follower's
recent history; one that was away longer than that history gets every precinct again. A
browser that cannot keep up loses its stream and reconnects the same way. A follower with no
browser left for 90 seconds stops.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog

from projections import progress, turnout
from projections.core import view_name
from schemas import subjects
from schemas.views import Announcement
from services.apps.view_pages import ViewUnreadableError
from services.gateway.web.board_state import BoardState

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from nats.aio.msg import Msg

    from domain.clock import Clock
    from schemas.board import Board, BoardPrecinct
    from services.apps.board_reader import BoardReader
    from services.gateway.bus import CommandBus

log = structlog.get_logger("gateway.live")

TICK_S: Final = 30.0
"""How often a board is judged again without any change (lateness moves with the clock)."""
HISTORY: Final = 4_096
"""Changes a follower remembers for browsers that reconnect."""
QUEUE: Final = 256
"""Updates a browser may fall behind by before its stream is closed (it reconnects)."""
LINGER_S: Final = 90.0
"""How long a board nobody watches is still followed: a browser that reconnects meanwhile (a
dropped connection, a reload) resumes from its history instead of getting everything again."""
HEARTBEAT_S: Final = 10.0
"""A browser hears from its feed at least this often (an empty update: a heartbeat), so a
connection that died is noticed on both ends: the page calls it lost after two and a half
heartbeats of silence (a dropped Wi-Fi leaves a connection that looks open for minutes)."""
FEW: Final = 40
"""Up to this many precincts changed, only they are read; more, and the whole board is."""
FULL_READ_S: Final = 120.0
"""The whole board is read at least this often, whatever was announced."""
RETRY_S: Final = 1.0
"""How long a follower waits before reading again after the views could not be read."""
FOLLOWED_VIEWS: Final = (view_name(progress), view_name(turnout))


@dataclass(frozen=True)
class Update:
    """What one browser receives: the position and, per language, the rendered change."""

    position: int
    payload: dict[str, str]
    """Per language, the change as JSON text (encoded once for every browser)."""


@dataclass(eq=False)
class Listener:
    lang: str
    queue: asyncio.Queue[Update | None] = field(default_factory=lambda: asyncio.Queue(QUEUE))


@dataclass(eq=False)
class Follower:
    """One gmina's board in one round, as the browsers watching it have it."""

    election: str
    teryt: str
    round: int
    listeners: set[Listener] = field(default_factory=set)
    current: Board | None = None
    first: int = 0
    """The position of the first reading: the history covers everything after it."""
    history: deque[tuple[int, frozenset[int]]] = field(
        default_factory=lambda: deque(maxlen=HISTORY)
    )
    dirty: asyncio.Event = field(default_factory=asyncio.Event)
    pending: set[int] | None = None
    """The precincts announced as changed since the last reading; None: read everything."""
    read_at: float = 0.0
    """When everything was last read."""
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    alone_since: float | None = None
    """When its last browser left (it lingers for browsers that reconnect)."""

    state: BoardState = field(init=False)

    def __post_init__(self) -> None:
        self.state = BoardState(self.election, self.teryt, self.round)

    def mark(self, precincts: set[int] | None) -> None:
        """Changes announced: these precincts (None: anything)."""
        if precincts is None or self.pending is None:
            self.pending = None
        else:
            self.pending |= precincts
        self.dirty.set()

    def since(self, position: int) -> frozenset[int] | None:
        """The precincts changed at or after ``position``; None when the history does not
        reach back that far (everything must be sent)."""
        if position < self.first or (self.history.maxlen == len(self.history)
                                     and position < self.history[0][0]):  # fmt: skip
            return None
        changed: set[int] = set()
        for at, numbers in self.history:
            if at >= position:
                changed |= numbers
        return frozenset(changed)


class BoardFeeds:
    def __init__(
        self, reader: BoardReader, clock: Clock,
        render: Callable[[Board, frozenset[int] | None, str], dict[str, Any]],
    ) -> None:  # fmt: skip
        self._reader = reader
        self._clock = clock
        self._render = render
        self._followers: dict[tuple[str, str, int], Follower] = {}
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, bus: CommandBus) -> None:
        for view in FOLLOWED_VIEWS:
            await bus.subscribe(subjects.VIEWS_ANNOUNCE_PREFIX + view, self._announced)
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        tasks = [f.task for f in self._followers.values() if f.task is not None]
        if self._ticker is not None:
            tasks.append(self._ticker)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._followers.clear()

    async def follow(self, election: str, teryt: str, round_number: int, since: int | None,
                     lang: str) -> AsyncIterator[Update]:  # fmt: skip
        """A browser's updates, starting with what it missed after ``since``."""
        key = (election, teryt, round_number)
        follower = self._followers.get(key)
        if follower is None:
            follower = self._followers[key] = Follower(election, teryt, round_number)
            follower.task = asyncio.create_task(self._run(follower))
            follower.dirty.set()
        listener = Listener(lang)
        follower.listeners.add(listener)
        try:
            await follower.ready.wait()
            assert follower.current is not None
            missed = None if since is None else follower.since(since)
            if missed is None or missed:
                payload = _json(self._render(follower.current, missed, lang))
                yield Update(follower.current.position, {lang: payload})
            while True:
                try:
                    update = await asyncio.wait_for(listener.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield Update(follower.current.position, {})  # a heartbeat
                    continue
                if update is None:
                    return  # fell behind: the browser reconnects and catches up
                yield update
        finally:
            follower.listeners.discard(listener)

    async def _announced(self, message: Msg) -> None:
        try:
            announced = msgspec.json.decode(message.data, type=Announcement)
        except msgspec.DecodeError:
            return
        changes = _changes(announced)
        for (election, teryt, _), follower in self._followers.items():
            if changes is None or (election, "") in changes:
                follower.mark(None)
            elif (election, teryt) in changes:
                follower.mark(changes[election, teryt])

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            for follower in self._followers.values():
                follower.dirty.set()  # nothing announced: judged again at the new time

    async def _run(self, follower: Follower) -> None:
        key = (follower.election, follower.teryt, follower.round)
        loop = asyncio.get_running_loop()
        try:
            while True:
                await follower.dirty.wait()
                follower.dirty.clear()
                if follower.listeners:
                    follower.alone_since = None
                elif follower.alone_since is None:
                    follower.alone_since = loop.time()
                elif loop.time() - follower.alone_since > LINGER_S:
                    return
                pending, follower.pending = follower.pending, set()
                try:
                    everything = await self._read(follower, pending, loop.time())
                    rebuilt = follower.state.rebuild(self._clock.now(), everything=everything)
                    self._publish(follower, rebuilt)
                except ViewUnreadableError as error:
                    log.warning("board.unreadable", gmina=follower.teryt, error=str(error))
                    await self._again(follower)
                except Exception:  # a board's feed outlives one bad reading
                    log.exception("board.follower_failed", gmina=follower.teryt)
                    await self._again(follower)
        finally:
            if self._followers.get(key) is follower:
                del self._followers[key]
            for listener in follower.listeners:
                with contextlib.suppress(asyncio.QueueFull):
                    listener.queue.put_nowait(None)

    @staticmethod
    async def _again(follower: Follower) -> None:
        """Read the whole board again, a little later."""
        follower.pending = None
        await asyncio.sleep(RETRY_S)
        follower.dirty.set()

    async def _read(self, follower: Follower, pending: set[int] | None, now: float) -> bool:
        """Read what changed: everything (at first, when told so, when many precincts changed,
        and every ``FULL_READ_S`` whatever was announced: an announcement is at most once), or
        just the announced precincts. True when every row must be computed again (a full read,
        or the clock alone moved)."""
        state = follower.state
        if (pending is None or len(pending) > FEW or not state.loaded
                or now - follower.read_at > FULL_READ_S):  # fmt: skip
            state.load(await self._reader.read(follower.election, follower.teryt))
            follower.read_at = now
            return True
        if not pending:
            return True
        found, position = await self._reader.read_precincts(follower.election, follower.teryt,
                                                            pending)  # fmt: skip
        state.patch(found, position)
        return False

    def _publish(self, follower: Follower, new: Board) -> None:
        old = follower.current
        follower.current = new
        if old is None:
            follower.first = new.position
            follower.ready.set()
            return
        before = {p.number: _steady(p) for p in old.precincts}
        changed = frozenset(p.number for p in new.precincts
                            if before.get(p.number) != _steady(p))  # fmt: skip
        if not changed and (old.contests, old.turnout) == (new.contests, new.turnout):
            return
        follower.history.append((new.position, changed))
        payload = {lang: _json(self._render(new, changed, lang))
                   for lang in {listener.lang for listener in follower.listeners}}  # fmt: skip
        update = Update(new.position, payload)
        for listener in list(follower.listeners):
            try:
                listener.queue.put_nowait(update)
            except asyncio.QueueFull:
                log.info("board.browser_behind", gmina=follower.teryt, queued=QUEUE)
                follower.listeners.discard(listener)
                listener.queue = asyncio.Queue(1)
                listener.queue.put_nowait(None)


def _json(payload: dict[str, Any]) -> str:
    return msgspec.json.encode(payload).decode()


def _steady(precinct: BoardPrecinct) -> tuple[Any, ...]:
    """A precinct as far as it changes by events: how late a missing report is grows with the
    clock alone, and the browser counts that itself (from the due time the row carries)."""
    return (
        tuple((c.contest, c.district, c.state, c.version, c.warnings, c.at, c.proxy, c.corrected,
               0 if c.state == "late" else c.late_s) for c in precinct.cells),
        tuple((t.hour, t.state, t.eligible_voters, t.ballots_issued) for t in precinct.turnout),
        precinct.address,
    )  # fmt: skip


def _changes(announced: Announcement) -> dict[tuple[str, str], set[int] | None] | None:
    """Per (election, gmina), the precincts an announcement names (None: anything there;
    ``(election, "")``: the whole election, its schedule changed); None when it names too many
    rows to list."""
    found: dict[tuple[str, str], set[int] | None] = {}

    def add(place: tuple[str, str], precinct: int | None) -> None:
        known = found.setdefault(place, set())
        if precinct is None or known is None:
            found[place] = None
        else:
            known.add(precinct)

    for table, keys in announced.changed.items():
        if not keys:
            return None
        for key in keys:
            parts = key.split("|")
            if table == progress.SCHEDULES:
                add((parts[0], ""), None)
            elif table in (progress.EXPECTED, progress.UNITS) and len(parts) >= 2:
                add((parts[0], parts[1]), None)
            elif (
                table in (progress.PROTOCOLS, progress.PRECINCTS, turnout.REPORTS)
                and len(parts) >= 3
            ):
                add((parts[0], parts[1]), int(parts[2]))
    return found
