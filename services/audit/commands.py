"""``tally audit export|replay|verify``: an auditor's commands, on the live log or an export."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

import msgspec

import projections
from domain.decoding import DecodeError, decode_json
from projections.core import view_name
from schemas import envelope
from schemas.audit import AuditProblem, AuditReport
from schemas.audit_events import CheckpointRecorded
from services.apps.actors import local_operator
from services.apps.signing import SigningKeys, SigningKeysError, SigningSource
from services.apps.verifications import Verifications
from services.audit.checkpoints_check import CheckpointsSeen, check_checkpoints
from services.audit.proofs import InclusionProof, ProofError, check, prove
from services.audit.public_export import public_lines
from services.audit.results_check import check_results
from services.audit.source import file_records, live_records, write_records
from services.audit.verify import check_log, compare_views, fold_views
from services.eventstore.connection import connect
from services.eventstore.jetstream_port import JetStreamPort
from services.eventstore.settings import StoreSettings
from services.nats.access import nats_access
from services.projector.checkpoints import Checkpointer
from services.projector.service import events_log
from services.projector.store import ViewStore

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.audit import LogRecord

EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


def _records(export: Path | None, data_dir: Path) -> list[LogRecord]:
    if export is not None:
        return list(file_records(export))
    with nats_access(data_dir) as settings:
        return live_records(settings)


def export_command(path: Path, *, data_dir: Path, public: bool = False,
                   signing: SigningSource | None = None) -> int:  # fmt: skip
    if public:
        return _public_export(path, data_dir, signing or SigningSource(data_dir=data_dir))
    records = _records(None, data_dir)
    write_records(path, records)
    sys.stdout.write(f"{path}: {len(records)} events\n")
    return 0


def _public_export(path: Path, data_dir: Path, signing: SigningSource) -> int:
    """The public export (``services.audit.public_export``), ending with a fresh checkpoint."""
    try:
        keys = SigningKeys.load(signing, create=False)
    except SigningKeysError as error:
        sys.stdout.write(f"cannot export: {error}\n")
        return EXIT_PROBLEMS
    with nats_access(data_dir) as settings:
        asyncio.run(_fresh_checkpoint(settings, keys))
        records = live_records(settings)
    with path.open("wb") as out:
        out.writelines(public_lines(records, stream=settings.stream,
                                    public_keys=keys.public_keys(),
                                    pseudonym_key=keys.pseudonym_key))  # fmt: skip
    sys.stdout.write(f"{path}: {len(records)} events, public\n")
    return 0


async def _fresh_checkpoint(settings: StoreSettings, keys: SigningKeys) -> None:
    nc = await connect(settings, name="tally-audit-export")
    try:
        port = JetStreamPort(events_log(nc, settings))
        await Checkpointer(nc, port, stream=settings.stream, keys=keys,
                           timeout_s=settings.request_timeout_s).once()  # fmt: skip
    finally:
        await nc.drain()


def replay_command(*, until: str | None, export: Path | None, data_dir: Path, as_json: bool) -> int:
    records = [r for r in _records(export, data_dir) if _before(r, until)]
    rebuilt, unfolded = fold_views(records, {})
    tallies = [
        row
        for (table, _), row in sorted(rebuilt[view_name_of("tally")][0].rows.items())
        if table == "tallies"
    ]
    last = records[-1].seq if records else 0
    if as_json:
        answer = {"position": last, "tallies": tallies, "problems": unfolded}
        sys.stdout.write(msgspec.json.encode(answer).decode() + "\n")
        return EXIT_PROBLEMS if unfolded else 0
    sys.stdout.write(f"as of sequence {last}:\n")
    for row in tallies:
        votes = {k: v for k, v in row["numbers"].items() if k.startswith(("c.", "l."))}
        sys.stdout.write(
            f"  {row['flavour']:<9} {row['contest']:<18} d{row['district']} "
            f"r{row['round']} {row['level']:<11} {row['code']:<7} "
            f"precincts={row['precincts']} votes={votes}\n"
        )
    _write_problems(unfolded)
    return EXIT_PROBLEMS if unfolded else 0


def _write_problems(problems: list[AuditProblem] | tuple[AuditProblem, ...]) -> None:
    for problem in problems:
        sys.stdout.write(f"  seq {problem.seq}: [{problem.kind}] {problem.message}\n")


def view_name_of(name: str) -> str:
    return next(view_name(p) for p in projections.ALL if name == p.NAME)


def _before(record: LogRecord, until: str | None) -> bool:
    if until is None:
        return True
    if until.isdigit():
        return record.seq <= int(until)
    cut = dt.datetime.fromisoformat(until)
    recorded = dt.datetime.fromisoformat(record.headers.get(envelope.RECORDED_AT, "9999-12-31"))
    return recorded <= cut


def verify(*, export: Path | None, data_dir: Path, views: Path | None,
           signing: SigningSource) -> AuditReport:  # fmt: skip
    """The log's chains and order checked, every view rebuilt in memory from the log alone
    and compared with the live view store at the position that store has reached, and every
    established result computed again from the log. A check of the live log is recorded in it
    (``audit.log_verified.v1``): every gateway's audit page shows the last verdict."""
    records = _records(export, data_dir)
    report = _verify(records, data_dir, views, signing)
    if export is None:
        up_to = records[-1].seq if records else 0
        with nats_access(data_dir) as settings:
            verifications = Verifications(env=settings.environment())
            try:
                verifications.record(report, up_to, local_operator())
            finally:
                verifications.close()
    return report


