"""``tally election load FILE [--check] [--json]``: the report of a load, for people or scripts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import msgspec

from services.apps.election_load import load_file

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.load import LoadReport

EXIT_REFUSED = 1


def load_command(path: Path, *, data_dir: Path, check: bool, as_json: bool) -> int:
    report = load_file(path, data_dir=data_dir, check=check)
    if as_json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
    else:
        sys.stdout.write(_render(report))
    return EXIT_REFUSED if report.status == "refused" else 0


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
