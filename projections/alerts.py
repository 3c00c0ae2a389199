"""Discrepancy alerts for coordinators, raised by the detectors (``projections.detectors``).

Alert kinds: ``warning-accepted`` (a warning the commission explained), ``hard-warning`` (until a
coordinator approves it), ``corrected-after-confirmation``, ``implausible-number``,
``issued-below-turnout`` (the protocol issued fewer ballots than a turnout report already
counted), ``turnout-over-100``, ``ballot-stock`` (50 % / 80 % of the ballots delivered issued),
``issued-differs`` (between the contests of one ballot day), ``outlier`` (against the gmina's
other precincts) and ``runoff-swap``. Each alert has a severity, a state (``open``,
``acknowledged`` with a coordinator's note, which is an event, or ``closed`` when its cause went
away) and the sequences of the events that raised it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Final

from projections import detectors
from projections.core import Change, Put
from projections.protocol_state import PROTOCOL_EVENTS, next_state
from schemas import definition_events as de
from schemas import protocol_events as ev
from schemas.alert_events import AlertAcknowledged
from schemas.definition import TIERS_ABOVE_GMINA
from schemas.protocol import ProtocolStatus, Severity

if TYPE_CHECKING:
    from projections.core import Event, View

KINDS: Final = (
    "warning-accepted", "hard-warning", "corrected-after-confirmation", "implausible-number",
    "issued-below-turnout", "turnout-over-100", "ballot-stock", "issued-differs", "outlier",
    "runoff-swap",
)  # fmt: skip
"""Every kind of alert the detectors raise (the drill plants one of each)."""
NAME: Final = "alerts"
VERSION: Final = 3
ALERTS, SOURCES, PROTOCOLS, PRECINCTS, GROUPS, UNITS, TURNOUTS = (
    "alerts",
    "sources",
    "protocols",
    "precincts",
    "groups",
    "units",
    "turnouts",
)
TABLES: Final = (ALERTS, SOURCES, PROTOCOLS, PRECINCTS, GROUPS, UNITS, TURNOUTS)

COUNTED: Final = frozenset({"accepted", "confirmed"})
"""The statuses whose protocols count in their gmina's group (the outliers' comparison)."""

Raised = dict[str, dict[str, Any]]
"""alert key -> the alert's fields, as one source raises them now."""


def alert_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def apply(view: View, event: Event) -> list[Change]:
    changes: list[Change] = []
    data = event.data
    if isinstance(data, PROTOCOL_EVENTS):
        changes = _protocol(view, event)
    elif isinstance(data, de.UnitDefined | de.PrecinctsEstablished):
        changes = _unit(view, event)
    elif isinstance(data, ev.TurnoutOpened | ev.TurnoutReported | ev.TurnoutCorrected):
        changes = _turnout(view, event)
    elif isinstance(data, AlertAcknowledged):
        changes = _acknowledged(view, event)
    return changes


