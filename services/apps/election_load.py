"""Loading a definition file: check it, then record it, all or nothing (``tally election load``)."""

from __future__ import annotations

import hashlib
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


def load_file(path: Path, *, data_dir: Path, check: bool = False) -> LoadReport:
    """Load into the store of ``data_dir`` (``services.nats.access``); a file that does not
    decode is refused before any server is reached."""
    decoded = _decoded(path)
    if isinstance(decoded, LoadReport):
        return decoded
    with nats_access(data_dir) as settings:
        app = Elections(env=settings.environment())
        try:
            return load_definition(app, *decoded, check=check)
        finally:
            app.close()


def load_into(app: Elections, path: Path, *, check: bool = False) -> LoadReport:
    """``load_file`` into an application of the caller's, on any store."""
    decoded = _decoded(path)
    if isinstance(decoded, LoadReport):
        return decoded
    return load_definition(app, *decoded, check=check)


def _decoded(path: Path) -> tuple[ElectionDefinition, Path, str] | LoadReport:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        return decode_json(data, ElectionDefinition), path, digest
    except DecodeError as error:
        return LoadReport(
            status="refused", file=str(path), digest=digest, problems=tuple(error.problems)
        )


def load_definition(
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
