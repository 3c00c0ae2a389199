"""``tally rules table [--check]`` and ``tally protocol validate FILE``: the rule catalogue as
documentation, and judging a protocol without recording anything."""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec

from domain.decoding import DecodeError, decode_json
from domain.rules.table import rules_markdown
from domain.validation import check
from schemas.validation import ValidationRequest

RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
EXIT_FINDINGS = 1


def table_command(*, check_only: bool, path: Path | None = None) -> int:
    target = path or RULES_DOC
    content = rules_markdown()
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == content:
        return 0
    if check_only:
        sys.stdout.write(f"{target}: out of date; run `tally rules table` and commit it\n")
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    sys.stdout.write(f"{target}: written\n")
    return 0


def validate_command(path: Path, *, as_json: bool) -> int:
    """Exit 0 when the protocol is acceptable as it stands, 1 otherwise (or when malformed)."""
    try:
        request = decode_json(path.read_bytes(), ValidationRequest)
    except DecodeError as error:
        for problem in error.problems:
            sys.stdout.write(f"{problem.path}  [{problem.rule}]  {problem.message}\n")
        return EXIT_FINDINGS
    report = check(request)
    if as_json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
    else:
        sys.stdout.write(
            f"control code {report.control_code}; {report.acceptance} "
            f"(rules {report.rules_version}, profile {report.profile})\n"
        )
        for finding in report.findings:
            sys.stdout.write(
                f"  {finding.code} {finding.severity.value}: {finding.message_en}\n"
                f"       {finding.message_pl}\n"
            )
    return 0 if report.acceptance == "acceptable" else EXIT_FINDINGS
