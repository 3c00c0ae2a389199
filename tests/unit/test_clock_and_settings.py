from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.utils import Environment

from domain.clock import ManualClock, to_warsaw
from services.eventstore.settings import StoreSettings
from services.eventstore.streams import StreamLayout, differences


def test_warsaw_time_follows_daylight_saving():
    """Polish civil time is UTC+1 in winter and UTC+2 in summer."""
    assert 13 == to_warsaw(datetime(2025, 1, 12, 12, 0, tzinfo=UTC)).hour
    assert 14 == to_warsaw(datetime(2025, 6, 1, 12, 0, tzinfo=UTC)).hour


def test_naive_times_are_refused():
    """A time without a zone is ambiguous and never accepted."""
    with pytest.raises(ValueError, match="timezone-aware"):
        to_warsaw(datetime(2025, 6, 1, 12, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2025, 6, 1, 12, 0))  # noqa: DTZ001


def test_manual_clock_moves_only_when_told():
    """The manual clock is deterministic."""
    clock = ManualClock(datetime(2025, 5, 18, 5, 0, tzinfo=UTC))
    clock.advance(timedelta(hours=2))
    assert datetime(2025, 5, 18, 7, 0, tzinfo=UTC) == clock.now()


def test_settings_errors_name_the_variable():
    """A bad setting is reported with its variable name and the rule it breaks."""
    with pytest.raises(ValueError, match="NATS_REPLICAS='zero' is not a number"):
        StoreSettings.from_env(Environment(env={"NATS_REPLICAS": "zero"}))
    with pytest.raises(ValueError, match="NATS_APPEND_TIMEOUT='-1' must be greater than zero"):
        StoreSettings.from_env(Environment(env={"NATS_APPEND_TIMEOUT": "-1"}))
    with pytest.raises(ValueError, match="ORIGINATOR_ID_TYPE='int' must be 'uuid' or 'text'"):
        StoreSettings.from_env(Environment(env={"ORIGINATOR_ID_TYPE": "int"}))


def test_settings_follow_the_application_prefix():
    """`<APP>_NATS_STREAM` overrides `NATS_STREAM`, the eventsourcing way."""
    env = Environment("Results", {"NATS_STREAM": "TALLY", "RESULTS_NATS_STREAM": "RESULTS"})
    assert "RESULTS" == StoreSettings.from_env(env).stream


def test_stream_names_are_validated():
    """Stream names with subject-breaking characters are refused with the rule."""
    with pytest.raises(ValueError, match="not a valid stream name"):
        StreamLayout("TALLY.2025")


def test_differences_name_each_setting():
    """Only declared settings are compared, and each difference names the setting."""
    declared = {"deny_delete": True, "max_age": 0}
    actual = {"deny_delete": True, "max_age": 3600, "other": 1}
    assert ["max_age: 3600 != declared 0"] == differences(declared, actual)
