"""The account aggregate: one person's login, role and scope, activation, lock, logins.

Security events (refusals) are not part of it: they are records of their own
(``services.commands.accounts.security_log``), so refusals never race for or lengthen an account.

Secrets arrive already protected: the activation code as its SHA-256, the password as an argon2id
hash, the TOTP seed sealed with a key from the environment. The aggregate decides; it never sees a
password or a seed in clear.
"""

from __future__ import annotations

import hmac
from enum import StrEnum
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from domain.ids import account_id
from domain.tags import tag
from schemas import account_events as ev
from schemas.accounts import Role

if TYPE_CHECKING:
    import datetime as dt
    from uuid import UUID


class AccountStatus(StrEnum):
    PENDING = "pending-activation"
    ACTIVE = "active"
    LOCKED = "locked"


class AccountError(Exception):
    """A refused account command; the message is safe to show to the person who tried."""


INVALID_CODE = "the activation code is not valid (used, expired or mistyped)"


@tag("account")
class Account(Aggregate):
    class Created(Aggregate.Created):
        data: ev.AccountCreated

    class ActivationIssued(Aggregate.Event):
        data: ev.ActivationIssued

    class Activated(Aggregate.Event):
        data: ev.AccountActivated

    class Locked(Aggregate.Event):
        data: ev.AccountLocked

    class Unlocked(Aggregate.Event):
        data: ev.AccountUnlocked

    class LanguageChosen(Aggregate.Event):
        data: ev.LanguageChosen

    class LoggedIn(Aggregate.Event):
        data: ev.LoggedIn

    @classmethod
    def create_id(cls, data: ev.AccountCreated) -> UUID:
        return account_id(data.login)

    @event(Created)
    def __init__(self, data: ev.AccountCreated) -> None:
        self.login = data.login
        self.role = Role(data.role)
        self.display_name = data.display_name
        self.gmina = data.gmina
        self.precincts = data.precincts
        self.status = AccountStatus.PENDING
        self.activation: ev.ActivationIssued | None = None
        self.password_hash = ""
        self.totp_seed: ev.SealedSecret | None = None
        self.language = ""
        """The language chosen (``pl``, ``en``); empty until the person chooses."""

    @classmethod
    def open(cls, data: ev.AccountCreated) -> Account:
        role = Role(data.role)
        if role in (Role.COORDINATOR, Role.OPERATOR) and not data.gmina:
            raise AccountError(f"a {role.value} is bound to a gmina")
        if role is Role.OPERATOR and not data.precincts:
            raise AccountError("an operator is bound to at least one precinct")
        if role in (Role.ADMIN, Role.AUDITOR) and (data.gmina or data.precincts):
            raise AccountError(f"an {role.value} is not bound to a gmina")
        return cls(data=data)

    def issue_activation(self, code_hash: str, expires_at: dt.datetime, by: str) -> None:
        """A new one-time code: for a new account, or a reset (the old password stops)."""
        self._issue(ev.ActivationIssued(code_hash=code_hash, expires_at=expires_at, issued_by=by))

    def activate(
        self, code_hash: str, now: dt.datetime, password_hash: str, totp_seed: ev.SealedSecret
    ) -> None:
        issued = self.activation
        if (
            self.status is not AccountStatus.PENDING
            or issued is None
            or not hmac.compare_digest(issued.code_hash, code_hash)
            or now > issued.expires_at
        ):
            raise AccountError(INVALID_CODE)
        self._activate(ev.AccountActivated(password_hash=password_hash, totp_seed=totp_seed))

    def lock(self, reason: str, failures: int) -> None:
        if self.status is not AccountStatus.LOCKED:
            self._lock(ev.AccountLocked(reason=reason, failures=failures))

    def unlock(self, by: str) -> None:
        if self.status is not AccountStatus.LOCKED:
            raise AccountError(f"{self.login} is not locked")
        self._unlock(ev.AccountUnlocked(by=by))

    def choose_language(self, language: str) -> None:
        if language != self.language:
            self._choose_language(ev.LanguageChosen(language=language))

    def record_login(self, session: str, address: str) -> None:
        self._logged_in(ev.LoggedIn(session=session, address=address))

    @property
    def can_log_in(self) -> bool:
        return self.status is AccountStatus.ACTIVE

    # Mutators.

    @event(ActivationIssued)
    def _issue(self, data: ev.ActivationIssued) -> None:
        self.activation = data
        self.status = AccountStatus.PENDING
        self.password_hash = ""
        self.totp_seed = None

    @event(Activated)
    def _activate(self, data: ev.AccountActivated) -> None:
        self.status = AccountStatus.ACTIVE
        self.activation = None
        self.password_hash = data.password_hash
        self.totp_seed = data.totp_seed

    @event(Locked)
    def _lock(self, data: ev.AccountLocked) -> None:
        self.status = AccountStatus.LOCKED
        self.lock_reason = data.reason

    @event(Unlocked)
    def _unlock(self, data: ev.AccountUnlocked) -> None:
        self.status = AccountStatus.ACTIVE if self.password_hash else AccountStatus.PENDING
        self.unlocked_by = data.by

    @event(LanguageChosen)
    def _choose_language(self, data: ev.LanguageChosen) -> None:
        self.language = data.language

    @event(LoggedIn)
    def _logged_in(self, data: ev.LoggedIn) -> None:
        self.last_login = data
