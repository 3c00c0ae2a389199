"""Who does what, before accounts exist: the local operator.

Commands given through the ``tally`` CLI on the machine that runs Tally are recorded as the local
operator of that machine: actor ``local-operator:<os user>@<host>``, role ``local-operator``,
channel ``cli``. This is a privileged path (whoever can run the CLI against the event store can
write), named as such in every event it records so the audit trail never mistakes it for an
authenticated account.
"""

from __future__ import annotations

import getpass
import socket
import uuid
from typing import Final

from domain.authorization import Actor
from schemas import envelope, subjects
from schemas.accounts import Role
from schemas.envelope import CommandContext

LOCAL_OPERATOR_ROLE: Final = "local-operator"
CLI_CHANNEL: Final = "cli"


def local_operator() -> CommandContext:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = "unknown"
    return CommandContext(
        actor=f"{LOCAL_OPERATOR_ROLE}:{user}@{socket.gethostname()}",
        role=LOCAL_OPERATOR_ROLE,
        channel=CLI_CHANNEL,
        correlation_id=str(uuid.uuid4()),
    )


def account_actor(headers: dict[str, str]) -> Actor | None:
    """The authenticated account the gateway vouches for in a request's headers; None when the
    request names no account (anonymous) or names it in a way that does not read."""
    actor = headers.get(envelope.ACTOR, "")
    if not actor.startswith("account:"):
        return None
    precincts = subjects.decode_precincts(headers.get(subjects.ACTOR_PRECINCTS, ""))
    role = headers.get(envelope.ROLE, "")
    if precincts is None or role not in Role.__members__.values():
        return None
    return Actor(
        login=actor.removeprefix("account:"),
        role=Role(role),
        gmina=headers.get(subjects.ACTOR_GMINA) or None,
        precincts=precincts,
    )
