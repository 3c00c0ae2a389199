"""A drill's script beyond the protocols themselves: ``night.jsonl`` in a drill directory.

``protocols.jsonl`` holds what each commission finally submits. A generated night also scripts
what happens around it, one entry per line, tagged by ``action``:

- ``turnout``: a turnout report at its hour (``at_s`` seconds after the polls close: negative);
- ``attempt``: a first attempt at a protocol that the rules must refuse (the commission then
  fixes the error and submits the protocol of ``protocols.jsonl``), with the rule expected;
- ``correction``: a new version of an accepted protocol, after its confirmation or before;
- ``expect``: a discrepancy planted in the data that must raise an alert of ``kind`` at that
  place (or, for a kind the rules stop at the door, be refused by ``refused_by``).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from schemas.commands import TurnoutKey
from schemas.protocol import ProtocolContent, TurnoutContent
from schemas.validation import ProtocolKey


class _Entry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class TurnoutEntry(_Entry, frozen=True, kw_only=True, tag="turnout", tag_field="action"):
    at_s: float
    key: TurnoutKey
    report: TurnoutContent
    refused_by: str = ""
    """The rule expected to refuse this report (a planted error), or empty when it is sound."""


class AttemptEntry(_Entry, frozen=True, kw_only=True, tag="attempt", tag_field="action"):
    key: ProtocolKey
    content: ProtocolContent
    refused_by: str


class CorrectionEntry(_Entry, frozen=True, kw_only=True, tag="correction", tag_field="action"):
    key: ProtocolKey
    content: ProtocolContent
    reason: Annotated[str, msgspec.Meta(min_length=1)]
    after_confirmation: bool


class ExpectEntry(_Entry, frozen=True, kw_only=True, tag="expect", tag_field="action"):
    kind: str
    teryt: str
    precinct: int
    contest: str = ""
    round: int = 1
    refused_by: str = ""
    note: str = ""


NightEntry = TurnoutEntry | AttemptEntry | CorrectionEntry | ExpectEntry


class OfficialTotals(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``official.jsonl``: one gmina unit's published totals (fields by schema name, votes by the
    candidate's name as the publisher spells it)."""

    gmina_teryt: str
    fields: dict[str, Annotated[int, msgspec.Meta(ge=0)]]
    votes: dict[str, Annotated[int, msgspec.Meta(ge=0)]]


class SkippedPrecinct(msgspec.Struct, frozen=True, kw_only=True):
    """A precinct an import left out (no published result, or a value it could not read)."""

    gmina_teryt: str
    precinct: int | str | None
    address: str = ""


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    """What a drill reads back of ``import-report.json``: the precincts left out. The report holds
    more (the round and why, unreadable values, refusals by rule), for people."""

    skipped_no_result: tuple[SkippedPrecinct, ...] = ()
    skipped_unreadable: tuple[SkippedPrecinct, ...] = ()
