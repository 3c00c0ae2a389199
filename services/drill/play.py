"""The drill night through the real HTTP API: operators send their precincts' protocols as they
arrive (warnings carry the commission's explanation), coordinators approve hard warnings and
confirm every protocol when its signed paper copy comes in: by the control code printed on it
(computed here from the paper's numbers, independently of the server) or, for a fixed sample,
by typing the numbers blind.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Final

from domain.controlcode import canonical_encoding, control_code
from services.drill.agenda import Agenda
from services.drill.people import Desk
from services.drill.schedule import arrival_s, blind_entry, paper_delay_s

if TYPE_CHECKING:
    from collections.abc import Callable

    from schemas.commands import Outcome, SubmitProtocol
    from schemas.validation import ProtocolKey
    from services.client import TallyClient
    from services.drill.people import Account, Team

APPROVAL_DELAY_S: Final = 5 * 60
"""A coordinator looks at a hard warning a few minutes after it is raised."""
AWAITING: Final = "awaiting-approval"


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
    def __init__(
        self,
        url: str,
        team: Team,
        protocols: tuple[SubmitProtocol, ...],
        *,
        speed: float | None,
        clients: int,
        blind_share: float,
        progress: Callable[[int, int, str], None],
    ) -> None:
        self._url = url
        self._team = team
        self._protocols = protocols
        self._clients = clients
        self._blind_share = blind_share
        self._progress = progress
        self._agenda = Agenda(speed)
        self.record = Record()
        self._local = threading.local()
        self._desks: list[Desk] = []

    def play(self) -> Record:
        for protocol in self._protocols:
            self._agenda.add(arrival_s(protocol), partial(self._submit, protocol))
        workers = [threading.Thread(target=self._work, name=f"desk-{n}", daemon=True)
                   for n in range(self._clients)]  # fmt: skip
        for worker in workers:
            worker.start()
        total = len(self._protocols)
        while any(worker.is_alive() for worker in workers):
            with self.record.lock:
                done, confirmed = self.record.accepted, self.record.confirmed
            self._progress(done + confirmed, 2 * total, f"submitted {done}, confirmed {confirmed}")
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

    def _submit(self, protocol: SubmitProtocol) -> None:
        operator = self._team.operators[protocol.key.teryt]
        record = self.record
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
            if outcome.state != AWAITING:
                record.acknowledged.append((outcome.sequence, acknowledged))
            if outcome.control_code != code:
                record.code_mismatches.append(f"{protocol.key}: {outcome.control_code} != {code}")
        moment = arrival_s(protocol)
        if outcome.state == AWAITING:
            self._agenda.add(moment + APPROVAL_DELAY_S, lambda: self._approve(protocol, code))
        else:
            self._agenda.add(moment + paper_delay_s(protocol.key), lambda: self._confirm(protocol))

    def _approve(self, protocol: SubmitProtocol, code: str) -> None:
        coordinator = self._team.coordinators[protocol.key.teryt]
        outcome = self._act(coordinator, lambda c: c.approve(protocol.key, code), step_up=True)
        if self.record.outcome(f"approve {protocol.key}", outcome):
            with self.record.lock:
                self.record.approved += 1
            moment = arrival_s(protocol) + max(APPROVAL_DELAY_S, paper_delay_s(protocol.key))
            self._agenda.add(moment, lambda: self._confirm(protocol))

    def _confirm(self, protocol: SubmitProtocol) -> None:
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
