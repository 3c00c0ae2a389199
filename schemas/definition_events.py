"""Payloads of the events that record election definitions (elections, units, contests).

Each event class in ``domain`` carries one of these as its ``data``. The definition types they
embed (``PrecinctDefinition``...) are frozen with format v1: a change to any of them is a new
payload type under a new tag (``.v2``), never an edit, so stored events always decode.
"""

from __future__ import annotations

import msgspec

from schemas.definition import (
    Annulment,
    CommitteeDefinition,
    ElectionInfo,
    PrecinctDefinition,
    UnitDefinition,
    UnitKind,
    Withdrawal,
)


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ElectionDefined(_Payload, frozen=True, kw_only=True):
    election: ElectionInfo


class ElectionDetailsChanged(_Payload, frozen=True, kw_only=True):
    election: ElectionInfo


class CommitteeRegistered(_Payload, frozen=True, kw_only=True):
    """One committee (stores written before committees were registered in groups)."""

    committee: CommitteeDefinition


class CommitteesRegistered(_Payload, frozen=True, kw_only=True):
    """Committees a load adds, in file order: a national local election has thousands, more
    than one atomic save of single events could hold."""

    committees: tuple[CommitteeDefinition, ...]


class DefinitionLoaded(_Payload, frozen=True, kw_only=True):
    """The last event of a load that changed something: which file, and what it touched."""

    digest: str
    events: int
    units: tuple[str, ...]
    contests: tuple[str, ...]


class SoleCoordinatorSet(_Payload, frozen=True, kw_only=True):
    """Whether the gmina's coordinator works alone in this election: then they may vouch for
    (approve, confirm) versions they entered on the commission's behalf, each marked so."""

    gmina: str
    allowed: bool
    reason: str


class UnitDefined(_Payload, frozen=True, kw_only=True):
    election: str
    unit: UnitDefinition


class UnitDetailsChanged(_Payload, frozen=True, kw_only=True):
    name: str
    kind: UnitKind
    inhabitants: int | None


class PrecinctsEstablished(_Payload, frozen=True, kw_only=True):
    precincts: tuple[PrecinctDefinition, ...]


class PrecinctChanged(_Payload, frozen=True, kw_only=True):
    precinct: PrecinctDefinition


class DistrictShape(_Payload, frozen=True, kw_only=True):
    """A district as the contest fixes it: seats and what votes in it (precincts or units)."""

    number: int
    seats: int = 1
    precincts: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


class ContestDefined(_Payload, frozen=True, kw_only=True):
    election: str
    contest: str
    kind: str
    area: str
    units: tuple[str, ...] = ()
    form: str
    office: str = ""
    system: str = ""
    seats: int = 0
    districts: tuple[DistrictShape, ...] = ()


class DistrictPrecinctsAdded(_Payload, frozen=True, kw_only=True):
    """Precincts established after the contest was defined start voting in a district."""

    district: int
    precincts: tuple[str, ...]


class ListEntry(_Payload, frozen=True, kw_only=True):
    position: int
    name: str


class ListRegistered(_Payload, frozen=True, kw_only=True):
    district: int
    committee: str
    candidates: tuple[ListEntry, ...]


class ListNumberAssigned(_Payload, frozen=True, kw_only=True):
    committee: str
    number: int


class ListAnnulled(_Payload, frozen=True, kw_only=True):
    district: int
    committee: str
    annulment: Annulment


class CandidateRegistered(_Payload, frozen=True, kw_only=True):
    """A ballot candidate (outside lists): mayor, president, senate, single-member council."""

    district: int
    position: int
    name: str
    committee: str


class CandidateWithdrawn(_Payload, frozen=True, kw_only=True):
    """``list`` is the list's committee for a list candidate, empty for a ballot candidate."""

    district: int
    list: str = ""
    position: int
    withdrawal: Withdrawal


class RunoffCandidatesSet(_Payload, frozen=True, kw_only=True):
    positions: tuple[int, ...]
