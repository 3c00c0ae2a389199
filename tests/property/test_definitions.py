"""Generated definitions: the rules accept every consistent file, and whatever is loaded reloads
identically through the real event store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.decoding import decode_json
from domain.definition_plan import Recorded, plan_load
from domain.definitions.shape import contest_shape
from domain.definitions.teryt import ABROAD, SHIPS, WARSAW_DISTRICTS
from schemas.definition import ElectionDefinition
from schemas.envelope import CommandContext
from services.apps.elections import Elections
from tests.definitions import fresh_code
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from collections.abc import Iterator

LETTERS = "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ -"
names = st.text(LETTERS, min_size=1, max_size=24).filter(lambda s: s.strip())
withdrawals = st.none() | st.builds(lambda r: {"reason": r}, names)


@st.composite
def ballot(draw: st.DrawFn, committees: list[str]) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(committees), min_size=1, unique=True))
    candidates = []
    for position, committee in enumerate(chosen, start=1):
        candidate = {"position": position, "name": draw(names), "committee": committee}
        if withdrawn := draw(withdrawals):
            candidate["withdrawn"] = withdrawn
        candidates.append(candidate)
    return candidates


@st.composite
def council(draw: st.DrawFn, unit: dict[str, Any], committees: list[str]) -> dict[str, Any]:
    teryt, refs = unit["teryt"], [f"{unit['teryt']}-{p['number']}" for p in unit["precincts"]]
    if unit["inhabitants"] <= 20_000 and int(teryt[2:4]) < 61:
        districts = [
            {"number": n, "seats": 1, "precincts": [ref], "candidates": draw(ballot(committees))}
            for n, ref in enumerate(refs, start=1)
        ]
        return {"kind": "council", "gmina": teryt, "system": "single-member",
                "seats": len(districts), "districts": districts}  # fmt: skip
    cuts = sorted(draw(st.sets(st.integers(1, len(refs) - 1), max_size=2))) if len(refs) > 1 else []
    groups = [refs[a:b] for a, b in zip([0, *cuts], [*cuts, len(refs)], strict=True)]
    numbered = {c: draw(st.booleans()) for c in committees}
    districts = []
    for n, group in enumerate(groups, start=1):
        lists = []
        for committee in draw(st.lists(st.sampled_from(committees), min_size=1, unique=True)):
            size = draw(st.integers(1, 6))
            candidates = []
            for position in range(1, size + 1):
                candidate = {"position": position, "name": draw(names)}
                if withdrawn := draw(withdrawals):
                    candidate["withdrawn"] = withdrawn
                candidates.append(candidate)
            entry: dict[str, Any] = {"committee": committee, "candidates": candidates}
            if numbered[committee]:
                entry["number"] = committees.index(committee) + 1
            if draw(st.integers(0, 9)) == 0:
                entry["annulled"] = {"reason": draw(names)}
            lists.append(entry)
        districts.append({"number": n, "seats": draw(st.integers(1, 8)), "precincts": group,
                          "lists": lists})  # fmt: skip
    return {"kind": "council", "gmina": teryt, "system": "proportional",
            "seats": sum(d["seats"] for d in districts), "districts": districts}  # fmt: skip


SPECIAL_UNITS = WARSAW_DISTRICTS | {ABROAD, SHIPS}


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    committees = [f"KW-{i}" for i in range(draw(st.integers(2, 5)))]
    teryts = draw(
        st.lists(
            st.builds(
                "{:02d}{:02d}{:02d}".format,
                st.sampled_from(range(2, 34, 2)),
                st.integers(1, 99),
                st.integers(1, 99),
            ).filter(lambda teryt: teryt not in SPECIAL_UNITS),  # they have kinds of their own
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    units, contests = [], []
    for teryt in teryts:
        precincts = [
            {"number": n, "address": draw(names), "postal": draw(st.booleans()),
             "eligible_voters": draw(st.integers(0, 3000)),
             "type": draw(st.sampled_from(["stały", "zakład leczniczy", "dom pomocy społecznej",
                                           "zakład karny", "dom studencki"]))}
            for n in range(1, draw(st.integers(1, 6)) + 1)
        ]  # fmt: skip
        unit = {"teryt": teryt, "name": draw(names), "kind": "gmina miejsko-wiejska",
                "inhabitants": draw(st.integers(0, 60_000)), "precincts": precincts}  # fmt: skip
        units.append(unit)
        if draw(st.booleans()):
            contests.append(draw(council(unit, committees)))
        if draw(st.booleans()):
            candidates = draw(ballot(committees))
            standing = [c["position"] for c in candidates if "withdrawn" not in c]
            mayor = {"kind": "mayor", "gmina": teryt, "office": "wójt", "candidates": candidates}
            if len(standing) >= 2 and draw(st.booleans()):
                mayor["runoff"] = standing[:2]
            contests.append(mayor)
    if draw(st.booleans()):
        contests.append(
            {"kind": "president", "form": "2025", "candidates": draw(ballot(committees))}
        )
    return {
        "format": "tally.election-definition.v1",
        "election": {"code": "generated", "name": draw(names), "rounds": [
            {"number": 1, "date": "2026-04-12"}, {"number": 2, "date": "2026-04-26"}]},
        "committees": [{"code": c, "name": f"Komitet {c}"} for c in committees],
        "units": units,
        "contests": contests,
    }  # fmt: skip


def decode(document: dict[str, Any]) -> ElectionDefinition:
    return decode_json(msgspec.json.encode(document), ElectionDefinition)


@given(definitions())
@settings(max_examples=150, deadline=None)
def test_every_consistent_definition_passes_every_rule(document: dict[str, Any]) -> None:
    """No rule refuses a file that is consistent by construction."""
    plan = plan_load(decode(document), Recorded(), digest="d")
    assert [] == plan.problems
    assert plan.event_count > 0


@pytest.fixture(scope="module")
def app() -> Iterator[Elections]:
    application = Elections(env={"NATS_URL": session_url(), "NATS_STREAM": fresh_stream()})
    yield application
    application.close()


@pytest.mark.nats
@given(definitions())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_generated_definitions_load_and_reload_identically(
    app: Elections, document: dict[str, Any]
) -> None:
    """Loaded through the store, a definition is rebuilt as written, and loading it again or
    re-encoding it changes nothing."""
    document["election"]["code"] = fresh_code()
    definition = decode(document)
    assert definition == decode(msgspec.to_builtins(definition))
    context = CommandContext(actor="local-operator:t@h", role="local-operator", channel="cli")
    app.record(app.plan(definition, digest="first"), context)

    again = app.plan(definition, digest="second")
    assert ([], 0) == (again.problems, again.event_count)
    recorded = app.recorded(definition)
    for unit in definition.units:
        assert unit == recorded.units[unit.teryt].definition()
    code = definition.election.code
    for contest in definition.contests:
        shape = contest_shape(code, contest)
        assert shape == recorded.contests[shape.contest].shape
