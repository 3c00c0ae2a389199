"""Synthetic protocol traffic for benchmarks and crash tests: real domain events, saved in
batches (each protocol submitted, corrected and confirmed: three events)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec

from domain.protocol import Protocol
from domain.rules import profile_for
from schemas.envelope import CommandContext
from schemas.protocol import ProtocolContent
from schemas.validation import ProtocolKey, RuleContext

if TYPE_CHECKING:
    from eventsourcing.application import Application

CONTEXT: Final = CommandContext(actor="bench", role="local-operator", channel="cli")
RULES: Final = RuleContext(contest_kind="president", postal=False, candidates=frozenset({1, 2}))


def content(proxy: int) -> ProtocolContent:
    """A clean 2015 protocol of a precinct not designated for postal voting."""
    numbers = {
        "eligible_voters": 1000, "ballots_received": 800, "ballots_unused": 300,
        "ballots_issued": 500,
        "proxy": proxy,
        "ballots_from_box": 500, "valid_ballots": 500, "invalid_votes": 4, "valid_votes": 496,
        "candidates": [{"position": 1, "votes": 300}, {"position": 2, "votes": 196}],
    }  # fmt: skip
    postal = ("packages_sent", "envelopes_received", "envelopes_no_statement",
              "envelopes_unsigned_statement", "envelopes_no_ballot_envelope",
              "envelopes_unsealed", "ballot_envelopes_in_box", "ballots_from_envelopes",
              "invalid_ballots", "certificate")  # fmt: skip
    return msgspec.convert({"form": "2015", **numbers, **dict.fromkeys(postal, 0)}, ProtocolContent)


def append_protocols(app: Application[Any], first: int, count: int, batch: int = 300) -> None:
    """``count`` protocols across 16 voivodeships, numbered from ``first``."""
    profile = profile_for("", "2015")
    pending = []
    for number in range(first, first + count):
        key = ProtocolKey(
            election="bench-2025",
            teryt=f"{2 + 2 * (number % 16):02d}1501",
            precinct=number,
            contest="president:PL",
        )
        protocol = Protocol.submit(key, content(0), RULES, profile)
        protocol.correct(content(1 + number % 5), "recount", RULES, profile)
        protocol.confirm_by_control_code(protocol.current.control_code)
        pending.append(protocol)
        if len(pending) == batch:
            app.save(*pending, context=CONTEXT)
            pending = []
    if pending:
        app.save(*pending, context=CONTEXT)
