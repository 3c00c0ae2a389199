"""Reading the log for the folds: batches of decoded events from a sequence on, until caught up.

The first batch is a batched Direct Get (one round trip, no server state: what a view that is
current needs after each wake-up). A reader that is further behind than one batch (a rebuild, a
projector restarted after a while) then reads the rest through an ordered push consumer started
after that batch and stopped at the last sequence the first reply announced: the server streams
while the folds work, and each message carries fewer headers to parse than a Direct Get reply.
Events arrive in stream order either way and every batch is the next run of sequences, so a view
folding them stays exactly-once. The consumer is ephemeral (in memory, no acks) and deleted when
the reading stops (or by the server a minute after its reader died); a reader that stops early
(a view failed and must read again from its own position) just starts a new reading.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import TYPE_CHECKING, Final, Self

from nats.js import api

from services.eventstore.jsapi import StoredMessage
from services.projector.decode import to_event

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.js.client import JetStreamContext

    from projections.core import Event
    from services.eventstore.eventlog import EventLog

BATCH: Final = 1000
BUFFERED: Final = 4 * BATCH
"""Messages held ahead of the folds (or one batch, when a batch is larger); beyond that the
consumer's callback waits, nats-py stops answering flow control and the server stops sending
(memory stays bounded on a long log)."""
STALLED_S: Final = 30.0
"""No message for this long while more were announced: the reading fails (and is started again
from the committed positions by whoever reads)."""
ABANDONED_S: Final = 60.0
_ACK_TOKENS: Final = 9
"""``$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>``."""


async def batches(
    events: EventLog, nc: Client, start: int, limit: int = BATCH
) -> AsyncGenerator[tuple[list[Event], int], None]:
    """Batches of up to ``limit`` events from sequence ``start`` on, each with how many events
    the stream held after it when the reading began; ends when caught up (or at once on an empty
    stream). Close it (``contextlib.aclosing``) when leaving early."""
    messages, pending = await events.read_range(start, limit)
    if not messages:
        return
    yield [to_event(message) for message in messages], pending
    if pending == 0:
        return
    last = messages[-1].seq + pending
    subject = events.subject_prefix + ">"
    first = messages[-1].seq + 1
    async with _OrderedReading(nc, events.stream, subject, first, max(BUFFERED, limit)) as reading:
        while True:
            found = await reading.take(limit, last)
            yield [to_event(message) for message in found], max(last - found[-1].seq, 0)
            if found[-1].seq >= last:
                return


class _OrderedReading:
    """An ordered push consumer from ``first`` on, its messages buffered for ``take``."""

    def __init__(self, nc: Client, stream: str, subject: str, first: int, held: int) -> None:
        self._js: JetStreamContext = nc.jetstream()
        self._held = held  # at least one batch: ``take`` waits for a whole one
        self._stream = stream
        self._subject = subject
        self._first = first
        self._buffer: deque[StoredMessage] = deque()
        self._arrived = asyncio.Event()
        self._wanted = (0, 0)  # what ``take`` waits for: a count, or a sequence reached
        self._room = asyncio.Event()
        self._room.set()

    async def __aenter__(self) -> Self:
        config = api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=self._first,
            inactive_threshold=ABANDONED_S,  # a reader that died without deleting it
        )
        self._subscription = await self._js.subscribe(
            self._subject,
            stream=self._stream,
            ordered_consumer=True,
            config=config,
            cb=self._on_message,
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        with contextlib.suppress(Exception):
            consumer = (await self._subscription.consumer_info()).name
            await self._subscription.unsubscribe()
            await self._js.delete_consumer(self._stream, consumer)

    async def _on_message(self, msg: Msg) -> None:
        await self._room.wait()
        self._buffer.append(
            StoredMessage(
                subject=msg.subject, seq=_stream_seq(msg), headers=msg.headers or {}, data=msg.data
            )
        )
        if len(self._buffer) >= self._held:
            self._room.clear()
        count, last = self._wanted
        if len(self._buffer) >= count or self._buffer[-1].seq >= last:
            self._arrived.set()  # once per batch, not once per message: no wake-up for nothing

    async def take(self, limit: int, last: int) -> list[StoredMessage]:
        """The next ``limit`` messages, or fewer when ``last`` is among them."""
        buffer = self._buffer
        self._wanted = (limit, last)
        while len(buffer) < limit and not (buffer and buffer[-1].seq >= last):
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), STALLED_S)
        found = [buffer.popleft() for _ in range(min(limit, len(buffer)))]
        self._room.set()
        return found


def _stream_seq(msg: Msg) -> int:
    tokens = msg.reply.split(".")
    if len(tokens) == _ACK_TOKENS:
        return int(tokens[5])
    return int(msg.metadata.sequence.stream)  # the longer form with a domain and account hash