def _issued_by_contest(states: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Contest -> (ballots issued, of them to Polish citizens) in one precinct. A council's
    districts each count part of the precinct's voters: they are added up, and judged only once
    they count as many voters as the precinct's mayor protocol (all districts are in)."""
    found: dict[str, tuple[int, int]] = {}
    parts: dict[str, list[dict[str, int]]] = {}
    whole_eligible = None
    for state in states:
        numbers = state["numbers"]
        if numbers.get("ballots_issued") is None:
            continue
        if state["contest"].startswith("council:"):
            parts.setdefault(state["contest"], []).append(numbers)
            continue
        if state["contest"].split(":")[0] not in TIERS_ABOVE_GMINA:
            whole_eligible = numbers.get("eligible_voters")
        found[state["contest"]] = _issued(numbers)
    for contest, districts in parts.items():
        if whole_eligible is not None and (
            sum(d.get("eligible_voters", 0) for d in districts) == whole_eligible
        ):
            sums = [_issued(d) for d in districts]
            found[contest] = (sum(a for a, _ in sums), sum(b for _, b in sums))
    return found


def _issued(numbers: dict[str, int]) -> tuple[int, int]:
    issued = numbers["ballots_issued"]
    return issued, issued - numbers.get("ballots_issued_eu", 0)


# Sources: one protocol, one turnout record, one precinct-round, one gmina group.


def _sync(view: _Writes, source: str, raised: Raised, seq: int) -> None:
    """Open what ``source`` raises now, close what it raised before and no longer does."""
    listed = view.get(SOURCES, source)
    before = (listed or {"alerts": []})["alerts"]
    for key in before:
        if key not in raised:
            row = view.get(ALERTS, key)
            if row is not None and row["state"] != "closed":
                view.put(ALERTS, key, row | {"state": "closed", "events": [*row["events"], seq]})
    for key, fields in raised.items():
        row = view.get(ALERTS, key)
        if row is None or row["state"] == "closed":
            view.put(
                ALERTS,
                key,
                fields
                | {
                    "id": alert_id(key),
                    "state": "open",
                    "note": "",
                    "events": [seq],
                    "detectors": detectors.DETECTORS_VERSION,
                },
            )
        elif row["message"] != fields["message"]:
            view.put(ALERTS, key, row | {"message": fields["message"],
                                         "message_pl": fields["message_pl"],
                                         "events": [*row["events"], seq]})  # fmt: skip
    now = sorted(raised)
    if listed is None or listed["alerts"] != now:
        view.put(SOURCES, source, {"alerts": now})


def _raise(place: dict[str, Any], finding: detectors.Finding, precinct: Any = None) -> Raised:
    where = precinct if precinct is not None else place.get("precinct", "-")
    key = "|".join(
        map(
            str,
            (
                place["election"],
                place["teryt"],
                where,
                place.get("contest", "-"),
                place.get("round", "-"),
                finding.kind,
                finding.detail,
            ),
        )
    )
    return {
        key: {
            "key": key,
            "kind": finding.kind,
            "severity": finding.severity,
            "election": place["election"],
            "gmina": place["teryt"],
            "precinct": where,
            "contest": place.get("contest", "-"),
            "round": place.get("round", "-"),
            "detail": finding.detail,
            "message": finding.message,
            "message_pl": finding.message_pl,
        }
    }


# Protocols.


def _protocol(view: View, event: Event) -> list[Change]:
    writes = _Writes(view)
    old = view.get(PROTOCOLS, event.aggregate_id)
    state = next_state(old, event)
    if state is None:
        return []
    if isinstance(event.data, ev.ProtocolSubmitted | ev.ProtocolCorrected):
        state["findings"] = [[f.code, f.severity.value, f.message_en, f.message_pl]
                             for f in event.data.findings]  # fmt: skip
        state["explanations"] = dict(event.data.content.explanations)
    else:
        state["findings"], state["explanations"] = old["findings"], old["explanations"]  # type: ignore[index]
    writes.put(PROTOCOLS, event.aggregate_id, state)
    _sync(writes, f"protocol:{event.aggregate_id}", _protocol_alerts(state), event.seq)
    precinct = _precinct_key(state)
    index = writes.get(PRECINCTS, precinct) or {"protocols": [], "max_issued": 0}
    listed = event.aggregate_id in index["protocols"]
    if not listed:
        writes.put(
            PRECINCTS, precinct, index | {"protocols": [*index["protocols"], event.aggregate_id]}
        )
    if not (listed and _numbers_unchanged(old, state)):
        _precinct_alerts(writes, precinct, event.seq)
    _group_alerts(writes, state, old, event.seq)
    return writes.changes


def _protocol_alerts(state: dict[str, Any]) -> Raised:
    raised: Raised = {}
    approved = state["status"] != ProtocolStatus.AWAITING_APPROVAL
    for code, severity, message, message_pl in state["findings"]:
        if severity == Severity.WARNING.value:
            note = state["explanations"].get(code, "")
            raised |= _raise(
                state,
                detectors.Finding(
                    "warning-accepted", "info", code, f"{message} — explained: {note}",
                    f"{message_pl} — wyjaśnienie komisji: {note}",
                ),
            )  # fmt: skip
        elif severity == Severity.HARD_WARNING.value and not approved:
            raised |= _raise(state, detectors.Finding("hard-warning", "critical", code, message,
                                                      message_pl))  # fmt: skip
    if state["corrected_after_confirmation"]:
        raised |= _raise(
            state,
            detectors.Finding(
                "corrected-after-confirmation",
                "warning",
                f"v{state['version']}",
                "corrected after its confirmation",
                "poprawiony po potwierdzeniu",
            ),
        )
    for finding in detectors.implausible(state["numbers"]):
        raised |= _raise(state, finding)
    return raised


def _precinct_key(place: dict[str, Any]) -> str:
    return f"{place['election']}|{place['teryt']}|{place['precinct']}|{place['round']}"


def _precinct_alerts(writes: _Writes, precinct: str, seq: int) -> None:
    index = writes.get(PRECINCTS, precinct)
    if index is None:
        return
    election, teryt, number, round_number = precinct.split("|")
    place = {
        "election": election,
        "teryt": teryt,
        "precinct": int(number),
        "round": int(round_number),
    }
    states = [s for s in (writes.get(PROTOCOLS, p) for p in index["protocols"]) if s]
    issued = _issued_by_contest(states)
    raised: Raised = {}
    for contest, (value, _) in issued.items():
        # Only Polish citizens vote above the gmina; the turnout report counts everyone.
        if contest.split(":")[0] not in TIERS_ABOVE_GMINA and value < index["max_issued"]:
            raised |= _raise(
                place | {"contest": contest},
                detectors.Finding(
                    "issued-below-turnout",
                    "warning",
                    "ballots_issued",
                    f"the protocol issued {value} ballots, a turnout report already counted "
                    f"{index['max_issued']}",
                    f"protokół: {value} wydanych kart, a raport frekwencji liczył już "
                    f"{index['max_issued']}",
                ),
            )
    polish = {contest: part_a for contest, (_, part_a) in issued.items()}
    if len(set(polish.values())) > 1:
        raised |= _raise(
            place,
            detectors.Finding(
                "issued-differs",
                "warning",
                "ballots_issued",
                f"ballots issued (to Polish citizens) differ between contests: "
                f"{dict(sorted(polish.items()))}",
                f"liczby kart wydanych (obywatelom polskim) różnią się między wyborami: "
                f"{dict(sorted(polish.items()))}",
            ),
        )
    _sync(writes, f"precinct:{precinct}", raised, seq)


def _group_alerts(
    writes: _Writes, state: dict[str, Any], old: dict[str, Any] | None, seq: int
) -> None:
    group_key = (
        f"{state['election']}|{state['contest']}|{state['round']}|{state['teryt']}"
        f"{_ballot_scope(state)}"
    )
    stored = writes.get(GROUPS, group_key)
    counted = state["status"] in COUNTED
    if _entry_unchanged(old, state) and _synced_already(stored, None, state):
        return
    group = dict((stored or {"precincts": {}})["precincts"])
    name = f"{state['precinct']}/{state['district']}"
    if counted:
        group[name] = detectors.shares(state["numbers"])
    else:
        group.pop(name, None)
    if _synced_already(stored, group, state):
        return
    writes.put(GROUPS, group_key, {"precincts": group})
    place = {
        "election": state["election"],
        "teryt": state["teryt"],
        "contest": state["contest"],
        "round": state["round"],
    }
    raised: Raised = {}
    previous = stored["precincts"] if stored is not None else None
    for precinct, findings in detectors.outliers(group, previous, name).items():
        for finding in findings:
            raised |= _raise(place, finding, precinct)
    if state["round"] == 2:
        raised |= _swaps(writes, state, group, place)
    _sync(writes, f"group:{group_key}", raised, seq)


def _synced_already(
    stored: dict[str, Any] | None,
    group: dict[str, dict[str, float]] | None,
    state: dict[str, Any],
) -> bool:
    """Whether the group's alerts were last synced from these very shares (``group``; None: the
    stored ones): the outliers are a function of the shares alone and only this group's sync
    changes its alerts, so syncing again would write the same rows. Not in a runoff, whose swaps
    also look at the first round's group."""
    if stored is None or state["round"] == 2:
        return False
    return group is None or stored["precincts"] == group


def _entry_unchanged(old: dict[str, Any] | None, state: dict[str, Any]) -> bool:
    """Whether the protocol's entry in its group stays as its previous event left it: the same
    numbers and counted as before."""
    if old is None or not _numbers_unchanged(old, state):
        return False
    return (old["status"] in COUNTED) == (state["status"] in COUNTED)


def _numbers_unchanged(old: dict[str, Any] | None, state: dict[str, Any]) -> bool:
    """Whether the event left the protocol's numbers as they were: the very same object (an
    approval, a confirmation, a rejection). Its precinct's comparisons read nothing else of it,
    and they were synced after its previous event already."""
    return old is not None and old["numbers"] is state["numbers"]


def _ballot_scope(state: dict[str, Any]) -> str:
    """Precincts are compared on one ballot: candidate ``c.1`` of one single-member council
    district is not candidate ``c.1`` of the next, so such districts are groups of their own.
    Lists are the same committees in every district of a council: one group per gmina."""
    if not state["district"]:
        return ""
    lists = any(name.startswith("l.") for name in state["numbers"])
    return "" if lists else f"|{state['district']}"


def _swaps(
    writes: _Writes,
    state: dict[str, Any],
    group: dict[str, dict[str, float]],
    place: dict[str, Any],
) -> Raised:
    first = (
        writes.get(
            GROUPS,
            f"{state['election']}|{state['contest']}|1|{state['teryt']}{_ballot_scope(state)}",
        )
        or {"precincts": {}}
    )["precincts"]
    names = sorted({n for s in group.values() for n in s if n.startswith("c.")})
    if len(names) != 2 or len(group) < 2:
        return {}
    pair = (names[0], names[1])
    raised: Raised = {}
    for precinct, runoff in group.items():
        others = [s for p, s in group.items() if p != precinct]
        gmina = {n: sum(s.get(n, 0) for s in others) / len(others) for n in pair}
        finding = detectors.swapped(first.get(precinct, {}), runoff, gmina, pair)
        if finding is not None:
            raised |= _raise(place, finding, precinct)
    return raised


# Units and turnout.


def _unit(view: View, event: Event) -> list[Change]:
    data = event.data
    defined = isinstance(data, de.UnitDefined)
    teryt = data.unit.teryt if defined else event.routing["gmina"]
    precincts = data.unit.precincts if defined else data.precincts
    key = f"{event.routing.get('election', '')}|{teryt}"
    planned = dict((view.get(UNITS, key) or {"planned": {}})["planned"])
    planned |= {str(p.number): p.ballots_planned for p in precincts}
    return [Put(UNITS, key, {"planned": planned})]


def _turnout(view: View, event: Event) -> list[Change]:
    writes = _Writes(view)
    data = event.data
    if isinstance(data, ev.TurnoutOpened):
        writes.put(
            TURNOUTS,
            event.aggregate_id,
            {
                "election": data.election,
                "teryt": data.teryt,
                "precinct": data.precinct,
                "round": data.round,
            },
        )
        return writes.changes
    place = view.get(TURNOUTS, event.aggregate_id)
    if place is None or not isinstance(data, ev.TurnoutReported | ev.TurnoutCorrected):
        return []
    report = data.report
    hours = dict(place.get("hours", {})) | {report.hour.strftime("%H:%M"): report.ballots_issued}
    writes.put(TURNOUTS, event.aggregate_id, place | {"hours": hours})
    raised: Raised = {}
    if report.ballots_issued > report.eligible_voters:
        raised |= _raise(
            place,
            detectors.Finding(
                "turnout-over-100",
                "critical",
                report.hour.strftime("%H:%M"),
                f"{report.ballots_issued} issued of {report.eligible_voters} on the list",
                f"wydano {report.ballots_issued} kart przy {report.eligible_voters} wyborcach "
                "w spisie",
            ),
        )
    planned = (view.get(UNITS, f"{place['election']}|{place['teryt']}") or {"planned": {}})[
        "planned"
    ]
    for finding in detectors.ballot_stock(max(hours.values()), planned.get(str(place["precinct"]))):
        raised |= _raise(place, finding)
    _sync(writes, f"turnout:{event.aggregate_id}", raised, event.seq)
    precinct = _precinct_key(place)
    index = writes.get(PRECINCTS, precinct) or {"protocols": [], "max_issued": 0}
    writes.put(PRECINCTS, precinct, index | {"max_issued": max(hours.values())})
    _precinct_alerts(writes, precinct, event.seq)
    return writes.changes


def _acknowledged(view: View, event: Event) -> list[Change]:
    key = event.data.alert
    row = view.get(ALERTS, key)
    if row is None:
        return []
    return [
        Put(
            ALERTS,
            key,
            row
            | {
                "state": "acknowledged",
                "note": event.data.note,
                "events": [*row["events"], event.seq],
            },
        )
    ]


class _Writes:
    """Reads that see this event's own writes, and the writes in order."""

    def __init__(self, view: View) -> None:
        self._view = view
        self._rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.changes: list[Change] = []

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        return self._rows.get((table, key)) or self._view.get(table, key)

    def put(self, table: str, key: str, value: dict[str, Any]) -> None:
        self._rows[table, key] = value
        self.changes.append(Put(table, key, value))
