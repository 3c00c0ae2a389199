"""People for API tests: the bootstrapped admin activates, creates a coordinator of the example
gmina and an operator of its precinct 2; all three are logged in."""

from __future__ import annotations

import time
from dataclasses import dataclass

from domain import totp
from schemas.accounts import CreateAccount, Role
from services.tools.client import TallyClient

GMINA = "302199"
PASSWORD = "a long test password"


def code(secret: str, offset: int = 0) -> str:
    return totp.code_at(secret, totp.step_of(time.time()) + offset)


@dataclass
class Person:
    client: TallyClient
    login: str
    secret: str


def activate(url: str, login: str, activation_code: str) -> Person:
    client = TallyClient(url)
    answer = client.activate(login, activation_code, PASSWORD)
    assert answer.enrollment is not None, answer
    secret = answer.enrollment.totp_secret
    granted = client.login(login, PASSWORD, code(secret))
    assert "ok" == granted.status, granted
    return Person(client, login, secret)


def created(by: Person, url: str, command: CreateAccount) -> Person:
    answer = by.client.create_account(command)
    assert answer.slip is not None, answer
    return activate(url, command.login, answer.slip.activation_code)


@dataclass
class Team:
    admin: Person
    coordinator: Person
    operator: Person

    def close(self) -> None:
        for person in (self.admin, self.coordinator, self.operator):
            person.client.close()


def team(url: str, admin_code: str, *, precincts: tuple[int, ...] = (2,)) -> Team:
    admin = activate(url, "admin", admin_code)
    coordinator = created(
        admin,
        url,
        CreateAccount(
            login="koordynator", role=Role.COORDINATOR, display_name="Koordynator", gmina=GMINA
        ),
    )
    operator = created(
        coordinator,
        url,
        CreateAccount(
            login="operator",
            role=Role.OPERATOR,
            display_name="Operator",
            gmina=GMINA,
            precincts=precincts,
        ),
    )
    return Team(admin, coordinator, operator)
