"""``tally election load FILE``: check a definition file, then record it, all or nothing."""

from __future__ import annotations

import hashlib
import sys
from typing import TYPE_CHECKING

import msgspec
import structlog

from domain.decoding import DecodeError, decode_json
from schemas.definition import ElectionDefinition
from schemas.load import LoadReport
from services.apps.actors import local_operator
from services.apps.elections import Elections
from services.nats.access import nats_access

if TYPE_CHECKING:
    from pathlib import Path

log = structlog.get_logger("election_load")

EXIT_REFUSED = 1


def load_command(path: Path, *, data_dir: Path, check: bool, as_json: bool) -> int:
    report = load_file(path, data_dir=data_dir, check=check)
    if as_json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
    else:
        sys.stdout.write(_render(report))
    return EXIT_REFUSED if report.status == "refused" else 0


def load_file(path: Path, *, data_dir: Path, check: bool = False) -> LoadReport:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        definition = decode_json(data, ElectionDefinition)
    except DecodeError as error:
        return LoadReport(
            status="refused", file=str(path), digest=digest, problems=tuple(error.problems)
        )
    with nats_access(data_dir) as settings:
        app = Elections(env=settings.environment())
        try:
            return _load(app, definition, path, digest, check=check)
        finally:
            app.close()


def _load(
    app: Elections, definition: ElectionDefinition, path: Path, digest: str, *, check: bool
) -> LoadReport:
    code = definition.election.code
    plan = app.plan(definition, digest)
    base = LoadReport(status="refused", file=str(path), digest=digest, election=code)
    if plan.problems:
        log.info("election_load.refused", election=code, problems=len(plan.problems))
        return msgspec.structs.replace(base, problems=tuple(plan.problems))
    events, aggregates = plan.event_count, len(plan.changed)
    if not events:
        return msgspec.structs.replace(base, status="unchanged")
    if check:
        return msgspec.structs.replace(base, status="checked", events=events, aggregates=aggregates)
    context = local_operator()
    saves = app.record(plan, context)
    log.info(
        "election_load.recorded",
        election=code,
        events=events,
        saves=saves,
        actor=context.actor,
        correlation_id=context.correlation_id,
    )
    return msgspec.structs.replace(
        base, status="recorded", events=events, saves=saves, aggregates=aggregates
    )


def _render(report: LoadReport) -> str:
    head = f"{report.file}:"
    if report.status == "refused":
        lines = [f"{head} refused, {len(report.problems)} problem(s); nothing was recorded"]
        lines += [f"  {p.path}  [{p.rule}]  {p.message}" for p in report.problems]
    elif report.status == "unchanged":
        lines = [f"{head} unchanged: election {report.election} already holds all of it"]
    else:
        verb = "would record" if report.status == "checked" else "recorded"
        summary = f"{report.events} event(s) on {report.aggregates} aggregate(s)"
        lines = [f"{head} {verb} {summary} of election {report.election}"]
    return "\n".join(lines) + "\n"
