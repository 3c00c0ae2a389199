"""The outlier detector and the alerts fold, against their plain definitions: the robust z-score
computed with ``statistics`` over every precinct, and a fold that syncs a gmina's alerts on every
protocol event. Values are drawn from a small set so that ties, medians between two values and
spreads under the floor all come up."""

from __future__ import annotations

import itertools
import statistics
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections import alerts, detectors, robust
from projections.core import Event, MemoryView, fold_batch
from schemas import protocol_events as ev
from schemas.protocol import CandidateVotes, ProtocolContent, RulesStamp
from schemas.validation import ProtocolKey

RULES = RulesStamp(version="t", profile="t")
SHARES = st.sampled_from([0.0, 0.01, 0.1, 0.3, 0.31, 0.5, 0.52, 0.7, 0.99, 1.0, 1 / 3])


def plain_outliers(group: dict[str, dict[str, float]]) -> dict[str, list[detectors.Finding]]:
    """The detector's definition, one z-score per precinct and share."""
    found: dict[str, list[detectors.Finding]] = {}
    if len(group) < detectors.OUTLIER_MIN_PRECINCTS:
        return found
    for name in sorted({name for values in group.values() for name in values}):
        values = {precinct: s[name] for precinct, s in group.items() if name in s}
        if len(values) < detectors.OUTLIER_MIN_PRECINCTS:
            continue
        median = statistics.median(values.values())
        spread = statistics.median(abs(v - median) for v in values.values())
        mad = max(spread, detectors.OUTLIER_MAD_FLOOR)
        for precinct, value in values.items():
            if abs(0.6745 * (value - median) / mad) > detectors.OUTLIER_Z:
                found.setdefault(precinct, []).append(
                    detectors.Finding(
                        "outlier",
                        "warning",
                        name,
                        f"{name} share {value:.1%} against the gmina's median {median:.1%}",
                        f"udział {name} {value:.1%} wobec mediany gminy {median:.1%}",
                    )
                )
    return found


groups = st.dictionaries(
    st.integers(1, 60).map(lambda n: f"{n}/0"),
    st.dictionaries(st.sampled_from(["c.1", "c.2", "invalid"]), SHARES | st.floats(0, 1)),
    max_size=30,
)


@given(groups)
@settings(max_examples=500, deadline=None)
def test_outliers_are_the_robust_z_score_of_every_precinct(
    group: dict[str, dict[str, float]],
) -> None:
    """Same precincts, same findings, same order, same messages as the plain definition."""
    assert plain_outliers(group) == detectors.outliers(group)


def protocol(votes: tuple[int, int], invalid: int, extra: int = 0) -> ProtocolContent:
    valid = sum(votes)
    return ProtocolContent(form="2025", ballots_issued=valid + invalid + extra,
                           valid_ballots=valid + invalid, invalid_votes=invalid, valid_votes=valid,
                           candidates=tuple(CandidateVotes(position=n, votes=v)
                                            for n, v in enumerate(votes, 1)))  # fmt: skip


@st.composite
def gmina_nights(draw: st.DrawFn) -> list[Event]:
    """Protocols of one gmina submitted, then corrected (with the same votes or others),
    confirmed or rejected, in an interleaved order: groups large enough to have outliers, and
    precincts with a second contest whose ballots issued may differ."""
    votes = st.tuples(st.sampled_from([0, 5, 50, 100, 400]), st.sampled_from([1, 50, 100]))
    extra = st.sampled_from([0, 0, 7])
    steps: list[tuple[str, str, Any]] = []
    for precinct in range(1, draw(st.integers(6, 14)) + 1):
        contests = ["president:PL", "mayor:020101"][: draw(st.integers(1, 2))]
        for contest in contests:
            aggregate = f"p{precinct}-{contest}"
            key = ProtocolKey(election="e", teryt="020101", precinct=precinct, contest=contest)
            first = protocol(draw(votes), draw(st.sampled_from([0, 3, 90])), draw(extra))
            steps.append((aggregate, "protocol.submitted.v1", ev.ProtocolSubmitted(
                key=key, content=first, control_code="C", findings=(), rules=RULES)))  # fmt: skip
            steps += _later_steps(draw, aggregate, first, votes, extra)
    order = draw(st.permutations(steps))
    # Each protocol's own events stay in their order: take them in turn as the permutation says.
    queues: dict[str, list[tuple[str, str, Any]]] = {}
    for step in steps:
        queues.setdefault(step[0], []).append(step)
    ordered = [queues[aggregate].pop(0) for aggregate, _, _ in order]
    return [Event(seq=n, tag=tag, aggregate_id=aggregate, routing={}, data=data)
            for n, (aggregate, tag, data) in enumerate(ordered, start=1)]  # fmt: skip


