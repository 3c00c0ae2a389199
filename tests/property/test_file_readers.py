"""Every file Tally reads, damaged, is read or refused with its place: never another exception.

Definition files (`tally election load`), protocol and turnout command files (`tally protocol
...`, `tally turnout ...`), validation requests (`tally protocol validate`), drill directories
(`tally drill run`), audit exports (`tally audit verify|replay --export`) and secret key files.
PKW's archives have their own test (test_pkw_reader.py).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.decoding import DecodeError, decode_json
from domain.definition_plan import Recorded, plan_load
from domain.validation import check
from schemas import commands
from schemas.definition import ElectionDefinition
from schemas.validation import RuleContext, ValidationRequest
from services.apps.protocols import Protocols
from services.apps.signing import SigningSource
from services.audit.commands import verify
from services.audit.source import live_records, write_records
from services.commands.accounts.keyring import Keyring, KeyringError
from services.common.jsonfiles import UnreadableFileError
from services.eventstore.settings import StoreSettings
from services.tools.bench.synthetic import append_protocols
from services.tools.drill.directory import DrillDirectory, DrillDirectoryError
from services.tools.drill.pkw_import import import_pkw
from tests.definitions import EXAMPLES, recorded_from
from tests.mutations import attempt, damaged_bytes, damaged_json
from tests.natsserver import fresh_stream, session_url

DATA = Path(__file__).resolve().parents[1] / "data"
QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def damaged(document: Any) -> st.SearchStrategy[bytes]:
    return damaged_json(document) | damaged_bytes(json.dumps(document, indent=1).encode())


DEFINITIONS = {
    path.name: json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES.glob("*.json")
}


@QUICK
@given(data=st.data())
def test_a_damaged_definition_file_is_refused_with_its_problems(data: st.DataObject) -> None:
    """Decoding lists every problem by JSON path; what decodes is judged by the loader's rules,
    as a first load and over the undamaged file, and never raises."""
    original = DEFINITIONS[data.draw(st.sampled_from(sorted(DEFINITIONS)))]
    damaged_file = data.draw(damaged(original))
    definition, error = attempt(lambda: decode_json(damaged_file, ElectionDefinition), DecodeError)
    if definition is None:
        assert isinstance(error, DecodeError)
        assert error.problems
        assert all(problem.path.startswith("$") for problem in error.problems)
        return
    plan_load(definition, Recorded(), digest="damaged")
    plan_load(definition, recorded_from(original), digest="damaged-again")


COMMAND_FILES = {
    "council-precinct-2.json": commands.SubmitProtocol,
    "mayor-precinct-2.json": commands.SubmitProtocol,
    "mayor-precinct-2-correction.json": commands.CorrectProtocol,
    "turnout-precinct-2-1200.json": commands.ReportTurnout,
    "turnout-precinct-2-1700.json": commands.ReportTurnout,
}


@QUICK
@given(data=st.data())
def test_a_damaged_command_file_is_refused_and_what_decodes_is_judged(
    data: st.DataObject,
) -> None:
    """A protocol command file decodes or lists its problems; a protocol that decodes is judged
    by every rule without raising, whatever numbers it holds."""
    name = data.draw(st.sampled_from(sorted(COMMAND_FILES)))
    kind = COMMAND_FILES[name]
    original = json.loads((EXAMPLES / "protocols" / name).read_text(encoding="utf-8"))
    damaged_file = data.draw(damaged(original))
    command, error = attempt(lambda: decode_json(damaged_file, kind), DecodeError)
    assert (command is None) == isinstance(error, DecodeError)
    if isinstance(command, commands.SubmitProtocol | commands.CorrectProtocol):
        context = data.draw(st.sampled_from([
            RuleContext(contest_kind="mayor", yes_no=True),
            RuleContext(contest_kind="mayor", candidates=frozenset({1, 2, 3})),
            RuleContext(contest_kind="council", candidates=frozenset({1, 2, 3, 4})),
            RuleContext(contest_kind="president", postal=True, estimate=700),
        ]))  # fmt: skip
        check(ValidationRequest(key=command.key, content=command.content, context=context))


@pytest.fixture(scope="module")
def drill_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drill") / "excerpt"
    import_pkw(sorted((DATA / "pkw-2020-r1").glob("*.zip")), out)
    lines = (out / "protocols.jsonl").read_text().splitlines()
    (out / "protocols.jsonl").write_text("\n".join(lines[:6]) + "\n")  # quick examples
    return out


@QUICK
@given(data=st.data())
def test_a_damaged_drill_directory_is_refused_naming_file_and_line(
    drill_directory: Path, data: st.DataObject
) -> None:
    """Any of its files damaged: read, or DrillDirectoryError naming the file (and line)."""
    files = ["definition.json", "protocols.jsonl", "official.jsonl", "import-report.json"]
    name = data.draw(st.sampled_from(files))
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "drill"
        shutil.copytree(drill_directory, directory)
        original = (directory / name).read_bytes()
        if name.endswith(".jsonl") and data.draw(st.booleans()):
            lines = original.splitlines()
            index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index] = data.draw(damaged_json(json.loads(lines[index])))
            damaged_file = b"\n".join(lines) + b"\n"
        elif name.endswith(".json") and data.draw(st.booleans()):
            damaged_file = data.draw(damaged_json(json.loads(original)))
        else:
            damaged_file = data.draw(damaged_bytes(original))
        (directory / name).write_bytes(damaged_file)
        _, error = attempt(lambda: DrillDirectory.read(directory), DrillDirectoryError)
        assert error is None or name in str(error)


KEYS = "k1=" + "A" * 43 + "\nk2=" + "B" * 43 + "\n"


@QUICK
@given(text=damaged_bytes(KEYS.encode()))
def test_a_damaged_secret_key_file_is_refused_naming_the_problem(text: bytes) -> None:
    """Keys that do not decode to AES-256 keys are a KeyringError, never a crypto traceback."""
    _, error = attempt(lambda: Keyring.parse(text.decode("utf-8", errors="replace")), KeyringError)
    assert error is None or str(error)


@pytest.fixture(scope="module")
def audit_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of a small log: 4 protocols submitted, corrected and confirmed (12 events)."""
    stream = fresh_stream()
    app = Protocols(env={"NATS_URL": session_url(), "NATS_STREAM": stream})
    try:
        append_protocols(app, 1, 4, batch=2)
    finally:
        app.close()
    export = tmp_path_factory.mktemp("audit") / "log.jsonl"
    write_records(export, live_records(StoreSettings(url=session_url(), stream=stream)))
    return export


@pytest.mark.nats
@QUICK
@given(data=st.data())
def test_a_damaged_audit_export_is_verified_or_refused_at_its_line(
    audit_export: Path, data: st.DataObject
) -> None:
    """A damaged export is never a crash: lines that are not log records are refused with the
    line; records that decode but do not check out are problems at their sequence."""
    lines = audit_export.read_bytes().splitlines()
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if data.draw(st.booleans()):
        lines[index] = data.draw(damaged_json(json.loads(lines[index])))
        damaged_file = b"\n".join(lines) + b"\n"
    else:
        damaged_file = data.draw(damaged_bytes(b"\n".join(lines) + b"\n"))
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "log.jsonl"
        export.write_bytes(damaged_file)
        report, error = attempt(
            lambda: verify(
                export=export,
                data_dir=Path(scratch),
                views=None,
                signing=SigningSource(data_dir=Path(scratch)),
            ),
            UnreadableFileError,
        )
        if error is not None:
            assert isinstance(error, UnreadableFileError)
            assert error.line is not None
            assert str(export) in str(error)
        else:
            assert report is not None
            event("verified" if not report.problems else "problems reported")
