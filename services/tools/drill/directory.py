"""A drill directory as ``tally drill import-pkw`` (or a generator) writes it, read back.

``definition.json`` (the election), ``protocols.jsonl`` (one ``SubmitProtocol`` per line, in the
order the precincts are listed), optionally ``official.jsonl`` (the published totals per gmina
unit) and ``import-report.json`` (what the import skipped and why) and ``night.jsonl`` (a generated
night's script: turnout reports, first attempts, corrections, planted discrepancies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from schemas.commands import SubmitProtocol
from schemas.definition import ElectionDefinition
from schemas.drill import ImportReport, NightEntry, OfficialTotals
from services.common.jsonfiles import UnreadableFileError, read_json, read_json_lines
from services.tools.drill.script import Script

if TYPE_CHECKING:
    from pathlib import Path


class DrillDirectoryError(Exception):
    pass


@dataclass(frozen=True)
class DrillDirectory:
    path: Path
    definition: ElectionDefinition
    protocols: tuple[SubmitProtocol, ...]
    official: tuple[dict[str, Any], ...] | None
    skipped: tuple[dict[str, Any], ...]
    script: Script

    @property
    def definition_file(self) -> Path:
        return self.path / "definition.json"

    @classmethod
    def read(cls, path: Path) -> DrillDirectory:
        """The directory's files, each decoded strictly; a damaged one is a DrillDirectoryError
        naming the file, the line and what is wrong."""
        try:
            definition = read_json(path / "definition.json", ElectionDefinition)
            protocols = read_json_lines(path / "protocols.jsonl", SubmitProtocol)
            official = _optional(path / "official.jsonl", OfficialTotals)
            night = _optional(path / "night.jsonl", NightEntry)
            report_file = path / "import-report.json"
            report = read_json(report_file, ImportReport) if report_file.exists() else None
        except FileNotFoundError as error:
            raise DrillDirectoryError(
                f"{path} is not a drill directory: {error.filename} is missing"
            ) from error
        except (UnreadableFileError, OSError) as error:
            raise DrillDirectoryError(str(error)) from error
        skipped = (*report.skipped_no_result, *report.skipped_unreadable) if report else ()
        return cls(
            path=path,
            definition=definition,
            protocols=tuple(protocols),
            official=None if official is None else tuple(msgspec.to_builtins(official)),
            skipped=tuple(msgspec.to_builtins(skipped)),
            script=Script.of(night or ()),
        )


def _optional(path: Path, kind: Any) -> list[Any] | None:
    """The lines of an optional file (``kind`` may be a tagged union, not only a class)."""
    lines: list[Any] | None = read_json_lines(path, kind) if path.exists() else None
    return lines
