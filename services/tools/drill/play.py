"""The drill night through the real HTTP API: operators send their precincts' protocols as they
arrive (warnings carry the commission's explanation), coordinators approve hard warnings and
confirm every protocol when its signed paper copy comes in: by the control code printed on it
(computed here from the paper's numbers, independently of the server) or, for a fixed sample,
by typing the numbers blind.

A scripted night (``night.jsonl``) adds the turnout reports of the day, first attempts the rules
must refuse before the right protocol goes in, and corrections (before the paper copy is
confirmed, or after, followed by a fresh confirmation). Round 2 is played after round 1 on the
same drill night.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Final

import msgspec

from domain.controlcode import canonical_encoding, control_code
from domain.definitions.common import contest_key_of
from schemas.commands import ReportTurnout
from schemas.definition import MayorContest
from schemas.protocol import ProtocolStatus
from schemas.results import ResultKey
from services.tools.drill.agenda import Agenda
from services.tools.drill.schedule import arrival_s, blind_entry, paper_delay_s
from services.tools.people import Desk

if TYPE_CHECKING:
    from collections.abc import Callable

    from schemas.commands import Outcome, SubmitProtocol
    from schemas.drill import TurnoutEntry
    from schemas.validation import ProtocolKey
    from services.tools.client import TallyClient
    from services.tools.drill.directory import DrillDirectory
    from services.tools.drill.results import Establishing
    from services.tools.people import Account, Team

ROUND_TWO_AFTER_S: Final = 6 * 3600
"""A runoff's protocols arrive this long after round 1's (the two weeks between are skipped)."""
CORRECTION_DELAY_S: Final = 10 * 60
RUNOFF_WAIT_S: Final = 60.0
RUNOFF_WAITS: Final = 240
"""A runoff protocol that comes before its round 1 is established waits a minute, again and
again; after this many the round-1 result is established with what is confirmed."""
APPROVAL_DELAY_S: Final = 5 * 60
"""A coordinator looks at a hard warning a few minutes after it is raised."""


@dataclass
class Record:
    """What happened, filled in by all workers (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: int = 0
    refused_by_rule: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    findings_by_rule: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    acknowledged: list[tuple[int, float]] = field(default_factory=list)
    """(stream sequence, monotonic time of the ack) of submissions the tally counts at once."""
    approved: int = 0
    confirmed: int = 0
    confirmed_blind: int = 0
    confirmed_keys: set[ProtocolKey] = field(default_factory=set)
    code_mismatches: list[str] = field(default_factory=list)
    last_sequence: int = 0
    commands: int = 0
    first_sent: float = 0.0
    last_acknowledged: float = 0.0
    turnout_reports: int = 0
    corrections: int = 0
    attempts_refused: int = 0
    refused_at: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    """(gmina, precinct) -> rules that refused a command there (planted errors are among them)."""

    def refused_as_planned(self, teryt: str, precinct: int, outcome: Outcome) -> None:
        with self.lock:
            self.commands += 1
            self.refused_at.setdefault((teryt, precinct), set()).update(
                p.rule for p in outcome.problems
            )

    def outcome(self, what: str, outcome: Outcome) -> bool:
        with self.lock:
            self.commands += 1
            self.last_sequence = max(self.last_sequence, outcome.sequence)
            if outcome.status == "accepted":
                return True
            if outcome.status == "refused":
                self.refused_by_rule.update(p.rule for p in outcome.problems)
            else:
                self.failed.append(f"{what}: {outcome.status} {outcome.problems}")
            return False


def paper_code(protocol: SubmitProtocol) -> str:
    """The control code printed on the paper copy, from the paper's own numbers."""
    k = protocol.key
    return control_code(
        canonical_encoding(election=k.election, teryt=k.teryt, precinct=k.precinct,
                           contest=k.contest, district=k.district, round_number=k.round,
                           content=protocol.content)
    )  # fmt: skip


class Night:
    def __init__(  # noqa: PLR0913 - the night's setting, each its own
        self,
        url: str,
        team: Team,
        drill: DrillDirectory,
        *,
        speed: float | None,
        clients: int,
        blind_share: float,
        progress: Callable[[int, int, str], None],
        establishing: Establishing,
    ) -> None:
        self._url = url
        self.establishing = establishing
        named = {contest_key_of(c) for c in drill.definition.contests
                 if isinstance(c, MayorContest) and c.runoff}  # fmt: skip
        # Only a mayor's runoff is opened in a gmina (a president's pair comes with the drill).
        runoffs = {p.key.contest for p in drill.protocols
                   if p.key.round == 2 and p.key.contest.startswith("mayor:")} - named  # fmt: skip
        self.runoffs = runoffs | named
        """The contests with a runoff; those the definition does not name are opened here."""
        self._round_one: dict[str, set[ProtocolKey]] = {c: set() for c in runoffs}
        for protocol in drill.protocols:
            if protocol.key.round == 1 and protocol.key.contest in runoffs:
                self._round_one[protocol.key.contest].add(protocol.key)
        self._opening = {contest: threading.Lock() for contest in runoffs}
        self._waits: Counter[str] = Counter()
        self._team = team
        self._protocols = drill.protocols
        self.clients = clients
        self._blind_share = blind_share
        self._progress = progress
        self._script = drill.script
        self._agenda = Agenda(speed)
        self.record = Record()
        self._local = threading.local()
        self._desks: list[Desk] = []

    def play(self) -> Record:
        for protocol in self._protocols:
            self._agenda.add(_arrival(protocol), partial(self._submit, protocol))
        for entry in self._script.turnout:
            self._agenda.add(entry.at_s, partial(self._turnout, entry))
        workers = [threading.Thread(target=self._work, name=f"desk-{n}", daemon=True)
                   for n in range(self.clients)]  # fmt: skip
        for worker in workers:
            worker.start()
        total = 2 * len(self._protocols) + len(self._script.turnout)
        while any(worker.is_alive() for worker in workers):
            with self.record.lock:
                done, confirmed = self.record.accepted, self.record.confirmed
                turnout = self.record.turnout_reports
            status = f"turnout {turnout}, submitted {done}, confirmed {confirmed}"
            self._progress(done + confirmed + turnout, total, status)
            time.sleep(0.5)
        for desk in self._desks:
            desk.close()
        return self.record

    def _work(self) -> None:
        desk = Desk(self._url)
        self._desks.append(desk)
        self._local.desk = desk
        while (task := self._agenda.take()) is not None:
            try:
                task()
            except Exception as error:
                with self.record.lock:
                    self.record.failed.append(f"{type(error).__name__}: {error}")
            finally:
                self._agenda.done()

    def _act(
        self, account: Account, call: Callable[[TallyClient], Outcome], *, step_up: bool = False
    ) -> Outcome:
        desk: Desk = self._local.desk
        return desk.act(account, call, step_up=step_up)

    def _turnout(self, entry: TurnoutEntry) -> None:
        operator = self._team.operators[entry.key.teryt]
        command = ReportTurnout(key=entry.key, report=entry.report)
        outcome = self._act(operator, lambda c: c.report_turnout(command))
        if entry.refused_by and outcome.status == "refused":
            self.record.refused_as_planned(entry.key.teryt, entry.key.precinct, outcome)
        elif self.record.outcome(f"turnout {entry.key}", outcome):
            with self.record.lock:
                self.record.turnout_reports += 1

    def _submit(self, protocol: SubmitProtocol) -> None:
        if protocol.key.round == 2 and not self._runoff_open(protocol):
            return
        operator = self._team.operators[protocol.key.teryt]
        record = self.record
        attempt = self._script.attempts.get(protocol.key)
        if attempt is not None:
            first = self._act(operator, lambda c: c.submit(attempt.key, attempt.content))
            if first.status == "refused" and attempt.refused_by in {p.rule for p in first.problems}:
                record.refused_as_planned(protocol.key.teryt, protocol.key.precinct, first)
                with record.lock:
                    record.attempts_refused += 1
            else:
                record.outcome(f"attempt {protocol.key} (expected {attempt.refused_by})", first)
                with record.lock:
                    record.failed.append(f"attempt {protocol.key} was not refused by "
                                         f"{attempt.refused_by}: {first.status}")  # fmt: skip
        started = time.monotonic()
        outcome = self._act(operator, lambda c: c.submit(protocol.key, protocol.content))
        acknowledged = time.monotonic()
        if not record.outcome(f"submit {protocol.key}", outcome):
            return
        code = paper_code(protocol)
        with record.lock:
            record.first_sent = record.first_sent or started
            record.last_acknowledged = max(record.last_acknowledged, acknowledged)
            record.accepted += 1
            record.latencies_ms.append((acknowledged - started) * 1000)
            record.findings_by_rule.update(f.code for f in outcome.findings)
            if outcome.state != ProtocolStatus.AWAITING_APPROVAL:
                record.acknowledged.append((outcome.sequence, acknowledged))
            if outcome.control_code != code:
                record.code_mismatches.append(f"{protocol.key}: {outcome.control_code} != {code}")
        moment = _arrival(protocol)
        correction = self._script.corrections.get(protocol.key)
        if outcome.state == ProtocolStatus.AWAITING_APPROVAL:
            self._agenda.add(moment + APPROVAL_DELAY_S, lambda: self._approve(protocol, code))
        elif correction is not None and not correction.after_confirmation:
            self._agenda.add(moment + CORRECTION_DELAY_S, lambda: self._correct(protocol))
        else:
            self._agenda.add(moment + paper_delay_s(protocol.key), lambda: self._confirm(protocol))

    def _runoff_open(self, protocol: SubmitProtocol) -> bool:
        """Whether round 2 of the protocol's contest may be played: its round-1 result is
        established (here, now, once every round-1 protocol is confirmed), or the definition
        named the pair; otherwise the protocol is sent again a minute later."""
        contest = protocol.key.contest
        lock = self._opening.get(contest)
        if lock is None:
            return True
        with lock:
            if contest in self.establishing.record.runoffs_opened or self._waits[contest] < 0:
                return True
            with self.record.lock:
                pending = self._round_one[contest] - self.record.confirmed_keys
            waited = self._waits[contest]
            if pending and waited < RUNOFF_WAITS:
                self._waits[contest] += 1
                later = _arrival(protocol) + RUNOFF_WAIT_S * (waited + 1)
                self._agenda.add(later, partial(self._submit, protocol))
                return False
            key = ResultKey(election=protocol.key.election, contest=contest)
            self.establishing.establish(self._local.desk, key)
            self._waits[contest] = -1  # decided: what is opened is played, the rest refused
            return True

    def _correct(self, protocol: SubmitProtocol) -> None:
        """The commission corrects its protocol; the paper copy of the new version follows."""
        correction = self._script.corrections[protocol.key]
        operator = self._team.operators[protocol.key.teryt]
        outcome = self._act(
            operator,
            lambda c: c.correct(correction.key, correction.content, correction.reason),
            step_up=True,
        )
        if not self.record.outcome(f"correct {protocol.key}", outcome):
            return
        with self.record.lock:
            self.record.corrections += 1
            self.record.confirmed_keys.discard(protocol.key)
        corrected = msgspec.structs.replace(protocol, content=correction.content)
        moment = _arrival(protocol) + CORRECTION_DELAY_S + paper_delay_s(protocol.key)
        self._agenda.add(moment, lambda: self._confirm(corrected, final=True))

    def _approve(self, protocol: SubmitProtocol, code: str) -> None:
        coordinator = self._team.coordinators[protocol.key.teryt]
        outcome = self._act(coordinator, lambda c: c.approve(protocol.key, code), step_up=True)
        if self.record.outcome(f"approve {protocol.key}", outcome):
            with self.record.lock:
                self.record.approved += 1
            moment = _arrival(protocol) + max(APPROVAL_DELAY_S, paper_delay_s(protocol.key))
            self._agenda.add(moment, lambda: self._confirm(protocol))

    def _confirm(self, protocol: SubmitProtocol, *, final: bool = False) -> None:
        coordinator = self._team.coordinators[protocol.key.teryt]
        key = protocol.key
        blind = blind_entry(key, self._blind_share)

        def confirm(client: TallyClient) -> Outcome:
            if blind:
                return client.confirm(key, entry=protocol.content)
            return client.confirm(key, control_code=paper_code(protocol))

        outcome = self._act(coordinator, confirm, step_up=True)
        if self.record.outcome(f"confirm {key}", outcome):
            with self.record.lock:
                self.record.confirmed += 1
                self.record.confirmed_blind += blind
                self.record.confirmed_keys.add(key)
            correction = self._script.corrections.get(key)
            if not final and correction is not None and correction.after_confirmation:
                moment = _arrival(protocol) + paper_delay_s(key) + CORRECTION_DELAY_S
                self._agenda.add(moment, lambda: self._correct(protocol))


def _arrival(protocol: SubmitProtocol) -> float:
    later = ROUND_TWO_AFTER_S if protocol.key.round == 2 else 0.0
    return later + arrival_s(protocol)
