"""Random command sequences on a protocol: every reached state is one the diagram allows, and
the recorded history, stored and read back, replays to the same state and gives the same current
numbers to a reader of the protocol beside it."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.protocol import Protocol, ProtocolRefusedError
from domain.rules import profile_for
from schemas.protocol import ProtocolStatus as Status
from services.apps.protocol_desk import current_content
from services.eventstore.history import Recorded
from services.eventstore.mapper import TaggedMapper
from tests.protocols import KEY, candidate_context, president_2015

CONTEXT = candidate_context()
PROFILE = profile_for("", "2015")
CONTENTS = {
    "clean": president_2015(),
    "clean-other": president_2015(candidates_total=None),
    "hard-warning": president_2015(ballots_unused=301),  # R111: blocks until approved
    "explained-warning": president_2015(
        invalid_ballots=1,
        ballots_from_box=515,
        valid_ballots=514,
        explanations={"R304": "jedna karta z innej urny", "R307": "karta przedarta"},
    ),
    "unexplained-warning": president_2015(
        invalid_ballots=1, ballots_from_box=515, valid_ballots=514
    ),
    "error": president_2015(valid_votes=9),
}
REFUSED_CONTENTS = {"unexplained-warning", "error"}
MAPPER = TaggedMapper(JSONTranscoder())


class ProtocolLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.protocol: Protocol | None = None
        self.history: list[Any] = []

    def _run(self, command: Any) -> bool:
        try:
            command()
        except ProtocolRefusedError:
            return False
        assert self.protocol is not None
        self.history += self.protocol.collect_events()
        return True

    @initialize(name=st.sampled_from(sorted(CONTENTS)))
    def submit(self, name: str) -> None:
        try:
            self.protocol = Protocol.submit(KEY, CONTENTS[name], CONTEXT, PROFILE)
        except ProtocolRefusedError:
            assert name in REFUSED_CONTENTS
            self.protocol = Protocol.submit(KEY, CONTENTS["clean"], CONTEXT, PROFILE)
        assert name not in REFUSED_CONTENTS or self.protocol.current.content == CONTENTS["clean"]
        self.history += self.protocol.collect_events()

    @rule(name=st.sampled_from(sorted(CONTENTS)), reason=st.sampled_from(["", "pomyłka"]))
    def correct(self, name: str, reason: str) -> None:
        assert self.protocol is not None
        before = (self.protocol.status, len(self.protocol.versions))
        unchanged = CONTENTS[name] == self.protocol.current.content
        done = self._run(lambda: self.protocol.correct(CONTENTS[name], reason, CONTEXT, PROFILE))
        assert done == (bool(reason) and name not in REFUSED_CONTENTS and not unchanged)
        if done:
            assert before[1] + 1 == len(self.protocol.versions)
            last = self.history[-1].data
            assert last.confirmation_withdrawn == (before[0] is Status.CONFIRMED)

    @rule(right=st.booleans())
    def approve(self, right: bool) -> None:
        assert self.protocol is not None
        code = self.protocol.current.control_code if right else "0000-0000-0000"
        awaiting = self.protocol.status is Status.AWAITING_APPROVAL
        assert (awaiting and right) == self._run(lambda: self.protocol.approve_hard_warnings(code))

    @rule(right=st.booleans())
    def confirm_by_code(self, right: bool) -> None:
        assert self.protocol is not None
        code = self.protocol.current.control_code.lower() if right else "0000-0000-0000"
        ready = self.protocol.status in (Status.ACCEPTED, Status.CONFIRMED)
        assert (ready and right) == self._run(lambda: self.protocol.confirm_by_control_code(code))

    @rule(same=st.booleans())
    def confirm_blind(self, same: bool) -> None:
        assert self.protocol is not None
        current = self.protocol.current.content
        entry = (
            current if same else president_2015(eligible_voters=(current.eligible_voters or 0) + 1)
        )
        ready = self.protocol.status in (Status.ACCEPTED, Status.CONFIRMED)
        assert (ready and same) == self._run(lambda: self.protocol.confirm_by_blind_entry(entry))

    @rule(reason=st.sampled_from(["", "pomyłka w kodzie"]))
    def withdraw(self, reason: str) -> None:
        assert self.protocol is not None
        confirmed = self.protocol.status is Status.CONFIRMED
        done = self._run(lambda: self.protocol.withdraw_confirmation(reason))
        assert done == (confirmed and bool(reason))

    @rule(reason=st.sampled_from(["", "niezgodny z kopią papierową"]))
    def reject(self, reason: str) -> None:
        assert self.protocol is not None
        rejected = self.protocol.status is Status.REJECTED
        assert (not rejected and bool(reason)) == self._run(lambda: self.protocol.reject(reason))

    @invariant()
    def state_is_consistent(self) -> None:
        protocol = self.protocol
        if protocol is None:
            return
        assert [v.number for v in protocol.versions] == list(range(1, len(protocol.versions) + 1))
        if protocol.status is Status.CONFIRMED:
            assert protocol.confirmation is not None
            assert protocol.current.number == protocol.confirmation.version
        if protocol.status is Status.AWAITING_APPROVAL:
            assert protocol.current.hard_warnings
        assert all(c.content.form == "2015" for c in protocol.versions)

    @invariant()
    def history_replays_to_the_same_state(self) -> None:
        if self.protocol is None:
            return
        stored = [MAPPER.to_stored_event(event) for event in self.history]
        replayed: Any = None
        for record in stored:
            replayed = MAPPER.to_domain_event(record).mutate(replayed)
        assert replayed is not None
        assert self.protocol.status == replayed.status
        assert self.protocol.versions == replayed.versions
        assert self.protocol.version == replayed.version
        # What a sibling is read as: its current numbers, from the stored events alone.
        recorded = [Recorded(n, record) for n, record in enumerate(stored, start=1)]
        assert self.protocol.current.content == current_content(recorded)


ProtocolLife.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
TestProtocolLife = ProtocolLife.TestCase
