"""Every established result recomputed from the log alone.

One pass over the records folds the tally and progress views in memory and keeps the history of
every contest and result aggregate. At each ``results.established.v1`` the result is computed
again, by the same code the results desk uses, from what the log held just before it (the
contest as then defined, the draws then recorded, the confirmed protocols then counted) and
compared with the result recorded. A result that differs names the event: a protocol of the
contest changed between the position the result was computed at and its establishment, or the
recorded result is not what the log says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

import projections
from domain.contest import Contest
from domain.ids import contest_id, result_id
from domain.result import Result
from domain.results.contest_result import UnsupportedContestError
from schemas.audit import AuditProblem
from schemas.result_events import ResultEstablished
from schemas.results import ResultKey
from services.apps.log_records import to_message
from services.apps.repository import rebuild
from services.apps.result_inputs import Inputs, ResultInputs, computed
from services.eventstore.jetstream_port import recorded
from services.eventstore.mapper import tagged_mapper
from services.projector.decode import to_event
from services.projector.memory_views import MemoryViews

if TYPE_CHECKING:
    from collections.abc import Iterable

    from schemas.audit import LogRecord
    from services.eventstore.history import Recorded

KEPT = ("contest.", "results.")
"""Event tags of the aggregates a recomputation rebuilds."""


async def check_results(records: Iterable[LogRecord]) -> tuple[list[AuditProblem], int]:
    """Problems, and how many established results were recomputed."""
    views = MemoryViews([p for p in projections.ALL if p.NAME in ("tally", "progress")])
    reader = ResultInputs(views.ask)
    mapper = tagged_mapper()
    histories: dict[str, list[Recorded]] = {}
    problems: list[AuditProblem] = []
    checked = 0
    for record in records:
        message = to_message(record)
        try:
            event = to_event(message)
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue  # a damaged event: the views' check reports it at its sequence
        if isinstance(event.data, ResultEstablished):
            checked += 1
            try:
                problem = await _recompute(event.data, record.seq, reader, histories, mapper)
            except (ValueError, KeyError, TypeError, LookupError) as error:
                problem = AuditProblem(seq=record.seq, kind="result", message=(
                    f"the result cannot be computed again from the log: {error!r}"))  # fmt: skip
            if problem is not None:
                problems.append(problem)
        try:
            views.fold([event])
        except (ValueError, KeyError, TypeError):
            continue  # a fold that cannot take it: reported by the views' check
        if event.tag.startswith(KEPT):
            histories.setdefault(event.aggregate_id, []).append(recorded(message))
    return problems, checked


async def _recompute(
    established: ResultEstablished, seq: int, reader: ResultInputs,
    histories: dict[str, list[Recorded]], mapper: Any,
) -> AuditProblem | None:  # fmt: skip
    was = established.result
    key = ResultKey(election=was.election, contest=was.contest, round=was.round)
    # Rebuilding needs the aggregates' classes known (their tags register when imported).
    contest = rebuild(mapper, histories.get(str(contest_id(key.election, key.contest)), []))
    result_key = str(result_id(key.election, key.contest, key.round))
    result = rebuild(mapper, histories.get(result_key, []))
    if not isinstance(result, Result | None):
        return AuditProblem(seq=seq, kind="result", message=f"{result_key} is not a result")
    if not isinstance(contest, Contest):
        return AuditProblem(seq=seq, kind="result", message=f"{key.contest}: no such contest")
    read = await reader.read(key.election, key.contest, key.round, "established")
    inputs = Inputs(read.tallies, read.counts, established.position)
    try:
        again = await computed(reader, contest, key, was.flavour, inputs,
                               result.draws if result is not None else [])  # fmt: skip
    except UnsupportedContestError as error:
        return AuditProblem(seq=seq, kind="result", message=str(error))
    if again == was:
        return None
    return AuditProblem(seq=seq, kind="result", message=(
        f"{key.contest} round {key.round}: the log says {_brief(again)}, the established "
        f"result {_brief(was)}"))  # fmt: skip


def _brief(result: Any) -> str:
    if result.mayor is not None:
        return f"{result.mayor.decision} {result.mayor.elected or result.mayor.runoff}"
    elected = [e.id for d in result.districts for e in d.elected]
    return f"{len(elected)} elected {elected[:6]}, counted {result.precincts_counted}"
