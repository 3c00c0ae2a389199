"""The committed JSON Schemas are what the msgspec types generate."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from services.schemas_export import SCHEMA_DIR, export_command, generated

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
