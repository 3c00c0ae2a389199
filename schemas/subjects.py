"""NATS subjects of the command service: request/reply, one subject per command or query.

Requests carry the command as JSON and these headers: ``Idempotency-Key`` (optional; a retry with
the same key and body gets the first answer), ``Tally-Actor``, ``Tally-Role``, ``Tally-Channel``,
``Tally-Correlation-Id``. The reply is an ``Outcome`` (queries: their view) with the status in
``Tally-Status`` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

PREFIX: Final = "tally.v1"
QUEUE: Final = "tally-commands"
IDEMPOTENCY_KEY: Final = "Idempotency-Key"
STATUS: Final = "Tally-Status"
RETRY_AFTER: Final = "Tally-Retry-After"

SUBMIT: Final = f"{PREFIX}.protocol.submit"
CORRECT: Final = f"{PREFIX}.protocol.correct"
CONFIRM: Final = f"{PREFIX}.protocol.confirm"
APPROVE: Final = f"{PREFIX}.protocol.approve"
WITHDRAW: Final = f"{PREFIX}.protocol.withdraw"
REJECT: Final = f"{PREFIX}.protocol.reject"
TURNOUT_REPORT: Final = f"{PREFIX}.turnout.report"
TURNOUT_CORRECT: Final = f"{PREFIX}.turnout.correct"
ACKNOWLEDGE_ALERT: Final = f"{PREFIX}.alerts.acknowledge"
ESTABLISH_RESULT: Final = f"{PREFIX}.results.establish"
REOPEN_RESULT: Final = f"{PREFIX}.results.reopen"
DRAW_LOT: Final = f"{PREFIX}.results.draw_lot"
GET_RESULT: Final = f"{PREFIX}.results.get"
VALIDATE: Final = f"{PREFIX}.protocol.validate"
GET_PROTOCOL: Final = f"{PREFIX}.protocol.get"
GET_BALLOT: Final = f"{PREFIX}.protocol.ballot"
GET_PRECINCT: Final = f"{PREFIX}.precinct.get"
PAPER_PRECINCTS: Final = f"{PREFIX}.paper.precincts"
PAPER_TEMPLATES: Final = f"{PREFIX}.paper.templates"
PAPER_PROTOCOL: Final = f"{PREFIX}.paper.protocol"
PAPER_RESULTS: Final = f"{PREFIX}.paper.results"

ACTIVATE: Final = f"{PREFIX}.auth.activate"
LOGIN: Final = f"{PREFIX}.auth.login"
STEP_UP: Final = f"{PREFIX}.auth.step_up"
LOGOUT: Final = f"{PREFIX}.auth.logout"
LOGOUT_EVERYWHERE: Final = f"{PREFIX}.auth.logout_everywhere"
CHOOSE_LANGUAGE: Final = f"{PREFIX}.auth.language"
CREATE_ACCOUNT: Final = f"{PREFIX}.accounts.create"
RESET_ACCOUNT: Final = f"{PREFIX}.accounts.reset"
UNLOCK_ACCOUNT: Final = f"{PREFIX}.accounts.unlock"
LIST_ACCOUNTS: Final = f"{PREFIX}.accounts.list"
GET_PUBLIC_RESULT: Final = f"{PREFIX}.public.result"
ACCESS_DENIED: Final = f"{PREFIX}.security.access_denied"

VIEWS_QUERY: Final = f"{PREFIX}.views.query"
VIEWS_QUEUE: Final = "tally-views"
VIEWS_ANNOUNCE_PREFIX: Final = f"{PREFIX}.views."
"""A runner announces what it committed on ``VIEWS_ANNOUNCE_PREFIX + <view name>``."""

SESSION_TOKEN: Final = "Tally-Session"  # noqa: S105 - a header name, not a secret
CLIENT_ADDRESS: Final = "Tally-Client-Address"
ACTOR_GMINA: Final = "Tally-Actor-Gmina"
ACTOR_PRECINCTS: Final = "Tally-Actor-Precincts"
"""Whom a gateway vouches for, beside ``Tally-Actor`` and ``Tally-Role``: the account's gmina and
its precincts (``encode_precincts``), so the services check places without a session lookup."""


def encode_precincts(precincts: Sequence[int]) -> str:
    """The ``Tally-Actor-Precincts`` value: the numbers, comma-separated."""
    return ",".join(map(str, precincts))


def decode_precincts(written: str) -> tuple[int, ...] | None:
    """The precincts of a ``Tally-Actor-Precincts`` value; None when it does not read."""
    numbers = [part for part in written.split(",") if part]
    if not all(part.isdigit() for part in numbers):
        return None
    return tuple(int(part) for part in numbers)
