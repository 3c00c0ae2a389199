"""Who may do what where: roles, permissions and scopes, as pure functions.

An operator acts only for their own precincts, a coordinator only in their gmina, an auditor
reads only; admins manage accounts and read. Commands that change what the paper says or vouch
for it (correct, confirm, approve, reject, withdraw, proxy entry) also need a TOTP code proven in
the last ``STEP_UP_WINDOW``. Whoever entered a version does not confirm or approve it
(``domain.protocol``: 403 ``auth.same_person``), unless their gmina's coordinator works alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from schemas.accounts import STEP_UP, Permission, Role

ROLES: Final[dict[Permission, frozenset[Role]]] = {
    Permission.SUBMIT: frozenset({Role.OPERATOR}),
    Permission.CORRECT: frozenset({Role.OPERATOR}),
    Permission.VALIDATE: frozenset({Role.OPERATOR, Role.COORDINATOR}),
    Permission.TURNOUT: frozenset({Role.OPERATOR, Role.COORDINATOR}),
    Permission.PROXY: frozenset({Role.COORDINATOR}),
    Permission.CONFIRM: frozenset({Role.COORDINATOR}),
    Permission.APPROVE: frozenset({Role.COORDINATOR}),
    Permission.WITHDRAW: frozenset({Role.COORDINATOR}),
    Permission.REJECT: frozenset({Role.COORDINATOR}),
    Permission.READ: frozenset(Role),
    Permission.VIEW: frozenset(Role),
    Permission.AUDIT: frozenset({Role.ADMIN, Role.AUDITOR, Role.COORDINATOR}),
    Permission.ACKNOWLEDGE: frozenset({Role.COORDINATOR}),
    Permission.ESTABLISH: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Permission.MANAGE_ACCOUNTS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.SESSION: frozenset(Role),
}
STEP_UP_WINDOW: Final = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Actor:
    login: str
    role: Role
    gmina: str | None = None
    precincts: tuple[int, ...] = ()


def refusal(actor: Actor, permission: Permission, teryt: str | None = None,
            precinct: int | None = None) -> str | None:  # fmt: skip
    """Why ``actor`` may not use ``permission`` at this place, or None when it may."""
    if actor.role not in ROLES[permission]:
        return f"a {actor.role.value} may not {permission.value}"
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return None
    return _place_refusal(actor, permission, teryt, precinct)


def _place_refusal(
    actor: Actor, permission: Permission, teryt: str | None, precinct: int | None
) -> str | None:
    """Coordinators and operators act in their own gmina; operators at their own precincts
    (they see their gmina's views)."""
    scoped_reads = (Permission.VIEW, Permission.AUDIT)
    if teryt is None:
        return f"{actor.login} must name their gmina" if permission in scoped_reads else None
    if actor.gmina != teryt:
        return f"{actor.login} acts in gmina {actor.gmina}, not {teryt}"
    outside = actor.role is Role.OPERATOR and precinct not in actor.precincts
    if outside and permission is not Permission.VIEW:
        return f"{actor.login} acts for precincts {list(actor.precincts)}, not {precinct}"
    return None


def needs_step_up(
    permission: Permission,
    totp_at: dt.datetime,
    now: dt.datetime,
    window: dt.timedelta = STEP_UP_WINDOW,
) -> bool:
    return permission in STEP_UP and now - totp_at > window


def may_manage(actor: Actor, role: Role, gmina: str | None) -> str | None:
    """Admins create any account; a coordinator only operators of their own gmina."""
    if actor.role is Role.ADMIN:
        return None
    if actor.role is Role.COORDINATOR and role is Role.OPERATOR and gmina == actor.gmina:
        return None
    return f"a {actor.role.value} may not manage {role.value} accounts in gmina {gmina}"
