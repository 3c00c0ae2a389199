"""The accounts application: account aggregates in their own stream (``<NATS_STREAM>_ACCOUNTS``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.account import Account
from domain.ids import account_id
from schemas.accounts import LOGIN_PATTERN
from services.apps.elections import Elections

if TYPE_CHECKING:
    from services.eventstore.settings import StoreSettings

_LOGIN = re.compile(LOGIN_PATTERN)


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
