"""The accounts application: account aggregates in their own stream (``<NATS_STREAM>_ACCOUNTS``),
opened with one-time activation slips; and the first admin's, through the local path."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, ClassVar, Final
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.account import Account
from domain.activation_codes import code_hash, new_activation_code
from domain.clock import SystemClock
from domain.ids import account_id
from schemas.account_events import AccountCreated
from schemas.accounts import LOGIN_PATTERN, ActivationSlip, AuthAnswer, CreateAccount, Role
from schemas.envelope import CommandContext
from services.apps.actors import local_operator
from services.apps.elections import Elections
from services.nats.access import nats_access

if TYPE_CHECKING:
    from pathlib import Path

    from services.eventstore.settings import StoreSettings

_LOGIN = re.compile(LOGIN_PATTERN)
ACTIVATION_VALID: Final = dt.timedelta(hours=24)


class Accounts(Application[UUID]):
    name = "accounts"
    env: ClassVar[dict[str, str]] = Elections.env

    def __init__(self, settings: StoreSettings) -> None:
        super().__init__(settings.environment() | {"NATS_STREAM": settings.layout.accounts_stream})

    def account(self, login: str) -> Account | None:
        """The account of ``login``; None when there is none, also when ``login`` cannot be one
        (a login is typed by anyone at the login page: it may be any text)."""
        if not _LOGIN.fullmatch(login):
            return None
        try:
            found: object = self.repository.get(account_id(login))
        except AggregateNotFoundError:
            return None
        if not isinstance(found, Account):
            raise TypeError(f"{login} is not an account")
        return found

    def open_account(
        self, command: CreateAccount, by: str, role: str, now: dt.datetime
    ) -> AuthAnswer:
        """Create an account and its first activation slip (also the local bootstrap path)."""
        if self.account(command.login) is not None:
            return AuthAnswer(status="refused", reason=f"login {command.login} is taken")
        account = Account.open(
            AccountCreated(
                login=command.login,
                role=command.role.value,
                display_name=command.display_name,
                gmina=command.gmina,
                precincts=command.precincts,
                created_by=by,
            )
        )
        return self.issue_activation(account, by, role, now)

    def issue_activation(
        self, account: Account, by: str, role: str, now: dt.datetime
    ) -> AuthAnswer:
        """A new one-time activation code (its hash recorded), valid for ``ACTIVATION_VALID``."""
        code = new_activation_code()
        expires = now + ACTIVATION_VALID
        account.issue_activation(code_hash(code), expires, by)
        self.save(account, context=CommandContext(actor=by, role=role, channel="online"))
        slip = ActivationSlip(
            login=account.login, role=account.role.value, activation_code=code, expires_at=expires
        )
        return AuthAnswer(status="ok", slip=slip)


def bootstrap_admin(*, login: str, name: str, data_dir: Path) -> AuthAnswer:
    """The first admin, created through the privileged local path: its activation slip."""
    operator = local_operator()
    with nats_access(data_dir) as settings:
        accounts = Accounts(settings)
        try:
            return accounts.open_account(
                CreateAccount(login=login, role=Role.ADMIN, display_name=name),
                operator.actor, operator.role, SystemClock().now(),
            )  # fmt: skip
        finally:
            accounts.close()
