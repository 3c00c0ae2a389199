"""Decoding a definition file reports every structural problem with its JSON path."""

from __future__ import annotations

import json

import pytest

from domain.decoding import DecodeError, decode_json
from schemas.definition import ElectionDefinition
from tests.definitions import decode, mutated, small_gmina


def problems_of(document: object) -> list[tuple[str, str]]:
    with pytest.raises(DecodeError) as caught:
        decode_json(json.dumps(document).encode(), ElectionDefinition)
    return [(p.path, p.rule) for p in caught.value.problems]


def test_a_valid_file_decodes() -> None:
    """The builder's gmina is a well-formed file."""
    definition = decode(small_gmina())
    assert "test-2026" == definition.election.code
    assert 3 == len(definition.units[0].precincts)


def test_every_structural_problem_is_listed_at_once() -> None:
    """Problems in different branches of the document are all reported, sorted by path."""

    def breaks(d: dict) -> None:
        d["election"]["code"] = "Not A Code"
        d["units"][0]["precincts"][1]["number"] = 0
        d["units"][0]["precincts"][2]["colour"] = "red"
        del d["units"][0]["kind"]
        d["contests"][1]["candidates"] = []
        d["contests"][0]["districts"][0]["candidates"][0]["position"] = "1"

    assert [
        ("$.contests[0].districts[0].candidates[0].position", "schema.type"),
        ("$.contests[1].candidates", "schema.type"),
        ("$.election.code", "schema.type"),
        ("$.units[0].kind", "schema.missing_field"),
        ("$.units[0].precincts[1].number", "schema.type"),
        ("$.units[0].precincts[2].colour", "schema.unknown_field"),
    ] == problems_of(mutated(small_gmina(), breaks))


def test_an_unknown_contest_kind_names_the_kinds() -> None:
    """The tag of a contest selects its fields; an unknown one is reported as such."""
    document = mutated(small_gmina(), lambda d: d["contests"][0].update(kind="sejmik"))
    assert [("$.contests[0].kind", "schema.unknown_kind")] == problems_of(document)


def test_enumerated_values_are_checked() -> None:
    """Precinct types are PKW's names; anything else is refused at its path."""
    document = mutated(small_gmina(), lambda d: d["units"][0]["precincts"][0].update(type="x"))
    assert [("$.units[0].precincts[0].type", "schema.type")] == problems_of(document)


def test_broken_json_is_one_syntax_problem() -> None:
    """A file that is not JSON cannot be walked: one problem at the root."""
    with pytest.raises(DecodeError) as caught:
        decode_json(b'{"format": ', ElectionDefinition)
    assert ["json.syntax"] == [p.rule for p in caught.value.problems]


def test_the_wrong_format_is_refused() -> None:
    """The format string names the version of the file format."""
    document = mutated(small_gmina(), lambda d: d.update(format="tally.election-definition.v9"))
    assert [("$.format", "schema.type")] == problems_of(document)


@pytest.mark.parametrize("kind", [[], {}, None, 1.5])
def test_a_kind_of_any_json_type_is_an_unknown_kind(kind: object) -> None:
    """A list or object where the contest's kind belongs is a problem, not a crash."""
    document = mutated(small_gmina(), lambda d: d["contests"][0].update(kind=kind))
    with pytest.raises(DecodeError) as refused:
        decode_json(json.dumps(document).encode(), ElectionDefinition)
    assert ["schema.unknown_kind"] == [p.rule for p in refused.value.problems]


def test_nesting_beyond_32_levels_is_too_deep() -> None:
    """Deep nesting is refused with its own rule, at any depth (msgspec's own limit included)."""
    for depth in (40, 5000):
        with pytest.raises(DecodeError) as refused:
            decode_json(b"[" * depth + b"]" * depth, ElectionDefinition)
        assert ["json.too_deep"] == [p.rule for p in refused.value.problems]
