"""The command service's desks run in this process, on its own store connection: for the
commands a local operator runs (``tally results``, ``tally print``) and the benchmarks, which
answer from the log itself wherever no command service is running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

import projections
from domain.clock import SystemClock
from schemas.views import ViewQuery
from services.apps.protocol_desk import ProtocolDesk
from services.apps.result_inputs import NO_PROJECTOR, ResultInputs, views_over
from services.apps.results_desk import ResultsDesk
from services.eventstore.eventlog import EventLog
from services.eventstore.jetstream_port import JetStreamPort
from services.eventstore.mapper import tagged_mapper
from services.projector.memory_views import MemoryViews

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.apps.view_pages import Ask
    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("desks")


@dataclass(frozen=True)
class LocalDesks:
    protocols: ProtocolDesk
    results: ResultsDesk


async def local_desks(nc: Client, settings: StoreSettings, *, views: bool = True) -> LocalDesks:
    """``views``: whether results will be asked for (they need the tally and progress views:
    the projector's, or else folded here from the whole log)."""
    log_ = EventLog(nc, stream=settings.stream, subject_prefix=settings.layout.events_prefix,
                    clock=SystemClock(), request_timeout_s=settings.request_timeout_s,
                    append_timeout_s=settings.append_timeout_s)  # fmt: skip
    port = JetStreamPort(log_, uuid_ids=settings.originator_id_type == "uuid")
    mapper = tagged_mapper()
    protocols = ProtocolDesk(port, mapper, SystemClock())
    ask = await _views(nc, log_, settings) if views else views_over(nc, settings.request_timeout_s)
    return LocalDesks(protocols, ResultsDesk(port, mapper, protocols.definitions,
                                             ResultInputs(ask)))  # fmt: skip


async def _views(nc: Client, log_: EventLog, settings: StoreSettings) -> Ask:
    """The projector's views when one answers; otherwise the tally and progress views folded
    here, in memory, from the log."""
    remote = views_over(nc, settings.request_timeout_s)
    probe = await remote(ViewQuery(view="tally", table="tallies", prefix="\uffff"))
    if probe.error != NO_PROJECTOR:
        return remote
    local = MemoryViews([p for p in projections.ALL if p.NAME in ("tally", "progress")])
    position = await local.catch_up(log_, nc)
    log.info("results.views_folded_here", position=position)
    return local.ask
