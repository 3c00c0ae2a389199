"""The election definition file (``tally election load FILE``): one election, its territory, its
contests, committees, lists and candidates, as JSON.

A file is the desired state of (part of) an election. Loading it records, as events, whatever the
event store does not hold yet; loading it again records nothing. A file may cover the whole country
or a few gminas (PKW distributes definitions per gmina): units and contests a file does not mention
are left as they are.

Values are spelled as PKW's published data spells them (precinct and gmina types are PKW's Polish
names), so PKW's files map onto these types without translation tables. The JSON Schema generated
from these types is committed as ``schemas/jsonschema/election-definition.v1.json``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Final, Literal

import msgspec

FORMAT: Final = "tally.election-definition.v1"

ELECTION_CODE_PATTERN: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TERYT_PATTERN: Final = r"^[0-9]{6}$"
PRECINCT_REF_PATTERN: Final = r"^[0-9]{6}-[1-9][0-9]*$"
POWIAT_PATTERN: Final = r"^[0-9]{4}$"
VOIVODESHIP_PATTERN: Final = r"^[0-9]{2}$"
DURATION_PATTERN: Final = r"^([0-9]{2}):([0-5][0-9])$"
COMMITTEE_CODE_PATTERN: Final = r"^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$"
NATIONAL_AREA: Final = "PL"
COUNTY_COUNCIL: Final = "county-council"
REGIONAL_ASSEMBLY: Final = "regional-assembly"

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"\S")]
Name = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="exactly as the official results spell it, e.g. 'Andrzej Sebastian DUDA'",
    ),
]
Teryt = Annotated[
    str,
    msgspec.Meta(
        pattern=TERYT_PATTERN,
        description="PKW's 6-digit TERYT of a gmina (WWPPGG); Warsaw's districts 146502-146519 "
        "are units of their own, 149901 is abroad and 149801 ships",
    ),
]
PrecinctRef = Annotated[
    str,
    msgspec.Meta(
        pattern=PRECINCT_REF_PATTERN,
        description="a precinct as '<TERYT>-<number>', e.g. '021501-3' (PKW's obdId)",
    ),
]
CommitteeCode = Annotated[str, msgspec.Meta(pattern=COMMITTEE_CODE_PATTERN, max_length=60)]
Positive = Annotated[int, msgspec.Meta(ge=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]


class UnitKind(StrEnum):
    """PKW's 'Typ gminy'."""

    URBAN = "gmina miejska"
    RURAL = "gmina wiejska"
    URBAN_RURAL = "gmina miejsko-wiejska"
    WARSAW_DISTRICT = "dzielnica w m.st. Warszawa"
    ABROAD = "zagranica"
    SHIPS = "statki"


class PrecinctType(StrEnum):
    """PKW's 'Typ obwodu'."""

    STANDARD = "stały"
    HOSPITAL = "zakład leczniczy"
    SOCIAL_CARE_HOME = "dom pomocy społecznej"
    PRISON = "zakład karny"
    REMAND_CENTRE = "areszt śledczy"
    PRISON_BRANCH = "oddział zewnętrzny zakładu karnego"
    REMAND_CENTRE_BRANCH = "oddział zewnętrzny aresztu śledczego"
    STUDENT_HOUSE = "dom studencki"
    STUDENT_HOUSES = "zespół domów studenckich"
    ABROAD = "zagranica"
    SHIP = "statek"


class Office(StrEnum):
    """The executive office a mayor contest elects (the title depends on the gmina's status)."""

    WOJT = "wójt"
    BURMISTRZ = "burmistrz"
    PREZYDENT_MIASTA = "prezydent miasta"


class CouncilSystem(StrEnum):
    """Single-member districts up to 20,000 inhabitants, proportional lists (D'Hondt) above."""

    SINGLE_MEMBER = "single-member"
    PROPORTIONAL = "proportional"


