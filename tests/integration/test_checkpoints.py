"""Signed checkpoints on a real nats-server: the projector's checkpointer signs the Merkle head
of the log as it stands, writes nothing when only checkpoints arrived, extends its previous head
(also after a restart, from the frontier it kept), and the audit check finds every change to the
log it signed, the last event of an aggregate included, and a forged or foreign signature."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import TYPE_CHECKING

import msgspec
import pytest

from domain import merkle
from domain.checkpoint import signature_holds
from domain.log_leaves import record_leaf
from services.apps.protocols import Protocols
from services.apps.signing import SigningKeys
from services.audit.checkpoints_check import check_checkpoints
from services.audit.source import live_records
from services.common.environment import environment
from services.common.key_files import b64
from services.eventstore.connection import connect
from services.eventstore.jetstream_port import JetStreamPort
from services.eventstore.settings import StoreSettings
from services.projector.checkpoints import Checkpointer
from services.projector.service import events_log
from services.tools.bench.synthetic import append_protocols
from tests.natsserver import fresh_stream, session_url
from tests.processes import TALLY, cli_env

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.audit import LogRecord
    from schemas.audit_events import CheckpointRecorded

pytestmark = pytest.mark.slow
KEYS = SigningKeys([("k2", bytes(range(32))), ("k1", bytes(range(32, 64)))])


def _settings(stream: str) -> StoreSettings:
    with environment(NATS_URL=session_url(), NATS_STREAM=stream):
        return StoreSettings.from_env_os()


def _protocols(stream: str, first: int, count: int) -> None:
    app = Protocols(env={"NATS_URL": session_url(), "NATS_STREAM": stream})
    try:
        append_protocols(app, first, count, batch=9)
    finally:
        app.close()


def _round(settings: StoreSettings, keys: SigningKeys = KEYS) -> CheckpointRecorded | None:
    """One round of a freshly started checkpointer (as after a restart)."""

    async def go() -> CheckpointRecorded | None:
        nc = await connect(settings, name="test-checkpoints")
        try:
            port = JetStreamPort(events_log(nc, settings))
            return await Checkpointer(nc, port, stream=settings.stream, keys=keys,
                                      timeout_s=5).once()  # fmt: skip
        finally:
            await nc.drain()

    return asyncio.run(go())


def test_checkpoints_sign_the_log_and_catch_every_change_to_it() -> None:
    stream = fresh_stream()
    settings = _settings(stream)
    _protocols(stream, 1, 20)  # 60 events
    first = _round(settings)
    assert first is not None
    records = live_records(settings)
    leaves = [record_leaf(r, KEYS.pseudonym_key) for r in records]
    assert (60, merkle.root(leaves[:60]).hex()) == (first.position, first.head)
    assert "" == signature_holds(KEYS.public_keys(), stream, first)
    assert _round(settings) is None  # only the checkpoint itself arrived: nothing to sign

    _protocols(stream, 21, 5)
    second = _round(settings)
    assert second is not None
    records = live_records(settings)
    leaves = [record_leaf(r, KEYS.pseudonym_key) for r in records]
    assert second.position == records[-2].seq  # every event but the checkpoint itself
    assert (first.position, first.head) == (second.previous_position, second.previous_head)
    assert merkle.root(leaves[: second.position]).hex() == second.head
    seen = check_checkpoints(live_records(settings), stream, KEYS.public_keys(), KEYS.pseudonym_key)
    assert ((), 2, second.position) == (seen.problems, seen.checkpoints, seen.covered)

    def found(changed: list[LogRecord]) -> list[tuple[int, str]]:
        checked = check_checkpoints(changed, stream, KEYS.public_keys(), KEYS.pseudonym_key)
        return [(p.seq, p.message) for p in checked.problems]

    checkpoint_seq = next(r.seq for r in records
                          if r.headers.get("Tally-Type") == "audit.checkpoint.v1")  # fmt: skip
    # The last event of an aggregate, which no hash chain follows, changed.
    altered = [msgspec.structs.replace(r, payload=r.payload.replace("1", "2", 1))
               if r.seq == 60 else r for r in records]  # fmt: skip
    assert [checkpoint_seq] == [seq for seq, _ in found(altered)][:1]
    assert "1..60" in found(altered)[0][1]
    # An event dropped, or two swapped: every checkpoint after them says so.
    assert found([r for r in records if r.seq != 10])
    swapped = [*records[:4], records[5], records[4], *records[6:]]
    assert found(swapped)
    # A foreign key, or a forged signature.
    other = SigningKeys([("k3", bytes(32))])
    assert all(
        "not among the known keys" in message or "extends" in message
        for _, message in found_with_keys(records, stream, other)
    )
    forged = [msgspec.structs.replace(r, payload=r.payload.replace(first.signature,
                                                                   b64(bytes(64))))
              for r in records]  # fmt: skip
    assert any("does not hold" in m for _, m in found(forged))


def found_with_keys(records: list[LogRecord], stream: str,
                    keys: SigningKeys) -> list[tuple[int, str]]:  # fmt: skip
    checked = check_checkpoints(records, stream, keys.public_keys(), KEYS.pseudonym_key)
    return [(p.seq, p.message) for p in checked.problems]


def test_an_event_is_proved_in_the_signed_log_and_the_proof_checked_by_anyone(
    tmp_path: Path,
) -> None:
    stream = fresh_stream()
    settings = _settings(stream)
    _protocols(stream, 1, 10)
    assert _round(settings) is not None
    keys = f"k2={b64(bytes(range(32)))},k1={b64(bytes(range(32, 64)))}"
    env = cli_env(NATS_URL=session_url(), NATS_STREAM=stream, TALLY_SIGNING_KEYS=keys)

    def audit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*TALLY, "audit", *args, "--data-dir", str(tmp_path)], env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip

    listed = audit("key")
    assert 0 == listed.returncode, listed.stderr
    assert listed.stdout.startswith(f"k2 ed25519 {KEYS.public_keys()['k2']}  (signs)")
    verified = audit("verify", "--json")
    report = json.loads(verified.stdout)
    assert (0, 1, 30) == (verified.returncode, report["checkpoints"], report["covered"])
    proved = audit("prove", "17", "--json")
    assert 0 == proved.returncode, proved.stdout + proved.stderr
    proof = tmp_path / "proof.json"
    proof.write_text(proved.stdout)
    checked = audit("check-proof", str(proof))
    assert 0 == checked.returncode, checked.stdout
    assert "the proof of event 17 holds" in checked.stdout

    document = json.loads(proved.stdout)
    document["event"]["payload"] = document["event"]["payload"].replace("1", "7", 1)
    proof.write_text(json.dumps(document))
    forged = audit("check-proof", str(proof))
    assert 1 == forged.returncode
    assert "not in the tree the checkpoint signs" in forged.stdout
    later = audit("prove", "31")
    assert (1, True) == (later.returncode, "signs events 1...30" in later.stdout)
