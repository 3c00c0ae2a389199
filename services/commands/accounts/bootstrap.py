"""``tally admin bootstrap``: the first admin, created through the privileged local path.

Prints the one-time activation slip; the admin activates it over the API (setting a password and
enrolling TOTP) and from then on everything goes through accounts and sessions.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from domain.clock import SystemClock
from schemas.accounts import AuthAnswer, CreateAccount, Role
from services.apps.actors import local_operator
from services.commands.accounts.passwords import Passwords
from services.commands.accounts.service import AuthService
from services.nats.access import nats_access

if TYPE_CHECKING:
    from pathlib import Path


def bootstrap_command(*, login: str, name: str, data_dir: Path) -> int:
    answer = bootstrap_admin(login=login, name=name, data_dir=data_dir)
    if answer.slip is None:
        sys.stdout.write(f"refused: {answer.reason}\n")
        return 1
    slip = answer.slip
    sys.stdout.write(
        f"admin account {slip.login} created\n"
        f"one-time activation code: {slip.activation_code}\n"
        f"valid until: {slip.expires_at.isoformat()}\n"
        "activate it: POST /v1/auth/activate "
        '{"login": ..., "activation_code": ..., "password": ...} (see README)\n'
    )
    return 0


def bootstrap_admin(*, login: str, name: str, data_dir: Path) -> AuthAnswer:
    operator = local_operator()
    with nats_access(data_dir) as settings:
        service = AuthService(settings, clock=SystemClock(), keys=None, passwords=Passwords())
        try:
            answer = service.open_account(
                CreateAccount(login=login, role=Role.ADMIN, display_name=name),
                operator.actor,
                operator.role,
            )
        finally:
            service.accounts.close()
    return answer
