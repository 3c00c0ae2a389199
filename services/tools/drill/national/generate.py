"""``tally drill generate --national --seed N --out DIR``: a synthetic national local election
as a drill directory (``definition.json``, ``protocols.jsonl``, ``night.jsonl``).

The same seed writes the same files. ``--gminas N`` keeps a national-shaped sample of about N
gminas (whole powiats, one city with powiat rights first) for quick rehearsals and tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import msgspec

from schemas.commands import SubmitProtocol
from schemas.definition import (
    FORMAT,
    ElectionDefinition,
    ElectionInfo,
    MayorContest,
    PrecinctType,
    RoundDefinition,
    UnitDefinition,
)
from schemas.drill import AttemptEntry, CorrectionEntry, NightEntry
from schemas.protocol import Severity
from services.tools.drill.national import ballots, counts, night, plants, territory
from services.tools.drill.national.judge import Judge

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.definition import ContestDefinition, PrecinctDefinition

ELECTION_DAY: Final = dt.date(2026, 4, 12)
EU_SHARE: Final = 0.03
"""Share of standard precincts with EU citizens on the voter list (part B)."""
PROFILE: Final = "pkw-2024"


@dataclass(frozen=True)
class Generated:
    definition: ElectionDefinition
    protocols: list[SubmitProtocol]
    entries: list[NightEntry]


def generate(seed: int, gminas: int | None = None) -> Generated:
    rng = random.Random(seed)
    land = territory.country(rng, gminas)
    for gmina in land.gminas:
        gmina.precincts = [_estimates(rng, p) for p in gmina.precincts]
    contests, local_areas = ballots.contests(rng, land)
    code = f"syntetyczne-{seed}"
    units = {g.teryt: g.precincts for g in land.gminas}
    played = night.play(rng, code, units, contests)
    # The definition names no runoff pair: establishing round 1 opens each runoff. The generator
    # judges round 2 knowing the pair its own round 1 decided.
    judged = [_with_runoff(c, played.runoffs) for c in contests]
    entries: list[NightEntry] = [*plants.plant(rng, played), *played.turnout]
    precincts = {(t, p.number): p for t, ps in units.items() for p in ps}
    protocols, entries = _judged(Judge(judged, precincts, PROFILE), played, entries)
    definition = ElectionDefinition(
        format=FORMAT,
        election=ElectionInfo(
            code=code,
            name=f"Synthetic local elections (seed {seed})",
            rounds=(
                RoundDefinition(number=1, date=ELECTION_DAY),
                RoundDefinition(number=2, date=ELECTION_DAY + dt.timedelta(days=14)),
            ),
            rules_profile=PROFILE,
        ),
        committees=(*ballots.NATIONAL, *(ballots.local_committee(a) for a in local_areas)),
        units=tuple(
            UnitDefinition(
                teryt=g.teryt,
                name=g.name,
                kind=g.kind,
                inhabitants=g.inhabitants,
                precincts=tuple(g.precincts),
            )
            for g in land.gminas
        ),
        contests=tuple(contests),
    )
    return Generated(definition=definition, protocols=protocols, entries=entries)


def _estimates(rng: random.Random, precinct: PrecinctDefinition) -> PrecinctDefinition:
    """The pre-election report: EU citizens in a few precincts, the planned print run."""
    eu = None
    if precinct.type is PrecinctType.STANDARD and rng.random() < EU_SHARE:
        eu = rng.randint(1, 12)
    return msgspec.structs.replace(
        precinct, eligible_voters_eu=eu, ballots_planned=counts.planned(precinct.eligible_voters)
    )


def _with_runoff(
    contest: ContestDefinition, runoffs: dict[str, tuple[int, int]]
) -> ContestDefinition:
    if isinstance(contest, MayorContest) and f"mayor:{contest.gmina}" in runoffs:
        return msgspec.structs.replace(contest, runoff=runoffs[f"mayor:{contest.gmina}"])
    return contest


def _judged(
    judge: Judge, played: night.Night, entries: list[NightEntry]
) -> tuple[list[SubmitProtocol], list[NightEntry]]:
    """Explain every protocol's warnings against its precinct's final protocols; name the rule
    each planted first attempt breaks (an attempt the rules would accept is dropped)."""
    by_precinct: dict[tuple[str, int, int], list[SubmitProtocol]] = defaultdict(list)
    for key, protocol in played.protocols.items():
        by_precinct[key.teryt, key.precinct, key.round].append(protocol)

    def siblings(entry: AttemptEntry | CorrectionEntry | SubmitProtocol) -> list[SubmitProtocol]:
        return by_precinct[entry.key.teryt, entry.key.precinct, entry.key.round]

    protocols = [
        judge.explained(played.protocols[k], siblings(played.protocols[k]))
        for k in sorted(played.protocols, key=plants.order)
    ]
    kept: list[NightEntry] = []
    for entry in entries:
        if isinstance(entry, AttemptEntry):
            found = judge.findings(entry.key, entry.content, siblings(entry))
            errors = sorted(f.code for f in found if f.severity is Severity.ERROR)
            if errors:
                kept.append(msgspec.structs.replace(entry, refused_by=errors[0]))
        elif isinstance(entry, CorrectionEntry):
            explained = judge.explained(
                SubmitProtocol(key=entry.key, content=entry.content),
                siblings(entry),
            )
            kept.append(msgspec.structs.replace(entry, content=explained.content))
        else:
            kept.append(entry)
    return protocols, kept


def write(generated: Generated, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "definition.json").write_bytes(
        msgspec.json.format(msgspec.json.encode(generated.definition))
    )
    encoder = msgspec.json.Encoder()
    (out / "protocols.jsonl").write_bytes(
        b"".join(encoder.encode(p) + b"\n" for p in generated.protocols)
    )
    (out / "night.jsonl").write_bytes(
        b"".join(encoder.encode(e) + b"\n" for e in generated.entries)
    )


def summary_of(generated: Generated) -> dict[str, object]:
    """What was written, in numbers."""
    kinds: dict[str, int] = defaultdict(int)
    for entry in generated.entries:
        kinds[str(type(entry).__struct_config__.tag)] += 1
    rounds: dict[int, int] = defaultdict(int)
    for protocol in generated.protocols:
        rounds[protocol.key.round] += 1
    return {
        "election": generated.definition.election.code,
        "units": len(generated.definition.units),
        "precincts": sum(len(u.precincts) for u in generated.definition.units),
        "contests": len(generated.definition.contests),
        "protocols": dict(sorted(rounds.items())),
        "night": dict(sorted(kinds.items())),
    }
