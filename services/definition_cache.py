"""Definitions read once and kept: elections, units and contests change only when a definition
file is loaded, yet every protocol command reads several of them.

Each cached aggregate remembers the stream sequence of its last event. Before it is used, one
Direct Get asks whether its subject has anything after that sequence: if not (the usual case),
the cached aggregate is current; if so, it is read again. So a load is seen by the very next
command, and a command costs one small request per definition instead of a full read.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from services.eventstore import jsapi

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.application import Application

    from services.eventstore.recorders import NatsApplicationRecorder


class DefinitionCache:
    def __init__(self, app: Application[Any]) -> None:
        self._app = app
        recorder: NatsApplicationRecorder = app.recorder  # type: ignore[assignment]
        self._recorder = recorder
        self._entries: dict[UUID, tuple[Any, int]] = {}
        self._lock = threading.Lock()

    def get(self, aggregate_id: UUID) -> Any:
        """The current aggregate, or None if it has no events."""
        with self._lock:
            entry = self._entries.get(aggregate_id)
        if entry is not None and not self._newer(aggregate_id, entry[1]):
            return entry[0]
        aggregate, last = self._read(aggregate_id)
        with self._lock:
            self._entries[aggregate_id] = (aggregate, last)
        return aggregate

    def _newer(self, aggregate_id: UUID, last: int) -> bool:
        log = self._recorder.log
        found, _ = self._recorder.datastore.run(
            jsapi.direct_get_batch(
                self._recorder.datastore.nc,
                log.stream,
                start_seq=last + 1,
                batch=1,
                subject=log.subject_of(str(aggregate_id)),
                timeout=self._recorder.datastore.settings.request_timeout_s,
            )
        )
        return bool(found)

    def _read(self, aggregate_id: UUID) -> tuple[Any, int]:
        recorder = self._recorder
        messages = recorder.datastore.run(recorder.log.read_aggregate(str(aggregate_id)))
        aggregate: Any = None
        for message in messages:
            stored = recorder._stored_event(message)  # noqa: SLF001 - the recorder's own mapping
            event: Any = self._app.mapper.to_domain_event(stored)
            aggregate = event.mutate(aggregate)
        return aggregate, messages[-1].seq if messages else 0
