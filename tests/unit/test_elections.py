"""Recording election definitions through the elections application: on the in-memory store
(no server) and on JetStream, the same tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from domain.definitions.shape import contest_shape
from services.apps.elections import Elections
from tests.definitions import (
    OPERATOR,
    decode,
    fresh_code,
    load,
    mutated,
    small_city,
    small_gmina,
    unit,
)
from tests.stores import KINDS, Store

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    return Store.fresh(request.param)


@pytest.fixture
def app(store: Store) -> Iterator[Elections]:
    application: Elections = store.open(Elections)
    yield application
    application.close()


def test_a_definition_round_trips_through_the_event_store(app: Elections, store: Store) -> None:
    """What a file defines is what a fresh reader rebuilds from the stored events."""
    document = small_city(fresh_code())
    written = load(app, document)
    definition = decode(document)
    reader: Elections = store.open(Elections)
    try:
        recorded = reader.recorded(definition)
    finally:
        reader.close()
    assert recorded.election is not None
    assert definition.election == recorded.election.info
    assert {c.code for c in definition.committees} == set(recorded.election.committees)
    assert definition.units[0] == recorded.units[definition.units[0].teryt].definition()
    contest = recorded.contests["council:026101"]
    assert contest_shape(definition.election.code, definition.contests[0]) == contest.shape
    assert {"KWW-A": 1, "KWW-B": 2, "KWW-C": 3} == contest.list_numbers
    assert 6 == len(contest.lists)
    assert written == store.count()


def test_reloading_changes_nothing_and_a_later_file_adds(app: Elections, store: Store) -> None:
    """The same file twice records nothing; an amended file records only what it adds."""
    document = small_gmina(fresh_code())
    first = load(app, document)
    assert 0 == app.plan(decode(document), digest="again").event_count
    amended = mutated(
        document,
        lambda d: d["contests"][1]["candidates"][2].update(withdrawn={"reason": "rezygnacja"}),
    )
    assert 2 == load(app, amended)  # the withdrawal and the load's own record
    assert first + 2 == store.count()


def test_a_load_too_big_for_one_batch_is_saved_in_several(app: Elections) -> None:
    """1,100 units need two atomic batches; the election's record comes last; reload is a no-op."""
    document = small_gmina(fresh_code())
    teryts = [f"{v:02d}{p:02d}{g:02d}" for v in range(2, 34, 2) for p in range(1, 8) for g in
              range(1, 11)][:1100]  # fmt: skip
    document["units"] = [unit(t, precincts=1) for t in teryts]
    document["contests"] = []
    plan = app.plan(decode(document), digest="big")
    assert [] == plan.problems
    assert 1100 + 3 == plan.event_count  # units, election, its committees, definition_loaded
    assert 2 == app.record(plan, OPERATOR)
    assert 0 == app.plan(decode(document), digest="big").event_count
