"""The ballots the web pages lay their forms out from, read from the definitions (pure: given
what was read): a protocol's fields in the paper's order with their point numbers, its
candidates and lists with their names, a YES/NO ballot; and the protocols a precinct fills in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from domain.rules.forms import POINTS
from schemas.ballots import Ballot, BallotEntry, BallotListView, FieldView

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.protocol_setting import Setting
    from schemas.commands import ProtocolView
    from schemas.validation import ProtocolKey

POSTAL_ONLY = frozenset({"packages_sent", "envelopes_received", "envelopes_no_statement",
                         "envelopes_unsigned_statement", "envelopes_no_ballot_envelope",
                         "envelopes_unsealed", "ballot_envelopes_in_box",
                         "ballots_from_envelopes"})  # fmt: skip
"""Fields a precinct without postal voting leaves out."""


def paper_order(point: str) -> tuple[int, str]:
    """ "9a" after "9", "10" after "9a"."""
    found = re.match(r"(\d+)(.*)", point)
    return (int(found.group(1)), found.group(2)) if found else (0, point)


def ballot_of(setting: Setting, key: ProtocolKey, protocol: ProtocolView | None) -> Ballot:
    contest, context = setting.contest, setting.context
    form = contest.shape.form
    points = POINTS.get(form, {})
    fields = tuple(
        FieldView(name=name, point=point)
        for name, point in sorted(points.items(), key=lambda item: paper_order(item[1]))
        if context.postal or name not in POSTAL_ONLY
    )
    district = 0 if contest.shape.kind in ("mayor", "president") else key.district
    candidates = tuple(
        BallotEntry(position=position, name=contest.candidates[district, position].name,
                    struck_off=position in context.struck_off)
        for position in sorted(context.candidates)
    )  # fmt: skip
    committees: dict[str, Any] = setting.election.committees
    lists = tuple(
        BallotListView(
            number=ballot_list.number,
            name=committee_name(committees, contest, ballot_list.number),
            candidates=tuple(
                BallotEntry(
                    position=position,
                    name=list_candidate(contest, key.district, ballot_list.number, position),
                    struck_off=position in ballot_list.struck_off,
                )
                for position in sorted(ballot_list.positions)
            ),
            annulled=ballot_list.annulled,
        )
        for ballot_list in sorted(context.lists, key=lambda found: found.number)
    )
    return Ballot(key=key, contest_kind=contest.shape.kind, contest_name=contest.shape.contest,
                  form=form, fields=fields, candidates=candidates, lists=lists,
                  yes_no=context.yes_no, precinct_address=setting.precinct.address,
                  protocol=protocol, zero=_left_out(points, fields),
                  election_name=setting.election.info.name, unit_name=setting.unit.details.name,
                  unit_kind=str(setting.unit.details.kind),
                  voting_day=setting.voting.date.isoformat(),
                  precinct_type=str(setting.precinct.type),
                  office=contest.shape.office)  # fmt: skip


def _left_out(points: dict[str, str], fields: tuple[FieldView, ...]) -> tuple[str, ...]:
    return tuple(sorted(points.keys() & POSTAL_ONLY - {f.name for f in fields}))


def committee_of(contest: Any, number: int) -> str:
    """A list number belongs to one committee in the whole contest."""
    return next((committee for committee, n in contest.list_numbers.items() if n == number), "")


def committee_name(committees: Mapping[str, Any], contest: Any, number: int) -> str:
    committee = committee_of(contest, number)
    found = committees.get(committee)
    return (found.short_name or found.name) if found is not None else committee


def list_candidate(contest: Any, district: int, number: int, position: int) -> str:
    recorded = contest.lists.get((district, committee_of(contest, number)))
    return recorded.candidates.get(position, "") if recorded is not None else ""
