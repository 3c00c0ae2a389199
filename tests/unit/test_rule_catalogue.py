"""The catalogue's public face: codes, messages, profiles, the brief table, the validate entry."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

import msgspec
import pytest

from domain.rules import PROFILES, RULES, RULES_VERSION, profile_for, validate
from domain.rules.catalogue import CODE_PATTERN
from domain.rules.coverage import BRIEF, codes
from domain.rules.profiles import UnknownProfileError
from domain.rules.table import rules_markdown
from domain.validation import Acceptance, acceptance, check
from schemas.definition import PrecinctType
from schemas.protocol import Severity
from schemas.validation import ValidationRequest
from services.cli.rules import RULES_DOC
from tests.processes import TALLY, cli_env
from tests.protocols import KEY, candidate_context, president_2015

if TYPE_CHECKING:
    from pathlib import Path


def test_every_rule_has_a_code_messages_a_source_and_known_fields() -> None:
    """Codes follow R<section><nn>; both languages and the brief reference are filled in."""
    for code, rule in RULES.items():
        assert CODE_PATTERN.match(code)
        assert rule.pl, code
        assert rule.en, code
        assert rule.source, code


def test_the_brief_is_covered_point_by_point() -> None:
    """Every code the coverage names exists, and every rule answers to a point of the brief."""
    named = {code for entry in BRIEF for code in codes(entry)}
    assert named <= set(RULES)
    assert set(RULES) == named
    uncovered = [entry for entry in BRIEF if not codes(entry)]
    assert all(entry[2] for entry in uncovered)  # each says why


def test_docs_rules_md_is_generated_from_the_code() -> None:
    """docs/rules.md is what `tally rules table` writes."""
    assert rules_markdown() == RULES_DOC.read_text(encoding="utf-8")


def test_profiles_change_severities_and_are_recorded() -> None:
    """Proxy voters abroad: an error by the 2015 rules, a warning from 2020 on (real data)."""
    content = president_2015()
    context = candidate_context(precinct_type=PrecinctType.ABROAD, estimate=None)
    strict = validate(content, context, PROFILES["pkw-2015"])
    relaxed = validate(content, context, PROFILES["pkw-2020"])
    assert [Severity.ERROR] == [f.severity for f in strict.findings if f.code == "R105"]
    assert [Severity.WARNING] == [f.severity for f in relaxed.findings if f.code == "R105"]
    assert (RULES_VERSION, "pkw-2020") == (relaxed.stamp.version, relaxed.stamp.profile)


def test_the_profile_follows_the_election_or_the_form() -> None:
    """An election names its profile; otherwise the form's newest one applies."""
    assert "pkw-2024" == profile_for("", "2024").name
    assert "pkw-2015" == profile_for("pkw-2015", "2025").name
    with pytest.raises(UnknownProfileError, match="pkw-1999"):
        profile_for("pkw-1999", "2025")


def test_acceptance_needs_explanations_for_warnings_and_approval_for_hard_ones() -> None:
    """ERROR refuses; an unexplained WARNING needs words; a HARD WARNING a coordinator."""
    invalid_ballot = president_2015(invalid_ballots=1, ballots_from_box=515, valid_ballots=514)
    context = candidate_context()
    findings = validate(invalid_ballot, context, PROFILES["pkw-2015"]).findings
    assert {"R304", "R306", "R307"} <= {f.code for f in findings}
    assert Acceptance.NEEDS_EXPLANATION == acceptance(findings, {})
    explained = {"R304": "jedna karta spoza urny", "R307": "karta przedarta"}
    assert Acceptance.NEEDS_APPROVAL == acceptance(findings, explained)
    clean = validate(president_2015(), context, PROFILES["pkw-2015"]).findings
    assert Acceptance.ACCEPTABLE == acceptance(clean, {})
    broken = validate(president_2015(valid_votes=1), context, PROFILES["pkw-2015"]).findings
    assert Acceptance.REFUSED == acceptance(broken, explained)


def test_check_reports_code_stamp_and_acceptance() -> None:
    """The validate entry point writes nothing and answers everything a client needs."""
    request = ValidationRequest(key=KEY, content=president_2015(), context=candidate_context())
    report = check(request)
    assert ("acceptable", "pkw-2015", ()) == (report.acceptance, report.profile, report.findings)
    assert 14 == len(report.control_code)


def test_the_cli_validates_a_request_file(tmp_path: Path) -> None:
    """`tally protocol validate FILE`: exit 0 when acceptable, 1 with the findings listed."""
    good = ValidationRequest(key=KEY, content=president_2015(), context=candidate_context())
    bad = msgspec.structs.replace(good, content=president_2015(eligible_voters=499))
    (tmp_path / "good.json").write_bytes(msgspec.json.encode(good))
    (tmp_path / "bad.json").write_bytes(msgspec.json.encode(bad))

    def run(name: str, *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*TALLY, "protocol", "validate", str(tmp_path / name), *flags],
            env=cli_env(), capture_output=True, text=True, check=False,
        )  # fmt: skip

    ok = run("good.json")
    assert 0 == ok.returncode, ok.stderr
    assert "acceptable" in ok.stdout
    refused = run("bad.json", "--json")
    assert 1 == refused.returncode
    report = json.loads(refused.stdout)
    assert "refused" == report["acceptance"]
    assert "R102" in {f["code"] for f in report["findings"]}
