"""A drill night's script (``night.jsonl``) indexed for the players: first attempts and
corrections by protocol, turnout reports in time order, and the planted discrepancies to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from schemas.drill import AttemptEntry, CorrectionEntry, ExpectEntry, NightEntry, TurnoutEntry

if TYPE_CHECKING:
    from collections.abc import Iterable

    from schemas.commands import SubmitProtocol
    from schemas.validation import ProtocolKey


@dataclass(frozen=True)
class Script:
    attempts: dict[ProtocolKey, AttemptEntry] = field(default_factory=dict)
    corrections: dict[ProtocolKey, CorrectionEntry] = field(default_factory=dict)
    turnout: tuple[TurnoutEntry, ...] = ()
    expected: tuple[ExpectEntry, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[NightEntry]) -> Script:
        attempts, corrections, turnout, expected = {}, {}, [], []
        for entry in entries:
            if isinstance(entry, AttemptEntry):
                attempts[entry.key] = entry
            elif isinstance(entry, CorrectionEntry):
                corrections[entry.key] = entry
            elif isinstance(entry, TurnoutEntry):
                turnout.append(entry)
            else:
                expected.append(entry)
        return cls(attempts, corrections, tuple(turnout), tuple(expected))

    def final(self, protocols: Iterable[SubmitProtocol]) -> list[SubmitProtocol]:
        """What the protocols hold at the end of the night: corrections applied."""
        return [
            msgspec.structs.replace(p, content=self.corrections[p.key].content)
            if p.key in self.corrections
            else p
            for p in protocols
        ]


def planted_misses(
    expected: Iterable[ExpectEntry],
    alerts: Iterable[dict[str, object]],
    refused: dict[tuple[str, int], set[str]],
) -> list[dict[str, object]]:
    """The planted discrepancies nothing caught: no alert of the kind at the place, or (for
    those the rules stop at the door) no refusal by the named rule."""
    rows = list(alerts)
    raised = {_place(a) for a in rows}
    raised_in = {(*_place(a), a.get("contest")) for a in rows}
    missing = []
    for e in expected:
        place = (e.kind, e.teryt, str(e.precinct), e.round)
        if e.refused_by:
            caught = e.refused_by in refused.get((e.teryt, e.precinct), set())
        else:
            caught = (*place, e.contest) in raised_in if e.contest else place in raised
        if not caught:
            missing.append({"kind": "planted-not-alerted", "message": msgspec.to_builtins(e)})
    return missing


def _place(alert: dict[str, object]) -> tuple[object, ...]:
    """Kind, gmina, precinct number, round (outliers name the precinct "<number>/<district>")."""
    precinct = str(alert.get("precinct", "")).split("/")[0]
    return (alert["kind"], alert["gmina"], precinct, alert.get("round"))