def _later_steps(
    draw: st.DrawFn,
    aggregate: str,
    first: ProtocolContent,
    votes: st.SearchStrategy[tuple[int, int]],
    extra: st.SearchStrategy[int],
) -> list[tuple[str, str, Any]]:
    steps: list[tuple[str, str, Any]] = []
    version = 1
    for step in draw(st.lists(st.sampled_from(["same", "other", "confirm", "reject"]),
                              max_size=3)):  # fmt: skip
        if step in ("same", "other"):
            version += 1
            again = first if step == "same" else protocol(draw(votes), 0, draw(extra))
            steps.append((aggregate, "protocol.corrected.v1", ev.ProtocolCorrected(
                version=version, content=again, control_code="C", findings=(), rules=RULES,
                reason="r")))  # fmt: skip
        elif step == "confirm":
            steps.append((aggregate, "protocol.confirmed.v1",
                          ev.ProtocolConfirmed(version=version, control_code="C",
                                               method="control-code")))  # fmt: skip
        else:
            steps.append((aggregate, "protocol.rejected.v1",
                          ev.ProtocolRejected(version=version, reason="r")))  # fmt: skip
    return steps


def folded(stream: list[Event], cuts: list[int]) -> MemoryView:
    view = MemoryView()
    bounds = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    for start, end in itertools.pairwise(bounds):
        changes, position = fold_batch(alerts, view, stream[start:end], view.position)
        view.commit(changes, position)
    return view


@given(gmina_nights(), st.lists(st.integers(0, 60), max_size=4))
@settings(max_examples=150, deadline=None)
def test_a_gmina_synced_only_when_its_shares_change_has_the_rows_of_one_synced_always(
    stream: list[Event], cuts: list[int]
) -> None:
    """Skipping the sync of an unchanged group (its shares compared, or the protocol's entry
    known unchanged) or precinct leaves every alerts row as syncing it would; the precincts whose
    contests issued different numbers of ballots are those with an open alert saying so."""
    fast = folded(stream, cuts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alerts, "_synced_already", lambda *_: False)
        patch.setattr(alerts, "_entry_unchanged", lambda *_: False)
        patch.setattr(alerts, "_numbers_unchanged", lambda *_: False)
        always = folded(stream, cuts)
    assert always.rows == fast.rows
    assert _differing_precincts(stream) == {
        row["precinct"]
        for (table, _), row in fast.rows.items()
        if table == alerts.ALERTS and row["kind"] == "issued-differs" and row["state"] == "open"
    }


def _differing_precincts(stream: list[Event]) -> set[int]:
    """Precincts whose protocols' current versions issued different numbers of ballots."""
    issued: dict[str, tuple[int, int]] = {}
    for event in stream:
        if isinstance(event.data, ev.ProtocolSubmitted):
            precinct = event.data.key.precinct
            issued[event.aggregate_id] = (precinct, event.data.content.ballots_issued or 0)
        elif isinstance(event.data, ev.ProtocolCorrected):
            precinct = issued[event.aggregate_id][0]
            issued[event.aggregate_id] = (precinct, event.data.content.ballots_issued or 0)
    by_precinct: dict[int, set[int]] = {}
    for precinct, ballots in issued.values():
        by_precinct.setdefault(precinct, set()).add(ballots)
    return {precinct for precinct, values in by_precinct.items() if len(values) > 1}


@given(st.lists(SHARES | st.floats(0, 1), min_size=1, max_size=40))
@settings(max_examples=500)
def test_median_and_spread_are_statistics_own(values: list[float]) -> None:
    """The very floats ``statistics.median`` gives for the values and their distances."""
    ordered = sorted(values)
    median = statistics.median(values)
    assert median == robust.median(ordered)
    assert statistics.median(abs(v - median) for v in values) == robust.spread(ordered, median)


changes = st.lists(
    st.tuples(
        st.integers(1, 20).map(lambda n: f"{n}/0"),
        st.none() | st.dictionaries(st.sampled_from(["c.1", "c.2", "invalid"]), SHARES),
    ),
    max_size=40,
)


@given(groups, changes)
@settings(max_examples=300, deadline=None)
def test_outliers_of_a_group_changed_one_precinct_at_a_time_are_those_of_the_group(
    group: dict[str, dict[str, float]], steps: list[tuple[str, dict[str, float] | None]]
) -> None:
    """Updating the remembered sorted shares one precinct at a time finds what the plain
    definition finds on each group, whether or not the previous group is remembered."""
    previous = None
    for number, (precinct, shares) in enumerate(steps):
        current = dict(group if previous is None else previous)
        if shares is None:
            current.pop(precinct, None)
        else:
            current[precinct] = shares
        if number % 7 == 3:  # a group read back from the store: not the remembered one
            previous = {key: dict(values) for key, values in (previous or group).items()}
        assert plain_outliers(current) == detectors.outliers(current, previous, precinct)
        previous = current
