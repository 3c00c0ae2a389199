"""Payloads of the events that record election definitions (elections, units, contests).

Each event class in ``domain`` carries one of these as its ``data``. The definition types they
embed (``PrecinctDefinition``...) are frozen with format v1: a change to any of them is a new
payload type under a new tag (``.v2``), never an edit, so stored events always decode.
"""

from __future__ import annotations

from typing import ClassVar

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
    TAG: ClassVar[str] = "election.defined.v1"

    election: ElectionInfo


class ElectionDetailsChanged(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "election.details_changed.v1"

    election: ElectionInfo


class CommitteeRegistered(_Payload, frozen=True, kw_only=True):
    """One committee (stores written before committees were registered in groups)."""

    TAG: ClassVar[str] = "election.committee_registered.v1"

    committee: CommitteeDefinition


class CommitteesRegistered(_Payload, frozen=True, kw_only=True):
    """Committees a load adds, in file order: a national local election has thousands, more
    than one atomic save of single events could hold."""

    TAG: ClassVar[str] = "election.committees_registered.v1"

    committees: tuple[CommitteeDefinition, ...]


class DefinitionLoaded(_Payload, frozen=True, kw_only=True):
    """The last event of a load that changed something: which file, and what it touched."""

    TAG: ClassVar[str] = "election.definition_loaded.v1"

    digest: str
    events: int
    units: tuple[str, ...]
    contests: tuple[str, ...]


class SoleCoordinatorSet(_Payload, frozen=True, kw_only=True):
    """Whether the gmina's coordinator works alone in this election: then they may vouch for
    (approve, confirm) versions they entered on the commission's behalf, each marked so."""

    TAG: ClassVar[str] = "election.sole_coordinator_set.v1"

    gmina: str
    allowed: bool
    reason: str


class UnitDefined(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "unit.defined.v1"

    election: str
    unit: UnitDefinition


class UnitDetailsChanged(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "unit.details_changed.v1"

    name: str
    kind: UnitKind
    inhabitants: int | None


class PrecinctsEstablished(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "unit.precincts_established.v1"

    precincts: tuple[PrecinctDefinition, ...]


class PrecinctChanged(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "unit.precinct_changed.v1"

    precinct: PrecinctDefinition


class DistrictShape(_Payload, frozen=True, kw_only=True):
    """A district as the contest fixes it: seats and what votes in it (precincts or units)."""

    number: int
    seats: int = 1
    precincts: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


class ContestDefined(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "contest.defined.v1"

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

    TAG: ClassVar[str] = "contest.district_precincts_added.v1"

    district: int
    precincts: tuple[str, ...]


class ListEntry(_Payload, frozen=True, kw_only=True):
    position: int
    name: str


class ListRegistered(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "contest.list_registered.v1"

    district: int
    committee: str
    candidates: tuple[ListEntry, ...]


class ListNumberAssigned(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "contest.list_number_assigned.v1"

    committee: str
    number: int


class ListAnnulled(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "contest.list_annulled.v1"

    district: int
    committee: str
    annulment: Annulment


class CandidateRegistered(_Payload, frozen=True, kw_only=True):
    """A ballot candidate (outside lists): mayor, president, senate, single-member council."""

    TAG: ClassVar[str] = "contest.candidate_registered.v1"

    district: int
    position: int
    name: str
    committee: str


class CandidateWithdrawn(_Payload, frozen=True, kw_only=True):
    """``list`` is the list's committee for a list candidate, empty for a ballot candidate."""

    TAG: ClassVar[str] = "contest.candidate_withdrawn.v1"

    district: int
    list: str = ""
    position: int
    withdrawal: Withdrawal


class RunoffCandidatesSet(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "contest.runoff_candidates_set.v1"

    positions: tuple[int, ...]