def _verify(records: list[LogRecord], data_dir: Path, views: Path | None,
            signing: SigningSource) -> AuditReport:  # fmt: skip
    problems, events, aggregates = check_log(records)
    checked = _checkpoints(records, signing)
    problems += checked.problems
    live, positions = _live_views(views or data_dir / "views" / "views.sqlite")
    rebuilt, unfolded = fold_views(records, positions)
    problems += unfolded + compare_views(rebuilt, live)
    differing, recomputed = asyncio.run(check_results(records))
    return AuditReport(
        events=events,
        aggregates=aggregates,
        views_compared=positions,
        problems=tuple(sorted(problems + differing)),
        results_recomputed=recomputed,
        checkpoints=checked.checkpoints,
        covered=checked.covered,
        head=checked.head,
    )


def _checkpoints(records: list[LogRecord], signing: SigningSource) -> CheckpointsSeen:
    """The signed checkpoints checked with this store's keys; without them, a problem saying
    the checkpoints could not be checked (never a silent pass)."""
    stream = StoreSettings.from_env_os().stream
    try:
        keys = SigningKeys.load(signing, create=False)
    except SigningKeysError as error:
        count = sum(r.headers.get(envelope.EVENT_TYPE) == CheckpointRecorded.TAG for r in records)
        if not count:
            return CheckpointsSeen(problems=(), checkpoints=0, covered=0)
        unchecked = AuditProblem(seq=0, kind="checkpoint",
                                 message=f"{count} checkpoint(s) not checked: {error}")  # fmt: skip
        return CheckpointsSeen(checkpoints=count, covered=0, problems=(unchecked,))
    return check_checkpoints(records, stream, keys.public_keys(), keys.pseudonym_key)


def verify_command(
    *, export: Path | None, data_dir: Path, views: Path | None, as_json: bool,
    signing: SigningSource,
) -> int:  # fmt: skip
    report = verify(export=export, data_dir=data_dir, views=views, signing=signing)
    problems = report.problems
    if as_json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
    else:
        verdict = "OK" if not problems else f"{len(problems)} problem(s)"
        sys.stdout.write(
            f"{report.events} events, {report.aggregates} aggregates, "
            f"views {dict(report.views_compared)}, results recomputed "
            f"{report.results_recomputed}, checkpoints {report.checkpoints} (signed up to "
            f"{report.covered}, head {report.covered}:{report.head or '-'}): {verdict}\n"
        )
        _write_problems(report.problems)
    return EXIT_PROBLEMS if problems else 0


