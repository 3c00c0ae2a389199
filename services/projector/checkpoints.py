"""Signed checkpoints of the log, appended by the projector's process: at most every
``interval_s`` while events arrive, the head of the Merkle tree over every event up to the
stream's position (``domain.merkle``, leaves ``domain.log_leaves``), the head it extends, and an
Ed25519 signature (``domain.checkpoint``), as an event of the one checkpoints aggregate.

Each checkpoint keeps the tree's frontier, so the next one reads only the events after it, also
after a restart. A checkpoint is only written when something besides checkpoints arrived (the
checkpoints are leaves too: otherwise each would call for the next). Two processes writing the
same checkpoint conflict on the aggregate's version: the second reads again and writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Final

import msgspec
import structlog
from eventsourcing.persistence import IntegrityError

from domain import merkle
from domain.checkpoint import EMPTY_HEAD, Checkpoints, signed_message
from domain.ids import checkpoints_id
from domain.log_leaves import record_leaf
from schemas import envelope
from schemas.audit_events import CheckpointRecorded, CheckpointsStarted
from schemas.envelope import CommandContext
from services.apps.log_records import live_batches
from services.apps.repository import rebuild
from services.eventstore.mapper import tagged_mapper

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.apps.signing import SigningKeys
    from services.eventstore.jetstream_port import JetStreamPort

log = structlog.get_logger("checkpoints")
CHECKPOINT_TYPES: Final = frozenset({CheckpointRecorded.TAG, CheckpointsStarted.TAG})
WRITER: Final = CommandContext(actor="system:checkpoints", role="system", channel="system")


class Checkpointer:
    def __init__(self, nc: Client, port: JetStreamPort, *, stream: str, keys: SigningKeys,
                 timeout_s: float) -> None:  # fmt: skip
        self._nc = nc
        self._port = port
        self._stream = stream
        self._keys = keys
        self._timeout_s = timeout_s
        self._mapper = tagged_mapper()
        self._aggregate: Checkpoints | None = None
        self._loaded = False
        self._frontier: merkle.Frontier = ()
        self._position = 0
        self._pending = False

    async def run(self, interval_s: float, stop: asyncio.Event) -> None:
        """Checkpoint every ``interval_s`` until ``stop``; a failed round is logged and retried."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)
            if stop.is_set():
                return
            try:
                await self.once()
            except Exception:
                log.exception("checkpoints.failed")
                self._loaded = False  # read everything again next time

    async def once(self) -> CheckpointRecorded | None:
        """Fold what arrived since the last round; sign and append a checkpoint if anything but
        checkpoints did. None when nothing was written."""
        if not self._loaded:
            await self._load()
        async for batch in live_batches(self._nc, self._stream, self._timeout_s,
                                        start=self._position + 1):  # fmt: skip
            for record in batch:
                leaf = record_leaf(record, self._keys.pseudonym_key)
                self._frontier = merkle.extend(self._frontier, leaf)
                self._position = record.seq
                self._pending |= record.headers.get(envelope.EVENT_TYPE) not in CHECKPOINT_TYPES
        if not self._pending:
            return None
        return await self._write()

    async def _load(self) -> None:
        history = await self._port.history(checkpoints_id())
        self._aggregate = rebuild(self._mapper, history) if history else None
        last = self._aggregate.last if self._aggregate is not None else None
        self._frontier = tuple((size, bytes.fromhex(head)) for size, head in last.frontier) \
            if last is not None else ()  # fmt: skip
        self._position = last.position if last is not None else 0
        self._pending, self._loaded = False, True

    async def _write(self) -> CheckpointRecorded | None:
        aggregate = self._aggregate or Checkpoints(data=CheckpointsStarted(stream=self._stream))
        last = aggregate.last
        unsigned = CheckpointRecorded(
            position=self._position, head=merkle.frontier_root(self._frontier).hex(),
            previous_position=last.position if last else 0,
            previous_head=last.head if last else EMPTY_HEAD, key_id="", signature="",
            frontier=tuple((size, head.hex()) for size, head in self._frontier),
        )  # fmt: skip
        key_id, signature = self._keys.sign(signed_message(self._stream, unsigned))
        checkpoint = msgspec.structs.replace(unsigned, key_id=key_id, signature=signature)
        aggregate.record(data=checkpoint)
        events = [self._mapper.to_stored_event(e) for e in aggregate.collect_events()]
        try:
            sequences = await self._port.append(events, context=WRITER)
        except IntegrityError:  # another process wrote this checkpoint first
            self._loaded = False
            return None
        self._aggregate, self._pending = aggregate, False
        log.info("checkpoints.recorded", position=checkpoint.position, head=checkpoint.head,
                 at=sequences[-1], key_id=key_id)  # fmt: skip
        return checkpoint
