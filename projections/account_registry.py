"""The registry of accounts: who they are, where they act, whether they are activated or locked
and when they last logged in, folded from the accounts stream (never from the election stream:
accounts live apart from what auditors of the election read).

Rows are keyed ``<gmina>|<login>`` (``-`` for accounts bound to no gmina), so a gmina's accounts
are one prefix. Account events name their aggregate, not the login: the ``ids`` table maps one
to the other. Security records (refusals) beside the account events are not part of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from projections.core import Change, Put
from schemas import account_events as ev

if TYPE_CHECKING:
    from projections.core import Event, View

NAME: Final = "accounts"
VERSION: Final = 1
ACCOUNTS: Final = "accounts"
IDS: Final = "ids"
TABLES: Final[tuple[str, ...]] = (ACCOUNTS, IDS)
NO_GMINA: Final = "-"

PENDING, ACTIVE, LOCKED = "pending-activation", "active", "locked"


def gmina_prefix(gmina: str | None) -> str:
    return f"{gmina or NO_GMINA}|"


def apply(view: View, event: Event) -> list[Change]:
    data, at = event.data, event.envelope.get("recorded_at", "")
    if isinstance(data, ev.AccountCreated):
        key = gmina_prefix(data.gmina) + data.login
        created: dict[str, Any] = {
            "login": data.login, "display_name": data.display_name, "role": data.role,
            "gmina": data.gmina or "", "precincts": list(data.precincts), "status": PENDING,
            "created_at": at, "created_by": data.created_by, "activation_expires_at": "",
            "activated_at": "", "last_login_at": "", "last_login_from": "",
            "locked_at": "", "locked_reason": "",
        }  # fmt: skip
        return [Put(IDS, event.aggregate_id, {"key": key}), Put(ACCOUNTS, key, created)]
    found = view.get(IDS, event.aggregate_id)
    if found is None:
        return []
    row = view.get(ACCOUNTS, found["key"])
    if row is None:
        return []
    changed = _changed(row, data, at)
    return [Put(ACCOUNTS, found["key"], changed)] if changed is not row else []


def _changed(row: dict[str, Any], data: Any, at: str) -> dict[str, Any]:
    """The row after one of the account's later events (the row itself when nothing changes)."""
    if isinstance(data, ev.ActivationIssued):
        # A reset: the old password stops until the new code is used.
        return row | {"status": PENDING, "activation_expires_at": data.expires_at.isoformat(),
                      "activated_at": "", "locked_at": "", "locked_reason": ""}  # fmt: skip
    if isinstance(data, ev.AccountActivated):
        return row | {"status": ACTIVE, "activated_at": at, "activation_expires_at": ""}
    if isinstance(data, ev.AccountLocked):
        return row | {"status": LOCKED, "locked_at": at, "locked_reason": data.reason}
    if isinstance(data, ev.AccountUnlocked):
        status = ACTIVE if row["activated_at"] else PENDING
        return row | {"status": status, "locked_at": "", "locked_reason": ""}
    if isinstance(data, ev.LoggedIn):
        return row | {"last_login_at": at, "last_login_from": data.address}
    return row
