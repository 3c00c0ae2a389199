"""The people of a drill, with real accounts: the bootstrapped admin, an auditor who reads the
views, and for every gmina unit a coordinator (created by the admin) and one operator for all its
precincts (created by that coordinator, as the regulation has it). Everyone activates with the
one-time code, sets a password, enrols TOTP and logs in with password + TOTP.

A ``Desk`` is one worker's HTTP client acting for whichever account a task needs: it logs in
again when a session has expired and proves a fresh TOTP code (step-up) before vouching commands,
using each 30-second TOTP step at most once per account, as the server demands.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from domain import totp
from schemas.accounts import CreateAccount, Role
from services.tools.client import TallyClient

if TYPE_CHECKING:
    from collections.abc import Callable

    from schemas.commands import Outcome
    from schemas.definition import UnitDefinition

STEP_UP_REFRESH_S: Final = 240.0
"""Prove a new code before the server's 5-minute step-up window (``TALLY_STEP_UP_S``) closes."""


class EnrolmentError(Exception):
    pass


@dataclass
class Account:
    login: str
    password: str
    secret: str = ""
    token: str = ""
    proof_at: float = 0.0
    last_step: int = -1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fresh_code(self) -> str:
        """A TOTP code of a step this account has not used yet (waits for the next step if
        needed). Call with ``lock`` held."""
        step = totp.step_of(time.time())
        if step <= self.last_step:
            time.sleep(max(0.0, (self.last_step + 1) * totp.STEP_S - time.time()) + 0.05)
            step = self.last_step + 1
        self.last_step = step
        return totp.code_at(self.secret, step)


@dataclass
class Team:
    admin: Account
    auditor: Account
    coordinators: dict[str, Account]
    operators: dict[str, Account]


class Desk:
    def __init__(self, url: str) -> None:
        self.client = TallyClient(url)

    def close(self) -> None:
        self.client.close()

    def act(
        self, account: Account, call: Callable[[TallyClient], Outcome], *, step_up: bool = False
    ) -> Outcome:
        if step_up and time.monotonic() - account.proof_at > STEP_UP_REFRESH_S:
            self._prove(account, account.token)
        self.client.token = account.token
        outcome = call(self.client)
        rule = outcome.problems[0].rule if outcome.problems else ""
        if rule in ("auth.unauthenticated", "auth.step_up_required"):
            self._prove(account, self.client.token)
            self.client.token = account.token
            outcome = call(self.client)
        return outcome

    def log_in(self, account: Account) -> None:
        with account.lock:
            self._log_in_locked(account)

    def _prove(self, account: Account, seen_token: str) -> None:
        """Step up, or log in again if the session is gone; once, however many desks ask."""
        with account.lock:
            if account.token != seen_token or time.monotonic() - account.proof_at < 1.0:
                return
            self.client.token = account.token
            answer = self.client.step_up(account.fresh_code())
            if answer.status == "ok":
                account.proof_at = time.monotonic()
                return
            self._log_in_locked(account)

    def _log_in_locked(self, account: Account) -> None:
        answer = self.client.login(account.login, account.password, account.fresh_code())
        if answer.grant is None:
            raise EnrolmentError(f"{account.login} cannot log in: {answer.status} {answer.reason}")
        account.token = answer.grant.token
        account.proof_at = time.monotonic()

    def activate(self, account: Account, activation_code: str) -> None:
        answer = self.client.activate(account.login, activation_code, account.password)
        if answer.enrollment is None:
            raise EnrolmentError(f"{account.login} not activated: {answer.status} {answer.reason}")
        account.secret = answer.enrollment.totp_secret
        self.log_in(account)

    def create(self, by: Account, command: CreateAccount, password: str) -> Account:
        self.client.token = by.token
        answer = self.client.create_account(command)
        if answer.slip is None:
            raise EnrolmentError(f"{command.login} not created: {answer.status} {answer.reason}")
        account = Account(login=command.login, password=password)
        self.activate(account, answer.slip.activation_code)
        return account


def enrol(
    url: str,
    admin_login: str,
    admin_code: str,
    units: tuple[UnitDefinition, ...],
    *,
    workers: int,
    progress: Callable[[int, int], None],
) -> Team:
    password = secrets.token_urlsafe(18)
    desk = Desk(url)
    try:
        admin = Account(login=admin_login, password=password)
        desk.activate(admin, admin_code)
        auditor = desk.create(
            admin,
            CreateAccount(login="drill-auditor", role=Role.AUDITOR, display_name="Audytor"),
            password,
        )
    finally:
        desk.close()
    team = Team(admin=admin, auditor=auditor, coordinators={}, operators={})
    local = threading.local()
    desks: list[Desk] = []
    done = threading.Lock()

    def staff(unit: UnitDefinition) -> None:
        if not hasattr(local, "desk"):
            local.desk = Desk(url)
            desks.append(local.desk)
        coordinator = local.desk.create(
            admin,
            CreateAccount(login=f"koordynator-{unit.teryt}", role=Role.COORDINATOR,
                          display_name=f"Koordynator {unit.name}", gmina=unit.teryt),
            password,
        )  # fmt: skip
        operator = local.desk.create(
            coordinator,
            CreateAccount(login=f"operator-{unit.teryt}", role=Role.OPERATOR,
                          display_name=f"Operator {unit.name}", gmina=unit.teryt,
                          precincts=tuple(p.number for p in unit.precincts)),
            password,
        )  # fmt: skip
        with done:
            team.coordinators[unit.teryt] = coordinator
            team.operators[unit.teryt] = operator
            progress(len(team.operators), len(units))

    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(staff, units))
    finally:
        for each in desks:
            each.close()
    return team
