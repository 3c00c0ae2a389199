"""Small election definitions for tests, as JSON-ready dicts (tests mutate them, then decode)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from domain.contest import Contest
from domain.decoding import decode_json
from domain.definition_plan import Recorded, plan_load
from domain.election import Election
from domain.unit import Unit
from schemas.definition import ElectionDefinition
from schemas.envelope import CommandContext

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GMINA = "021501"
OPERATOR = CommandContext(actor="local-operator:test@host", role="local-operator", channel="cli")
"""The local operator at a test machine: who loads definitions and enters protocols in tests."""
CITY = "026101"


def fresh_code() -> str:
    return "test-" + uuid.uuid4().hex[:12]


def election(code: str = "test-2026", *, runoff: bool = True) -> dict[str, Any]:
    rounds = [{"number": 1, "date": "2026-04-12"}]
    if runoff:
        rounds.append({"number": 2, "date": "2026-04-26"})
    return {"code": code, "name": "Wybory testowe", "rounds": rounds}


def committees() -> list[dict[str, Any]]:
    return [
        {"code": "KWW-A", "name": "Komitet Wyborczy Wyborców A"},
        {"code": "KWW-B", "name": "Komitet Wyborczy Wyborców B"},
        {"code": "KWW-C", "name": "Komitet Wyborczy Wyborców C"},
    ]


def unit(teryt: str = GMINA, precincts: int = 3, inhabitants: int = 9000) -> dict[str, Any]:
    return {
        "teryt": teryt,
        "name": f"Gmina {teryt}",
        "kind": "gmina wiejska",
        "inhabitants": inhabitants,
        "precincts": [
            {"number": n, "address": f"Szkoła nr {n}", "eligible_voters": 800 + n}
            for n in range(1, precincts + 1)
        ],
    }


def small_gmina(code: str = "test-2026") -> dict[str, Any]:
    """A gmina of 3 precincts: a single-member council of 3 and a wójt."""
    districts = [
        {
            "number": n,
            "seats": 1,
            "precincts": [f"{GMINA}-{n}"],
            "candidates": [
                {"position": 1, "name": f"Anna NOWAK {n}", "committee": "KWW-A"},
                {"position": 2, "name": f"Jan KOWALSKI {n}", "committee": "KWW-B"},
            ],
        }
        for n in (1, 2, 3)
    ]
    return {
        "format": "tally.election-definition.v1",
        "election": election(code),
        "committees": committees(),
        "units": [unit()],
        "contests": [
            {"kind": "council", "gmina": GMINA, "system": "single-member", "seats": 3,
             "districts": districts},
            {"kind": "mayor", "gmina": GMINA, "office": "wójt", "candidates": [
                {"position": 1, "name": "Ewa WÓJCIK", "committee": "KWW-A"},
                {"position": 2, "name": "Piotr ZIELIŃSKI", "committee": "KWW-B"},
                {"position": 3, "name": "Maria MAZUR", "committee": "KWW-C"},
            ]},
        ],
    }  # fmt: skip


def small_city(code: str = "test-2026") -> dict[str, Any]:
    """A city with powiat rights: 4 precincts, a proportional council of 2 districts, lists."""

    def lists(district: int) -> list[dict[str, Any]]:
        return [
            {
                "committee": committee,
                "number": number,
                "candidates": [
                    {"position": p, "name": f"Kandydat {committee} {district}-{p}"}
                    for p in range(1, 6)
                ],
            }
            for number, committee in enumerate(("KWW-A", "KWW-B", "KWW-C"), start=1)
        ]

    return {
        "format": "tally.election-definition.v1",
        "election": election(code),
        "committees": committees(),
        "units": [unit(CITY, precincts=4, inhabitants=60000) | {"kind": "gmina miejska"}],
        "contests": [
            {
                "kind": "council",
                "gmina": CITY,
                "system": "proportional",
                "seats": 10,
                "districts": [
                    {"number": 1, "seats": 5, "precincts": [f"{CITY}-1", f"{CITY}-2"],
                     "lists": lists(1)},
                    {"number": 2, "seats": 5, "precincts": [f"{CITY}-3", f"{CITY}-4"],
                     "lists": lists(2)},
                ],
            }
        ],
    }  # fmt: skip


def decode(document: dict[str, Any]) -> ElectionDefinition:
    return decode_json(json.dumps(document).encode(), ElectionDefinition)


def mutated(document: dict[str, Any], change: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def recorded_from(document: dict[str, Any]) -> Recorded:
    """What the event store would hold after loading ``document``."""
    plan = plan_load(decode(document), Recorded(), digest="first")
    assert [] == plan.problems
    recorded = Recorded()
    for aggregate in plan.changed:
        aggregate.collect_events()
        if isinstance(aggregate, Election):
            recorded.election = aggregate
        elif isinstance(aggregate, Unit):
            recorded.units[aggregate.teryt] = aggregate
        elif isinstance(aggregate, Contest):
            recorded.contests[aggregate.shape.contest] = aggregate
    return recorded


def load(app: Any, document: dict[str, Any]) -> int:
    """Record ``document`` through an elections application; the number of events it wrote."""
    plan = app.plan(decode(document), digest="test")
    assert [] == plan.problems
    count: int = plan.event_count
    app.record(plan, OPERATOR)
    return count
