"""The committed generated files are what the code generates: JSON Schemas from the msgspec types,
the NATS users of deploy/ from services/nats/users.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import msgspec

from services.cli.schemas import SCHEMA_DIR, _dump, export_command, generated
from services.eventstore.streams import StreamLayout
from services.nats.users import deploy_accounts

if TYPE_CHECKING:
    from pathlib import Path


def test_committed_schemas_are_up_to_date() -> None:
    """`tally schemas export --check` passes on the repository."""
    for name, content in generated().items():
        assert content == (SCHEMA_DIR / name).read_text(encoding="utf-8"), name
    assert 0 == export_command(check=True)


def test_export_writes_and_check_notices_a_stale_file(tmp_path: Path) -> None:
    """Export writes every schema; a hand-edited one is reported as out of date."""
    assert 0 == export_command(check=False, directory=tmp_path)
    schema = json.loads((tmp_path / "election-definition.v1.json").read_text(encoding="utf-8"))
    assert "ElectionDefinition" in schema["$defs"]
    (tmp_path / "events.v1.json").write_text("{}", encoding="utf-8")
    assert 1 == export_command(check=True, directory=tmp_path)


def test_the_events_schema_names_every_stored_event_type() -> None:
    """Auditors decode payloads by tag with this schema."""
    events = json.loads(generated()["events.v1.json"])
    assert {
        "unit.defined.v1",
        "contest.list_registered.v1",
        "election.definition_loaded.v1",
    } <= set(events["properties"])


class _Indented(msgspec.Struct):
    """First line of a description that wraps
    onto an indented second line.

    A second paragraph.
    """

    count: int


class _Flush(msgspec.Struct):
    """First line of a description that wraps
    onto an indented second line.

    A second paragraph."""

    count: int


def test_descriptions_do_not_depend_on_docstring_layout() -> None:
    """Indentation and line wrapping of a docstring never reach a committed schema."""

    def description(kind: type) -> str:
        schema = json.loads(_dump(msgspec.json.schema(kind)))
        described: str = next(iter(schema["$defs"].values()))["description"]
        return described

    assert description(_Flush) == description(_Indented)
    assert (
        "First line of a description that wraps onto an indented second line.\n\n"
        "A second paragraph."
    ) == description(_Flush)


def test_data_values_named_description_are_left_alone() -> None:
    """A default that happens to hold a "description" key is data, not schema prose."""
    schema = {"default": {"description": "two\n  lines"}, "description": "one\n  two"}
    assert {"default": {"description": "two\n  lines"}, "description": "one two"} == json.loads(
        _dump(schema)
    )


def test_the_deploy_accounts_file_is_what_the_code_declares() -> None:
    """deploy/nats/accounts.conf is `tally admin nats-accounts` for the default stream."""
    committed = (SCHEMA_DIR.parents[1] / "deploy" / "nats" / "accounts.conf").read_text()
    assert deploy_accounts(StreamLayout("TALLY")) == committed