class _Def(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Definition files are written by people: unknown fields are typos, refused by name."""


class RoundDefinition(_Def, frozen=True, kw_only=True):
    """A voting day. Round 2 is the runoff (ponowne głosowanie) of mayor and president contests."""

    number: Annotated[int, msgspec.Meta(ge=1, le=2)]
    date: dt.date
    polls_open: dt.time = dt.time(7)
    polls_close: dt.time = dt.time(21)
    turnout_hours: tuple[dt.time, ...] = (dt.time(12), dt.time(17))


class ElectionInfo(_Def, frozen=True, kw_only=True):
    code: Annotated[
        str,
        msgspec.Meta(
            pattern=ELECTION_CODE_PATTERN,
            max_length=40,
            description="the election's key in every identifier, e.g. 'samorzadowe-2024'",
        ),
    ]
    name: Text
    rounds: Annotated[tuple[RoundDefinition, ...], msgspec.Meta(min_length=1)]
    rules_profile: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[a-z0-9-]*$",
            description="the severity profile protocols are judged by (see the rules table); "
            "empty: the newest profile for the contest's form",
        ),
    ] = ""
    protocols_due_after_close: Annotated[
        str,
        msgspec.Meta(
            pattern=DURATION_PATTERN,
            description="how long after the polls close every protocol is expected (HH:MM); "
            "the coordinator's board shows a protocol still missing after that as late",
        ),
    ] = "02:00"


class PrecinctDefinition(_Def, frozen=True, kw_only=True):
    """An obwód głosowania."""

    number: Positive
    address: Text
    type: PrecinctType = PrecinctType.STANDARD
    postal: bool = False
    eligible_voters: Annotated[
        int, msgspec.Meta(ge=0, description="the estimate of the pre-election report (meldunek)")
    ] = 0
    eligible_voters_eu: Annotated[
        Count | None,
        msgspec.Meta(description="of whom citizens of the EU/UK (local elections)"),
    ] = None
    ballots_planned: Annotated[
        Count | None, msgspec.Meta(description="the planned print run of ballots for the precinct")
    ] = None


class UnitDefinition(_Def, frozen=True, kw_only=True):
    """A gmina as PKW counts it, with its precincts."""

    teryt: Teryt
    name: Text
    kind: UnitKind
    inhabitants: Count | None = None
    precincts: tuple[PrecinctDefinition, ...] = ()


class CommitteeDefinition(_Def, frozen=True, kw_only=True):
    """An election committee (komitet wyborczy); candidates and lists belong to one."""

    code: CommitteeCode
    name: Text
    short_name: str = ""


class Withdrawal(_Def, frozen=True, kw_only=True):
    """A candidate struck off before the day (withdrawn consent, death, lost rights)."""

    reason: Text
    date: dt.date | None = None


class Annulment(_Def, frozen=True, kw_only=True):
    """A list whose registration the commission annulled before the day."""

    reason: Text
    date: dt.date | None = None


class ListCandidate(_Def, frozen=True, kw_only=True):
    position: Positive
    name: Name
    withdrawn: Withdrawal | None = None


class Candidate(_Def, frozen=True, kw_only=True):
    """A candidate outside lists: mayor, president, senate, single-member council districts."""

    position: Annotated[int, msgspec.Meta(ge=1, description="position on the ballot")]
    name: Name
    committee: CommitteeCode
    withdrawn: Withdrawal | None = None


class ListDefinition(_Def, frozen=True, kw_only=True):
    """A committee's list of candidates in one proportional council district."""

    committee: CommitteeCode
    number: Annotated[
        int | None,
        msgspec.Meta(description="assigned by the commission; the same in every district"),
    ] = None
    candidates: Annotated[tuple[ListCandidate, ...], msgspec.Meta(min_length=1)]
    annulled: Annulment | None = None


class CouncilDistrict(_Def, frozen=True, kw_only=True):
    """An okręg wyborczy of a council and the precincts that vote in it."""

    number: Positive
    seats: Positive
    precincts: Annotated[tuple[PrecinctRef, ...], msgspec.Meta(min_length=1)]
    lists: tuple[ListDefinition, ...] = ()
    candidates: tuple[Candidate, ...] = ()


class SenateDistrict(_Def, frozen=True, kw_only=True):
    number: Annotated[int, msgspec.Meta(ge=1, le=100)]
    units: Annotated[tuple[Teryt, ...], msgspec.Meta(min_length=1)]
    candidates: tuple[Candidate, ...] = ()


class CouncilContest(_Def, frozen=True, kw_only=True, tag="council", tag_field="kind"):
    """Rada gminy / rada miasta."""

    gmina: Teryt
    units: tuple[Teryt, ...] = ()
    system: CouncilSystem
    seats: Positive
    form: Literal["2024"] = "2024"
    districts: Annotated[tuple[CouncilDistrict, ...], msgspec.Meta(min_length=1)]


class MayorContest(_Def, frozen=True, kw_only=True, tag="mayor", tag_field="kind"):
    """Wójt, burmistrz or prezydent miasta; a single candidate is voted on YES/NO."""

    gmina: Teryt
    units: tuple[Teryt, ...] = ()
    office: Office
    form: Literal["2024"] = "2024"
    candidates: Annotated[tuple[Candidate, ...], msgspec.Meta(min_length=1)]
    runoff: Annotated[
        tuple[Positive, ...],
        msgspec.Meta(max_length=2, description="ballot positions of the runoff candidates"),
    ] = ()


class PresidentContest(_Def, frozen=True, kw_only=True, tag="president", tag_field="kind"):
    """President of the Republic; the protocol form of 2015, 2020 or 2025 (postal block)."""

    form: Literal["2015", "2020", "2025"]
    candidates: Annotated[tuple[Candidate, ...], msgspec.Meta(min_length=1)]
    runoff: Annotated[tuple[Positive, ...], msgspec.Meta(max_length=2)] = ()


class SenateContest(_Def, frozen=True, kw_only=True, tag="senate", tag_field="kind"):
    form: Literal["2023"] = "2023"
    districts: Annotated[tuple[SenateDistrict, ...], msgspec.Meta(min_length=1)]


class CountyCouncilContest(_Def, frozen=True, kw_only=True, tag=COUNTY_COUNCIL, tag_field="kind"):
    """Rada powiatu: lists (D'Hondt) in multi-member districts of whole precincts of the powiat's
    gminas. A city with powiat rights has none (its city council is the powiat's council)."""

    powiat: Annotated[
        str, msgspec.Meta(pattern=POWIAT_PATTERN, description="the powiat's 4-digit TERYT (WWPP)")
    ]
    seats: Positive
    form: Literal["2024"] = "2024"
    districts: Annotated[tuple[CouncilDistrict, ...], msgspec.Meta(min_length=1)]


class RegionalAssemblyContest(
    _Def, frozen=True, kw_only=True, tag=REGIONAL_ASSEMBLY, tag_field="kind"
):
    """Sejmik województwa: lists (D'Hondt) in multi-member districts of the voivodeship."""

    voivodeship: Annotated[
        str,
        msgspec.Meta(
            pattern=VOIVODESHIP_PATTERN, description="the voivodeship's 2-digit TERYT (WW)"
        ),
    ]
    seats: Positive
    form: Literal["2024"] = "2024"
    districts: Annotated[tuple[CouncilDistrict, ...], msgspec.Meta(min_length=1)]


RegionalContest = CountyCouncilContest | RegionalAssemblyContest
"""The two contests above the gmina on a local ballot day; only Polish citizens vote in them."""
TIERS_ABOVE_GMINA: Final = {COUNTY_COUNCIL: 1, REGIONAL_ASSEMBLY: 2}
"""Contest kind -> level above the gmina (powiat 1, voivodeship 2); every other kind is level 0."""

ContestDefinition = (
    CouncilContest
    | MayorContest
    | PresidentContest
    | SenateContest
    | CountyCouncilContest
    | RegionalAssemblyContest
)


class ElectionDefinition(_Def, frozen=True, kw_only=True):
    """The whole file."""

    format: Literal["tally.election-definition.v1"]
    election: ElectionInfo
    committees: tuple[CommitteeDefinition, ...] = ()
    units: tuple[UnitDefinition, ...] = ()
    contests: tuple[ContestDefinition, ...] = ()
