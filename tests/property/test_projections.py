"""The views are pure folds: whatever the order of commands, however the stream is cut into
batches and however often a batch is delivered again, the tally is the sum of the current
versions of the protocols in each flavour, and the progress counts agree with them."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from projections import ALL, progress, tally
from projections.core import Event, MemoryView, fold_batch
from schemas import protocol_events as ev
from schemas.protocol import CandidateVotes, Finding, ProtocolContent, RulesStamp, Severity
from schemas.validation import ProtocolKey

RULES = RulesStamp(version="test", profile="test")
HARD = Finding(code="R111", severity=Severity.HARD_WARNING, fields=("ballots_unused",),
                message_pl="",
               message_en="")  # fmt: skip
PLACES = [("021501", "president:PL"), ("021501", "mayor:021501"), ("026101", "president:PL")]


def content(eligible: int, votes: list[int]) -> ProtocolContent:
    candidates = tuple(CandidateVotes(position=n, votes=v) for n, v in enumerate(votes, 1))
    return ProtocolContent(form="2025", eligible_voters=eligible, valid_votes=sum(votes),
                           candidates=candidates)  # fmt: skip


numbers = st.builds(content, st.integers(0, 3000), st.lists(st.integers(0, 500), min_size=2,
                                                               max_size=2))  # fmt: skip


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Event], dict[str, dict[str, Any]]]:
    """Events of several protocols, interleaved, and each protocol's expected final state."""
    events: list[tuple[str, str, Any]] = []
    truth: dict[str, dict[str, Any]] = {}
    routing: dict[str, dict[str, str]] = {}
    for index in range(draw(st.integers(1, 6))):
        teryt, contest = draw(st.sampled_from(PLACES))
        key = ProtocolKey(election="e-2025", teryt=teryt, precinct=index + 1, contest=contest)
        aggregate = f"p{index}"
        first = draw(numbers)
        hard = draw(st.booleans())
        events.append((aggregate, "protocol.submitted.v1", ev.ProtocolSubmitted(
            key=key, content=first, control_code="C1", findings=(HARD,) if hard else (),
            rules=RULES)))  # fmt: skip
        state = {"key": key, "content": first, "status": "awaiting" if hard else "accepted",
                 "version": 1}  # fmt: skip
        for step in draw(st.lists(st.sampled_from(["correct", "approve", "confirm", "withdraw",
                                                   "reject"]), max_size=6)):  # fmt: skip
            tag, data = _step(draw, step, state)
            if tag:
                events.append((aggregate, tag, data))
        truth[aggregate] = state
        routing[aggregate] = {"election": key.election, "gmina": key.teryt,
                              "precinct": str(key.precinct), "contest": key.contest,
                              "district": str(key.district), "round": str(key.round)}  # fmt: skip
    order = draw(st.permutations(range(len(events))))
    # Keep each aggregate's own order: a stable sort of the permutation by aggregate position.
    by_aggregate: dict[str, list[tuple[str, str, Any]]] = {}
    for item in events:
        by_aggregate.setdefault(item[0], []).append(item)
    interleaved = []
    cursors = dict.fromkeys(by_aggregate, 0)
    for i in order:
        aggregate = events[i][0]
        interleaved.append(by_aggregate[aggregate][cursors[aggregate]])
        cursors[aggregate] += 1
    stream = [Event(seq=n, tag=tag, aggregate_id=aggregate, routing=routing[aggregate],
                    data=data)
              for n, (aggregate, tag, data) in enumerate(interleaved, start=1)]  # fmt: skip
    return stream, truth


def _step(draw: st.DrawFn, step: str, state: dict[str, Any]) -> tuple[str, Any]:
    status = state["status"]
    if step == "correct":
        new = draw(numbers)
        withdrawn = status == "confirmed"
        state |= {"content": new, "version": state["version"] + 1, "status": "accepted"}
        return "protocol.corrected.v1", ev.ProtocolCorrected(
            version=state["version"], content=new, control_code="C", findings=(), rules=RULES,
            reason="r", confirmation_withdrawn=withdrawn)  # fmt: skip
    if step == "approve" and status == "awaiting":
        state["status"] = "accepted"
        return "protocol.hard_warnings_approved.v1", ev.HardWarningsApproved(
            version=state["version"], control_code="C", codes=("R111",))  # fmt: skip
    if step == "confirm" and status in ("accepted", "confirmed"):
        state["status"] = "confirmed"
        return "protocol.confirmed.v1", ev.ProtocolConfirmed(
            version=state["version"], control_code="C", method="control-code")  # fmt: skip
    if step == "withdraw" and status == "confirmed":
        state["status"] = "accepted"
        return "protocol.confirmation_withdrawn.v1", ev.ConfirmationWithdrawn(
            version=state["version"], reason="r")  # fmt: skip
    if step == "reject" and status != "rejected":
        state["status"] = "rejected"
        return "protocol.rejected.v1", ev.ProtocolRejected(version=state["version"], reason="r")
    return "", None


