"""``tally serve --demo``: the example elections and three demo accounts on a fresh store, so a
newcomer can try the whole path in minutes.

On a store without accounts it loads every election of ``examples/`` and creates an admin, the
coordinator of gmina Zielonka (302199) and an operator of its precincts 1-3, and prints their
one-time activation codes once (the codes are stored hashed; a lost one is reset by the admin).
On a store with accounts it changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from domain.clock import SystemClock
from schemas.accounts import CreateAccount, Role
from services.apps.accounts import Accounts
from services.apps.actors import local_operator
from services.apps.election_load import load_into
from services.apps.elections import Elections

if TYPE_CHECKING:
    from schemas.accounts import ActivationSlip
    from services.eventstore.settings import StoreSettings

EXAMPLES: Final = Path(__file__).resolve().parents[2] / "examples"
GMINA: Final = "302199"
PEOPLE: Final = (
    CreateAccount(login="demo-admin", role=Role.ADMIN, display_name="Administrator (demo)"),
    CreateAccount(login="demo-koordynator", role=Role.COORDINATOR, gmina=GMINA,
                  display_name="Koordynator gminy Zielonka (demo)"),
    CreateAccount(login="demo-operator", role=Role.OPERATOR, gmina=GMINA, precincts=(1, 2, 3),
                  display_name="Operator obwodów 1-3 (demo)"),
)  # fmt: skip


def seed_demo(settings: StoreSettings) -> list[ActivationSlip]:
    """Load the examples and open the demo accounts; their activation slips."""
    elections = Elections(env=settings.environment())
    try:
        for path in sorted(EXAMPLES.glob("*.json")):
            load_into(elections, path)
    finally:
        elections.close()
    operator = local_operator()
    accounts = Accounts(settings)
    slips = []
    try:
        for person in PEOPLE:
            answer = accounts.open_account(person, operator.actor, operator.role,
                                           SystemClock().now())  # fmt: skip
            if answer.slip is not None:
                slips.append(answer.slip)
    finally:
        accounts.close()
    return slips


def print_slips(slips: list[ActivationSlip], url_hint: str) -> None:
    lines = ["", "Demo accounts (activate each at " + url_hint + "/activate):"]
    lines += [f"  {slip.login:18} {slip.role:12} activation code {slip.activation_code}"
              for slip in slips]  # fmt: skip
    sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.flush()
