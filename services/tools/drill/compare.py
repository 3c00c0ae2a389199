"""What a drill checks at the end, as pure functions: the gmina tallies the system shows against
the sums of the drill's input protocols, and against the published official totals.

A tally is keyed by gmina unit x contest x district x round (district 0 for contests without
districts). Numbers use the flat names of ``projections.protocol_state.numbers``: the protocol's
count fields, ``c.<position>`` per candidate, ``l.<list>`` and ``l.<list>.<position>`` for lists.
The report turns the vote numbers into names exactly as the definition spells them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from domain.definitions.common import contest_key_of
from projections.protocol_state import numbers
from schemas.definition import (
    CouncilContest,
    CountyCouncilContest,
    ElectionDefinition,
    RegionalAssemblyContest,
    SenateContest,
)
from schemas.protocol import COUNT_FIELDS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from schemas.commands import SubmitProtocol

COUNTS: Final = frozenset(COUNT_FIELDS)


class TallyKey(NamedTuple):
    teryt: str
    contest: str
    district: int
    round: int


class Sum(NamedTuple):
    precincts: int
    numbers: dict[str, int]


def sum_protocols(protocols: Iterable[SubmitProtocol]) -> dict[TallyKey, Sum]:
    """The drill's own arithmetic over its input: what every gmina tally must show."""
    totals: dict[TallyKey, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    precincts: dict[TallyKey, int] = defaultdict(int)
    for protocol in protocols:
        k = protocol.key
        key = TallyKey(k.teryt, k.contest, k.district, k.round)
        precincts[key] += 1
        for name, value in numbers(protocol.content).items():
            totals[key][name] += value
    return {key: Sum(precincts[key], _nonzero(totals[key])) for key in totals}


def sum_view_rows(rows: Iterable[dict[str, Any]]) -> dict[TallyKey, Sum]:
    """The tally view's gmina rows (``/v1/views/tallies?level=gmina``) by key."""
    return {
        TallyKey(row["code"], row["contest"], row["district"], row["round"]): Sum(
            row["precincts"], _nonzero(row["numbers"])
        )
        for row in rows
        if row["level"] == "gmina"
    }


def _nonzero(vector: dict[str, int]) -> dict[str, int]:
    return {name: value for name, value in vector.items() if value}


def tally_differences(
    expected: dict[TallyKey, Sum], actual: dict[TallyKey, Sum], flavour: str
) -> list[dict[str, Any]]:
    """Every number that differs, one entry each (a missing tally differs in all its numbers)."""
    found = []
    empty = Sum(0, {})
    for key in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(key, empty), actual.get(key, empty)
        pairs = [("precincts", want.precincts, got.precincts)] + [
            (name, want.numbers.get(name, 0), got.numbers.get(name, 0))
            for name in sorted(want.numbers.keys() | got.numbers.keys())
        ]
        found += [
            {
                "gmina_teryt": key.teryt,
                "contest": key.contest,
                "district": key.district,
                "round": key.round,
                "flavour": flavour,
                "number": name,
                "expected": a,
                "actual": b,
            }
            for name, a, b in pairs
            if a != b
        ]
    return found


def vote_labels(definition: ElectionDefinition) -> dict[tuple[str, int], dict[str, str]]:
    """(contest, district) -> flat vote name -> the name as the definition spells it."""
    committees = {c.code: c.name for c in definition.committees}
    labels: dict[tuple[str, int], dict[str, str]] = {}
    for contest in definition.contests:
        key = contest_key_of(contest)
        if isinstance(contest, CouncilContest | CountyCouncilContest | RegionalAssemblyContest):
            for district in contest.districts:
                names = {f"c.{c.position}": c.name for c in district.candidates}
                for lst in district.lists:
                    if lst.number is None:
                        continue
                    names[f"l.{lst.number}"] = committees.get(lst.committee, lst.committee)
                    names |= {f"l.{lst.number}.{c.position}": c.name for c in lst.candidates}
                labels[key, district.number] = names
        elif isinstance(contest, SenateContest):
            for senate in contest.districts:
                labels[key, senate.number] = {f"c.{c.position}": c.name for c in senate.candidates}
        else:
            labels[key, 0] = {f"c.{c.position}": c.name for c in contest.candidates}
    return labels


def report_row(key: TallyKey, total: Sum, labels: dict[str, str], flavour: str) -> dict[str, Any]:
    """One entry of the report's ``tallies``; votes under their names, fields under theirs."""
    row: dict[str, Any] = {"gmina_teryt": key.teryt, "contest": key.contest}
    if key.district:
        row["district"] = key.district
    votes = {
        labels.get(name, name): value for name, value in total.numbers.items() if name not in COUNTS
    }
    return row | {
        "round": key.round,
        "flavour": flavour,
        "precincts": total.precincts,
        "fields": {name: total.numbers[name] for name in COUNT_FIELDS if name in total.numbers},
        "votes": dict(sorted(votes.items(), key=lambda item: -item[1])),
    }


def official_comparison(
    rows: list[dict[str, Any]],
    official: Iterable[dict[str, Any]],
    skipped: Iterable[dict[str, Any]],
    failed_units: set[str],
) -> dict[str, Any]:
    """Each unit's published total against the system's accepted tally of the same unit.

    A difference is explained when the tally equals the drill's input for the unit (it is not in
    ``failed_units``) and the published precinct file left out precincts of that unit: then
    PKW's two files disagree with each other (in 2020 the four military precincts abroad have a
    result in the gmina total and only ``-`` in the precinct file), not the tally with either.
    """
    by_unit = {row["gmina_teryt"]: row for row in rows if row["flavour"] == "accepted"}
    missing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for precinct in skipped:
        missing[precinct.get("gmina_teryt", "")].append(precinct)
    compared = equal = 0
    differences = []
    for published in official:
        unit = published["gmina_teryt"]
        row = by_unit.get(unit, {"fields": {}, "votes": {}})
        compared += 1
        fields = _differing(published["fields"], row["fields"])
        votes = _differing(published["votes"], row["votes"])
        if not fields and not votes:
            equal += 1
            continue
        gaps = missing.get(unit, [])
        explained = bool(gaps) and unit not in failed_units
        difference: dict[str, Any] = {
            "gmina_teryt": unit,
            "fields": fields,
            "votes": votes,
            "explained": explained,
        }
        if explained:
            difference["explanation"] = (
                f"PKW's total for {unit} includes {len(gaps)} precinct(s) its precinct file "
                "publishes without a result ('-') or with a value that cannot be read (the drill "
                "skips them, never guesses): "
                + "; ".join(f"{p['precinct']} {p['address']}" for p in gaps)
            )
        differences.append(difference)
    return {
        "compared": compared,
        "equal": equal,
        "different": len(differences),
        "differences": differences,
    }


def _differing(published: dict[str, int], shown: dict[str, int]) -> dict[str, dict[str, int]]:
    return {
        name: {"official": value, "tally": shown.get(name, 0)}
        for name, value in published.items()
        if shown.get(name, 0) != value
    }
