"""The applications' port (``services.eventstore.history``) on a JetStream event log.

It runs on the loop of the connection its ``EventLog`` was given: the recorders' shared link for
synchronous callers, the command service's own connection for the command path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from schemas import envelope
from services.eventstore.history import Recorded

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from schemas.envelope import CommandContext, RoutingKeys
    from services.eventstore.eventlog import EventLog
    from services.eventstore.jsapi import StoredMessage


def stored_event(message: StoredMessage, *, uuid_ids: bool = True) -> StoredEvent:
    """A stored message as the library's ``StoredEvent`` (its envelope names the aggregate)."""
    headers = message.headers
    raw_id = headers[envelope.AGGREGATE_ID]
    return StoredEvent(
        originator_id=UUID(raw_id) if uuid_ids else raw_id,
        originator_version=int(headers[envelope.AGGREGATE_VERSION]),
        topic=headers[envelope.EVENT_TYPE],
        state=message.data,
    )


def recorded(message: StoredMessage, *, uuid_ids: bool = True) -> Recorded:
    headers = message.headers
    return Recorded(
        message.seq,
        stored_event(message, uuid_ids=uuid_ids),
        headers.get(envelope.IDEMPOTENCY_KEY, ""),
        headers.get(envelope.REQUEST_HASH, ""),
    )


class JetStreamPort:
    def __init__(self, log: EventLog, *, uuid_ids: bool = True) -> None:
        self.log = log
        self._uuid_ids = uuid_ids

    async def history(self, aggregate_id: UUID) -> list[Recorded]:
        messages = await self.log.read_aggregate(str(aggregate_id))
        return [recorded(message, uuid_ids=self._uuid_ids) for message in messages]

    async def last_position(self, aggregate_id: UUID) -> int:
        return await self.log.last_position(str(aggregate_id))

    async def last_sequence(self) -> int:
        return await self.log.last_sequence()

    async def append(
        self,
        events: Sequence[StoredEvent],
        *,
        context: CommandContext | None = None,
        routing: Mapping[str, RoutingKeys] | None = None,
    ) -> list[int]:
        return await self.log.append(events, context=context, routing=routing)
