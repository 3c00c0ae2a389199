"""Results on a running Tally: the provisional result as protocols come in, establishing it
once they are confirmed (refused earlier without a reason), the runoff opened by the system,
corrections refused until the result is reopened, and a retry under the same key answered as
the first time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from schemas.commands import Outcome
from schemas.results import ContestResult, ResultKey, ResultState
from schemas.validation import ProtocolKey
from tests.accounts import team
from tests.gateway import running_serve
from tests.integration.test_views_live import mayor_protocol, standing_precincts

if TYPE_CHECKING:
    from pathlib import Path

    from services.tools.client import TallyClient

pytestmark = pytest.mark.slow
GMINA = "302199"
ELECTION = "przyklad-2026"
MAYOR = ResultKey(election=ELECTION, contest=f"mayor:{GMINA}")


def _result(client: TallyClient, flavour: str, counted: int) -> ContestResult:
    """The result once the views have folded ``counted`` protocols."""
    for _ in range(100):
        found = client.result(MAYOR, flavour)
        assert isinstance(found, ContestResult), found
        if found.precincts_counted >= counted:
            return found
    raise AssertionError(f"the views never counted {counted} protocols")


def test_a_mayors_result_is_established_opens_the_runoff_and_freezes_its_protocols(
    tmp_path: Path,
) -> None:
    precincts = standing_precincts()
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code, precincts=tuple(precincts))
        try:
            operator, coordinator = crew.operator.client, crew.coordinator.client
            keys = {}
            for number, estimate in precincts.items():
                key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=number,
                                  contest=MAYOR.contest)  # fmt: skip
                outcome = operator.submit(key, mayor_protocol(estimate, number))
                assert "accepted" == outcome.status, outcome
                keys[key] = outcome.control_code
            provisional = _result(coordinator, "accepted", len(keys))
            assert provisional.mayor is not None
            assert ("runoff", ("c.1", "c.2")) == (
                provisional.mayor.decision,
                provisional.mayor.runoff,
            )
            assert provisional.precincts_expected >= len(keys)

            early = coordinator.establish_result(MAYOR)
            assert ["results.reason_required"] == [p.rule for p in early.problems], early
            for key, control_code in keys.items():
                assert "confirmed" == coordinator.confirm(key, control_code=control_code).state
            missing = provisional.precincts_expected - len(keys)
            reason = "" if missing == 0 else f"{missing} special precincts report on paper"
            established = coordinator.establish_result(MAYOR, reason)
            failures = [e for e in serve.process.logs if e.get("level") == "error"]
            assert "accepted" == established.status, "\n".join(map(str, failures))
            state = coordinator.result_state(MAYOR)
            assert isinstance(state, ResultState)
            assert "established" == state.state
            assert state.result is not None
            assert state.result.position > 0
            assert ("c.1", "c.2") == state.result.mayor.runoff if state.result.mayor else ()

            first = next(iter(keys))
            changed = mayor_protocol(precincts[first.precinct], first.precinct + 1)
            frozen = operator.correct(first, changed, "typo")
            assert ["results.established"] == [p.rule for p in frozen.problems], frozen
            again = coordinator.establish_result(MAYOR, reason)
            assert ["results.already_established"] == [p.rule for p in again.problems]

            runoff = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=first.precinct,
                                 contest=MAYOR.contest, round=2)  # fmt: skip
            round_two = operator.validate(runoff, mayor_protocol(precincts[first.precinct], 2))
            assert not isinstance(round_two, Outcome) or round_two.status != "refused", round_two

            reopened = coordinator.reopen_result(MAYOR, "the commission recounted precinct 1")
            assert "accepted" == reopened.status, reopened
            fixed = operator.correct(first, changed, "typo")
            assert "accepted" == fixed.status, fixed
        finally:
            crew.close()


def test_an_operator_and_another_gminas_coordinator_may_not_establish(tmp_path: Path) -> None:
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code)
        try:
            refused = crew.operator.client.establish_result(MAYOR, "why not")
            assert ["auth.forbidden"] == [p.rule for p in refused.problems], refused
            other = ResultKey(election=ELECTION, contest="mayor:146501")
            outside = crew.coordinator.client.establish_result(other, "not mine")
            assert ["auth.forbidden"] == [p.rule for p in outside.problems], outside
        finally:
            crew.close()
