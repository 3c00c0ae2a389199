"""The results of a drill night, established as a gmina's coordinator (an admin for a rada
powiatu or sejmik) establishes them: each round-1 mayor result that needs a runoff before round 2
is played (so the system opens the runoff, not the definition), then every result at the end.

Where the commission would have to write why (protocols the views expect but the drill never
confirmed) the drill says so; where the rules need a lot, the drill draws it from ``seed`` (each
lot from ``seed``, the contest and the contenders, so a drill is repeatable) and records the draw
as the commission's, drawn by "drill lot (seed N)".
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Final

from domain.definitions.common import contest_key_of
from schemas.definition import (
    CouncilContest,
    CountyCouncilContest,
    MayorContest,
    RegionalAssemblyContest,
)
from schemas.results import ContestResult, DrawLot, ResultKey, ResultState

if TYPE_CHECKING:
    from schemas.commands import Outcome
    from schemas.definition import ElectionDefinition
    from schemas.results import LotView
    from services.tools.client import TallyClient
    from services.tools.people import Account, Desk, Team

ATTEMPTS: Final = 12
BEHIND_S: Final = 1.0
EARLY: Final = "drill: the views expect protocols this drill does not confirm"


@dataclass
class Established:
    """What establishing did (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    decisions: Counter[str] = field(default_factory=Counter)
    runoffs_opened: set[str] = field(default_factory=set)
    lots_drawn: int = 0
    early: int = 0
    failed: list[str] = field(default_factory=list)
    done: set[ResultKey] = field(default_factory=set)

    def summary(self, seed: int) -> dict[str, object]:
        return {"established": len(self.done),
                "by_decision": dict(sorted(self.decisions.items())),
                "runoffs_opened": len(self.runoffs_opened), "lots_drawn": self.lots_drawn,
                "lot_seed": seed, "established_early": self.early,
                "failed": self.failed}  # fmt: skip


class Establishing:
    def __init__(self, team: Team, seed: int) -> None:
        self._team = team
        self.seed = seed
        self.record = Established()

    def account_for(self, key: ResultKey) -> Account:
        return self._team.coordinators[key.teryt] if key.teryt else self._team.admin

    def establish(self, desk: Desk, key: ResultKey) -> bool:
        """Establish one result (drawing its lots first); whether it is established."""
        account = self.account_for(key)
        reason = ""
        for _ in range(ATTEMPTS):
            outcome = desk.act(account, partial(_establish, key=key, reason=reason),
                               step_up=True)  # fmt: skip
            rules = {p.rule for p in outcome.problems}
            if outcome.status == "accepted" or "results.already_established" in rules:
                self._note(desk, account, key, early=bool(reason))
                return True
            if "results.reason_required" in rules:
                reason = EARLY
            elif "results.lot_needed" in rules:
                self._draw(desk, account, key)
            elif "results.views_behind" in rules or outcome.status == "failed":
                time.sleep(BEHIND_S)
            else:
                break
        with self.record.lock:
            self.record.failed.append(f"establish {key.contest} round {key.round}: "
                                      f"{outcome.status} {list(outcome.problems)}")  # fmt: skip
        return False

    def _draw(self, desk: Desk, account: Account, key: ResultKey) -> None:
        desk.client.token = account.token
        found = desk.client.result(key, "confirmed")
        if not isinstance(found, ContestResult):
            return
        lots = [(d.district, lot) for d in found.districts for lot in d.lots]
        if found.mayor is not None and found.mayor.lot is not None:
            lots.append((0, found.mayor.lot))
        for district, lot in lots:
            if not lot.drawn:
                self._draw_one(desk, account, key, district, lot)

    def _draw_one(
        self, desk: Desk, account: Account, key: ResultKey, district: int, lot: LotView
    ) -> None:
        among = tuple(sorted(lot.among))
        # A repeatable draw for a rehearsal, not a secret: the seed is in the drill's report.
        rng = random.Random(f"{self.seed}|{key.contest}|{key.round}|{district}|{among}")  # noqa: S311
        draw = DrawLot(key=key, district=district, among=among,
                       drawn=tuple(rng.sample(among, lot.places)),
                       drawn_by=f"drill lot (seed {self.seed})")  # fmt: skip
        outcome = desk.act(account, lambda c: c.draw_lot(draw), step_up=True)
        with self.record.lock:
            if outcome.status == "accepted":
                self.record.lots_drawn += 1
            else:
                self.record.failed.append(f"draw {key.contest}: {list(outcome.problems)}")

    def _note(self, desk: Desk, account: Account, key: ResultKey, *, early: bool) -> None:
        desk.client.token = account.token
        state = desk.client.result_state(key)
        decision = "?"
        if isinstance(state, ResultState) and state.result is not None:
            result = state.result
            decision = result.mayor.decision if result.mayor is not None else "seats"
        with self.record.lock:
            self.record.done.add(key)
            self.record.decisions[f"{key.contest.split(':')[0]} {decision}"] += 1
            self.record.early += early
            if key.round == 1 and decision == "runoff":
                self.record.runoffs_opened.add(key.contest)


def _establish(client: TallyClient, *, key: ResultKey, reason: str) -> Outcome:
    return client.establish_result(key, reason)


def every_result(definition: ElectionDefinition, runoffs: set[str]) -> list[ResultKey]:
    """Every result a drill establishes at its end: councils, mayors (round 2 where a runoff
    was played), rady powiatu and sejmiki."""
    code = definition.election.code
    keys = []
    for contest in definition.contests:
        if isinstance(contest, CouncilContest | MayorContest | CountyCouncilContest
                      | RegionalAssemblyContest):  # fmt: skip
            name = contest_key_of(contest)
            keys.append(ResultKey(election=code, contest=name))
            if name in runoffs:
                keys.append(ResultKey(election=code, contest=name, round=2))
    return keys
