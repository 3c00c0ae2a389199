"""The protocols application: commands on protocols and turnout reports, through the event store,
for synchronous callers (the CLI, tools, tests).

Each call runs the protocol desk (``services.apps.protocol_desk``: read, decide, save) where the
store's connection lives; the command service runs the same desk on its own loop. Domain
refusals come back as ``Outcome(status="refused")`` naming the field and the rule; nothing is
written then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application

from domain.clock import Clock, SystemClock
from services.apps.elections import Elections
from services.apps.protocol_desk import ProtocolDesk
from services.eventstore.history import port_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.protocol import Protocol
    from domain.turnout import Turnout
    from schemas.commands import Outcome, ProtocolView, SubmitProtocol
    from schemas.envelope import CommandContext
    from schemas.validation import ProtocolKey, ValidationReport
    from services.apps.protocol_decisions import Command


class Protocols(Application[UUID]):
    name = "protocols"
    env: ClassVar[dict[str, str]] = Elections.env

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self._store = port_of(self.recorder)
        self.desk = ProtocolDesk(self._store.port(), self.mapper, clock or SystemClock())

    def handle(self, command: Command, context: CommandContext) -> Outcome:
        return self._store.run(self.desk.handle(command, context))

    def recorded(self, command: Any, key: str, fingerprint: str) -> Outcome | None:
        return self._store.run(self.desk.recorded(command, key, fingerprint))

    def validate(self, command: SubmitProtocol) -> ValidationReport | Outcome:
        return self._store.run(self.desk.validate(command))

    def protocol(self, key: ProtocolKey) -> Protocol | None:
        return self._store.run(self.desk.protocol(key))

    def view(self, key: ProtocolKey) -> ProtocolView | None:
        return self._store.run(self.desk.view(key))

    def turnout(
        self, election: str, teryt: str, precinct: int, round_number: int
    ) -> Turnout | None:
        return self._store.run(self.desk.turnout(election, teryt, precinct, round_number))