def _live_views(
    path: Path,
) -> tuple[dict[str, dict[tuple[str, str], dict[str, Any]]], dict[str, int]]:
    live: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    positions: dict[str, int] = {}
    if not path.exists():
        return live, positions
    for projection in projections.ALL:
        store = ViewStore(path, view_name(projection), projection.TABLES)
        try:
            positions[store.view] = store.position()
            live[store.view] = {
                (table, key): row for table in projection.TABLES for key, row in store.rows(table)
            }
        finally:
            store.close()
    return live, positions


# Signed checkpoints: the keys, inclusion proofs.


def key_command(*, signing: SigningSource, as_json: bool) -> int:
    """The public keys that verify the checkpoints (never the private ones)."""
    try:
        keys = SigningKeys.load(signing, create=False)
    except SigningKeysError as error:
        sys.stdout.write(f"no signing keys: {error}\n")
        return EXIT_PROBLEMS
    public = dict(keys.public_keys())
    if as_json:
        sys.stdout.write(msgspec.json.encode({"signing": keys.current, "keys": public}).decode()
                         + "\n")  # fmt: skip
        return 0
    for key_id, key in public.items():
        marker = "  (signs)" if key_id == keys.current else ""
        sys.stdout.write(f"{key_id} ed25519 {key}{marker}\n")
    return 0


def prove_command(seq: int, *, export: Path | None, data_dir: Path, signing: SigningSource,
                  as_json: bool) -> int:  # fmt: skip
    try:
        keys = SigningKeys.load(signing, create=False)
    except SigningKeysError as error:
        sys.stdout.write(f"cannot prove: {error}\n")
        return EXIT_PROBLEMS
    records = _records(export, data_dir)
    try:
        proof = prove(records, seq, stream=StoreSettings.from_env_os().stream,
                      pseudonym_key=keys.pseudonym_key, public_keys=keys.public_keys())  # fmt: skip
    except ProofError as error:
        sys.stdout.write(f"cannot prove: {error}\n")
        return EXIT_PROBLEMS
    if as_json:
        sys.stdout.write(msgspec.json.encode(proof).decode() + "\n")
        return 0
    kind = proof.event.headers.get(envelope.EVENT_TYPE, "?")
    sys.stdout.write(
        f"event {seq} ({kind}) is leaf {proof.index} of {proof.size} under the checkpoint at "
        f"sequence {proof.checkpoint_seq} (head {proof.checkpoint.head}, key "
        f"{proof.checkpoint.key_id}), by a path of {len(proof.path)} hashes; --json prints the "
        "proof for tally audit check-proof\n"
    )
    return 0


def check_proof_command(path: Path, *, signing: SigningSource) -> int:
    """Exit 0 the proof holds, 1 it does not (every reason said), 2 it cannot be read."""
    try:
        proof = decode_json(path.read_bytes(), InclusionProof)
    except OSError as error:
        sys.stdout.write(f"cannot read {path}: {error.strerror}\n")
        return EXIT_UNREADABLE
    except DecodeError as error:
        sys.stdout.write(f"{path} is not an inclusion proof:\n")
        sys.stdout.write("".join(f"  {p.path} [{p.rule}] {p.message}\n" for p in error.problems))
        return EXIT_UNREADABLE
    try:
        keys, whose = dict(SigningKeys.load(signing, create=False).public_keys()), "this store's"
    except SigningKeysError:
        keys, whose = proof.public_keys, "the proof's own (compare them with the published ones)"
    problems = check(proof, keys)
    for problem in problems:
        sys.stdout.write(f"  {problem}\n")
    verdict = "does not hold" if problems else "holds"
    sys.stdout.write(f"the proof of event {proof.event.seq} {verdict}, checked with {whose} "
                     f"keys {', '.join(sorted(keys))}\n")  # fmt: skip
    return EXIT_PROBLEMS if problems else 0
