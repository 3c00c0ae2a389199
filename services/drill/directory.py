"""A drill directory as ``tally drill import-pkw`` (or a generator) writes it, read back.

``definition.json`` (the election), ``protocols.jsonl`` (one ``SubmitProtocol`` per line, in the
order the precincts are listed), optionally ``official.jsonl`` (the published totals per gmina
unit) and ``import-report.json`` (what the import skipped and why) and ``night.jsonl`` (a generated
night's script: turnout reports, first attempts, corrections, planted discrepancies).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from schemas.commands import SubmitProtocol
from schemas.definition import ElectionDefinition
from schemas.drill import NightEntry
from services.drill.script import Script

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
        try:
            definition = msgspec.json.decode(
                (path / "definition.json").read_bytes(), type=ElectionDefinition
            )
            lines = (path / "protocols.jsonl").read_bytes().splitlines()
        except FileNotFoundError as error:
            raise DrillDirectoryError(
                f"{path} is not a drill directory: {error.filename} is missing"
            ) from error
        except msgspec.ValidationError as error:
            raise DrillDirectoryError(f"{path / 'definition.json'}: {error}") from error
        protocols = []
        for number, line in enumerate(lines, start=1):
            try:
                protocols.append(msgspec.json.decode(line, type=SubmitProtocol))
            except msgspec.DecodeError as error:
                raise DrillDirectoryError(
                    f"{path / 'protocols.jsonl'} line {number}: {error}"
                ) from error
        official_file = path / "official.jsonl"
        official = (
            tuple(json.loads(line) for line in official_file.read_text().splitlines())
            if official_file.exists()
            else None
        )
        night_file = path / "night.jsonl"
        decoder = msgspec.json.Decoder(NightEntry)
        try:
            script = (
                Script.of(decoder.decode(line) for line in night_file.read_bytes().splitlines())
                if night_file.exists()
                else Script()
            )
        except msgspec.DecodeError as error:
            raise DrillDirectoryError(f"{night_file}: {error}") from error
        report_file = path / "import-report.json"
        report = json.loads(report_file.read_text()) if report_file.exists() else {}
        return cls(
            path=path,
            definition=definition,
            protocols=tuple(protocols),
            official=official,
            skipped=(*report.get("skipped_no_result", ()), *report.get("skipped_unreadable", ())),
            script=script,
        )
