"""The identity contract v1: fixed test vectors, and the README table that publishes them."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from domain import ids

VECTORS = [
    ("election/przyklad-2026", ids.election_id("przyklad-2026"),
     "72e3bc15-4b3b-5893-b0d1-e27b0891e7be"),
    ("unit/przyklad-2026/302199", ids.unit_id("przyklad-2026", "302199"),
     "a4ac82b2-7f7b-5cb2-91c1-cc0bc459cbbc"),
    ("contest/przyklad-2026/council:302199", ids.contest_id("przyklad-2026", "council:302199"),
     "7bdd8b52-5cd4-5542-93de-872f3218966a"),
    ("contest/przyklad-2026/mayor:302199", ids.contest_id("przyklad-2026", "mayor:302199"),
     "839a8e57-e299-5c6b-9b47-d5f3c38fda37"),
    ("contest/prezydent-2025/president:PL", ids.contest_id("prezydent-2025", "president:PL"),
     "4e986ab6-756b-53a5-87fb-2229b6b7819e"),
    ("protocol/przyklad-2026/302199/3/council:302199/3/1",
     ids.protocol_id("przyklad-2026", "302199", 3, "council:302199", 3, 1),
     "aa9b2e07-4130-5ab4-b5f2-a84848fc52ad"),
    ("protocol/przyklad-2026/302199/3/mayor:302199/0/2",
     ids.protocol_id("przyklad-2026", "302199", 3, "mayor:302199", ids.NO_DISTRICT, 2),
     "37b9b02d-0172-5bf0-9f7e-d762b737ceb7"),
    ("turnout/przyklad-2026/302199/3/1", ids.turnout_id("przyklad-2026", "302199", 3, 1),
     "0be332e3-18ae-5c69-8521-eeeb80bf1bae"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "computed", "expected"), VECTORS)
def test_vectors_are_fixed(key: str, computed: uuid.UUID, expected: str) -> None:
    """Each id is uuid5 of the documented key string, and never changes."""
    assert uuid.UUID(expected) == computed
    assert computed == uuid.uuid5(ids.NAMESPACE_V1, key)


def test_namespace_is_derived_as_documented() -> None:
    """The namespace is uuid5(NAMESPACE_URL, 'urn:tally:identity:v1')."""
    assert uuid.uuid5(uuid.NAMESPACE_URL, "urn:tally:identity:v1") == ids.NAMESPACE_V1


def test_readme_publishes_the_same_vectors() -> None:
    """Clients implement the contract from the README: its table must match the code."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    published = dict(
        re.findall(r"^\| `([a-z]+/[^`]+)` \| `([0-9a-f-]{36})` \|$", readme, re.MULTILINE)
    )
    assert {key: expected for key, _, expected in VECTORS} == published


@pytest.mark.parametrize("field", ["", "a/b"])
def test_key_fields_cannot_be_empty_or_contain_a_slash(field: str) -> None:
    """A '/' inside a field would make two different keys collide."""
    with pytest.raises(ValueError, match="identity key field"):
        ids.unit_id("e", field)