def expected_tallies(truth: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = {}
    for state in truth.values():
        key, numbers_ = state["key"], _vector(state["content"])
        for flavour, statuses in (("accepted", {"accepted", "confirmed"}),
                                  ("confirmed", {"confirmed"})):  # fmt: skip
            if state["status"] not in statuses:
                continue
            place = {"election": key.election, "contest": key.contest, "district": key.district,
                     "round": key.round}  # fmt: skip
            for level, code in tally.areas(key.teryt, key.contest):
                row = sums.setdefault(tally.tally_key(flavour, place, level, code), {})
                row["precincts"] = row.get("precincts", 0) + 1
                for name, value in numbers_.items():
                    row[name] = row.get(name, 0) + value
    return {k: {n: v for n, v in row.items() if v} for k, row in sums.items()}


def _vector(content: ProtocolContent) -> dict[str, int]:
    vector = {
        "eligible_voters": content.eligible_voters or 0,
        "valid_votes": content.valid_votes or 0,
    }
    vector |= {f"c.{c.position}": c.votes for c in content.candidates}
    return vector


def folded(projection: Any, stream: list[Event], cuts: list[int], replays: list[int]) -> MemoryView:
    view = MemoryView()
    bounds = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    again = max(replays, default=0)  # redelivering events already committed changes nothing
    for start, end in itertools.pairwise(bounds):
        batch = stream[max(0, start - again) : end]
        changes, position = fold_batch(projection, view, batch, view.position)
        view.commit(changes, position)
    return view


@given(
    histories(), st.lists(st.integers(0, 50), max_size=5), st.lists(st.integers(1, 5), max_size=2)
)
@settings(max_examples=300, deadline=None)
def test_the_tally_is_the_sum_of_the_current_versions(
    history: tuple[list[Event], dict[str, dict[str, Any]]], cuts: list[int], replays: list[int]
) -> None:
    """Per flavour and roll-up: precincts and every number of the latest versions, summed."""
    stream, truth = history
    view = folded(tally, stream, cuts, replays)
    actual = {
        key: {n: v for n, v in ({"precincts": row["precincts"]} | row["numbers"]).items() if v}
        for (table, key), row in view.rows.items()
        if table == tally.TALLIES
    }
    assert expected_tallies(truth) == {k: v for k, v in actual.items() if v}


@given(histories(), st.lists(st.integers(0, 50), max_size=5))
@settings(max_examples=200, deadline=None)
def test_progress_counts_follow_the_protocols(
    history: tuple[list[Event], dict[str, dict[str, Any]]], cuts: list[int]
) -> None:
    """Reported, confirmed, awaiting approval and rejected agree with the protocols' states."""
    stream, truth = history
    view = folded(progress, stream, cuts, [])
    rows = [row for (table, _), row in view.rows.items() if table == progress.PROGRESS]
    statuses = [state["status"] for state in truth.values()]
    assert len(truth) == sum(row["reported"] for row in rows)
    assert statuses.count("confirmed") == sum(row["confirmed"] for row in rows)
    assert statuses.count("awaiting") == sum(row["awaiting_approval"] for row in rows)
    assert statuses.count("rejected") == sum(row["rejected"] for row in rows)


@given(histories(), st.integers(0, 40), st.lists(st.integers(0, 50), max_size=5))
@settings(max_examples=150, deadline=None)
def test_replay_up_to_n_equals_the_live_views_after_n(
    history: tuple[list[Event], dict[str, dict[str, Any]]], n: int, cuts: list[int]
) -> None:
    """The auditor's replay (one event at a time, in memory) and the runner (batches over an
    overlay, committed) agree for every view at every point of the log."""
    stream, _ = history
    prefix = stream[: n % (len(stream) + 1)]
    for projection in ALL:
        live = folded(projection, prefix, cuts, [])
        replayed = MemoryView()
        for event in prefix:
            replayed.commit(projection.apply(replayed, event), event.seq)
        assert live.rows == replayed.rows, projection.NAME
