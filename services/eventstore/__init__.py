"""An eventsourcing persistence module on NATS JetStream.

Select it the standard way::

    PERSISTENCE_MODULE=services.eventstore
    NATS_URL=nats://127.0.0.1:4222   # default
    NATS_STREAM=TALLY                # default; subjects are <NATS_STREAM>.events.<aggregate id>

Other settings: ``NATS_CREDS`` (a creds file) or ``NATS_USER``/``NATS_PASSWORD``; ``NATS_REPLICAS``
(1; 3 in a cluster); ``NATS_DUPLICATE_WINDOW`` (600 s); ``NATS_REQUEST_TIMEOUT`` (5 s);
``NATS_APPEND_TIMEOUT`` (60 s: how long a save keeps trying through an outage); ``CREATE_TABLE``
(create missing streams; default yes); ``ORIGINATOR_ID_TYPE`` (``uuid`` or ``text``).

``close()`` is optional, as with the library's own modules: what is still open when the
interpreter exits is drained then (``datastore.close_open_datastores``).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import InfrastructureFactory as _InfrastructureFactory
from eventsourcing.utils import resolve_topic, strtobool

from services.eventstore.datastore import NatsDatastore
from services.eventstore.eventlog import AppendOutcomeUnknownError
from services.eventstore.recorders import (
    NatsAggregateRecorder,
    NatsApplicationRecorder,
    NatsProcessRecorder,
    NatsTrackingRecorder,
)
from services.eventstore.settings import StoreSettings

__all__ = [
    "AppendOutcomeUnknownError",
    "NatsAggregateRecorder",
    "NatsApplicationRecorder",
    "NatsFactory",
    "NatsProcessRecorder",
    "NatsTrackingRecorder",
]


class NatsFactory(_InfrastructureFactory[NatsTrackingRecorder]):
    """Builds recorders that share one connection (and one loop thread) per factory."""

    def __init__(self, env: object) -> None:
        super().__init__(env)  # type: ignore[arg-type]
        self._datastore: NatsDatastore | None = None

    @property
    def datastore(self) -> NatsDatastore:
        if self._datastore is None:
            self._datastore = NatsDatastore(StoreSettings.from_env(self.env))
        return self._datastore

    def aggregate_recorder(self, purpose: str = "events") -> NatsAggregateRecorder:
        datastore = self.datastore
        if purpose == "snapshots":
            self._ensure(datastore.snapshots_config())
        else:
            self._ensure(datastore.events_config())
        return NatsAggregateRecorder(datastore, purpose=purpose)

    def application_recorder(self) -> NatsApplicationRecorder:
        self._ensure(self.datastore.events_config())
        return NatsApplicationRecorder(self.datastore)

    def tracking_recorder(
        self, tracking_recorder_class: type[NatsTrackingRecorder] | None = None
    ) -> NatsTrackingRecorder:
        if tracking_recorder_class is None:
            topic = self.env.get(self.TRACKING_RECORDER_TOPIC)
            tracking_recorder_class = resolve_topic(topic) if topic else NatsTrackingRecorder
        assert tracking_recorder_class is not None
        self._ensure(self.datastore.tracking_config())
        return tracking_recorder_class(self.datastore)

    def process_recorder(self) -> NatsProcessRecorder:
        self._ensure(self.datastore.events_config())
        self._ensure(self.datastore.tracking_config())
        return NatsProcessRecorder(self.datastore)

    def _ensure(self, config: dict[str, Any]) -> None:
        """Create a missing stream unless CREATE_TABLE is false; verify an existing one."""
        self.datastore.ensure(config, create=strtobool(self.env.get("CREATE_TABLE") or "yes"))

    def close(self) -> None:
        if self._datastore is not None:
            self._datastore.close()
            self._datastore = None
