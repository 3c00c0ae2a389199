"""The eventsourcing library's own recorder and factory suites, unmodified, against real NATS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment

from services.eventstore import (
    NatsAggregateRecorder,
    NatsApplicationRecorder,
    NatsFactory,
    NatsProcessRecorder,
    NatsTrackingRecorder,
)
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from eventsourcing.persistence import AggregateRecorder, ProcessRecorder, TrackingRecorder


def _environment() -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "services.eventstore",
        "NATS_URL": session_url(),
        "NATS_STREAM": fresh_stream(),
    }


class FactoryPerTest:
    """Each test gets a factory (one connection) on a stream of its own, closed afterwards."""

    factory: NatsFactory

    def setUp(self) -> None:
        self.factory = NatsFactory(_environment())
        super().setUp()  # type: ignore[misc]

    def tearDown(self) -> None:
        super().tearDown()  # type: ignore[misc]
        self.factory.close()


class TestAggregateRecorder(FactoryPerTest, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return self.factory.aggregate_recorder()


class TestSnapshotRecorder(FactoryPerTest, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return self.factory.aggregate_recorder(purpose="snapshots")


class TestApplicationRecorder(FactoryPerTest, ApplicationRecorderTestCase[NatsApplicationRecorder]):
    def create_recorder(self) -> NatsApplicationRecorder:
        return self.factory.application_recorder()

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestTrackingRecorder(FactoryPerTest, TrackingRecorderTestCase):
    def create_recorder(self) -> TrackingRecorder:
        return self.factory.tracking_recorder()


class TestProcessRecorder(FactoryPerTest, ProcessRecorderTestCase):
    def create_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()


class _TrackingRecorderSubclass(NatsTrackingRecorder):
    pass


class TestInfrastructureFactory(InfrastructureFactoryTestCase[NatsFactory]):
    def setUp(self) -> None:
        self.env = Environment("TestCase", _environment())
        super().setUp()

    def expected_factory_class(self) -> type[NatsFactory]:
        return NatsFactory

    def expected_aggregate_recorder_class(self) -> type[NatsAggregateRecorder]:
        return NatsAggregateRecorder

    def expected_application_recorder_class(self) -> type[NatsApplicationRecorder]:
        return NatsApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[NatsTrackingRecorder]:
        return NatsTrackingRecorder

    def tracking_recorder_subclass(self) -> type[NatsTrackingRecorder]:
        return _TrackingRecorderSubclass

    def expected_process_recorder_class(self) -> type[NatsProcessRecorder]:
        return NatsProcessRecorder


del AggregateRecorderTestCase, ApplicationRecorderTestCase, ProcessRecorderTestCase
del TrackingRecorderTestCase, InfrastructureFactoryTestCase
