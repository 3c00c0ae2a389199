"""``tally admin``: the administrator's commands on the local machine.

* ``streams [--apply]``: how the streams on the server differ from the declared ones, and with
  ``--apply`` change them: the one deliberate way a stream's configuration changes;
* ``bootstrap``: the first admin account, through the privileged local path: prints its one-time
  activation slip (the admin activates it over the API, setting a password and enrolling TOTP);
* ``sole-coordinator``: record that a gmina's coordinator works alone in an election. Whoever
  entered a version (on the commission's behalf) does not approve or confirm it; where the gmina
  has a single coordinator that rule would stop the night, so an admin records the exception,
  with its reason, as an event of the election. Confirmations and approvals made under it are
  marked ``same_person`` in their events and in the audit trail. ``--revoke`` ends it;
* ``nats-accounts``: the NATS users of a deployment (``services.nats.users``), as the
  ``deploy/nats/accounts.conf`` include.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from services.apps.accounts import bootstrap_admin
from services.apps.actors import local_operator
from services.apps.elections import Elections
from services.eventstore import streams
from services.eventstore.connection import connect
from services.eventstore.settings import StoreSettings
from services.eventstore.streamsetup import declared_streams
from services.nats.access import nats_access
from services.nats.users import deploy_accounts

if TYPE_CHECKING:
    from pathlib import Path


EXIT_REFUSED = 1


def streams_command(*, apply: bool, data_dir: Path) -> int:
    """Exit code 0 when everything matches (or was applied), 1 when differences remain."""
    with nats_access(data_dir, role="admin") as settings:
        return asyncio.run(_streams(settings, apply=apply))


async def _streams(settings: StoreSettings, *, apply: bool) -> int:
    nc = await connect(settings, name="tally-admin")
    remaining = 0
    try:
        for config in declared_streams(settings):
            name = config["name"]
            if apply:
                changed = await streams.update_stream(nc, config, settings.request_timeout_s)
                verb = "changed" if changed else "unchanged"
                sys.stdout.write(f"{name}: {verb}\n" + "".join(f"  {line}\n" for line in changed))
                continue
            actual = await streams.stream_config(nc, name, settings.request_timeout_s)
            if actual is None:
                remaining += 1
                sys.stdout.write(f"{name}: missing\n")
                continue
            diffs = streams.differences(config, actual)
            remaining += bool(diffs)
            sys.stdout.write(f"{name}: {'differs' if diffs else 'as declared'}\n")
            sys.stdout.write("".join(f"  {line}\n" for line in diffs))
    finally:
        await nc.drain()
    return 1 if remaining else 0


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


def sole_coordinator_command(
    *, election: str, gmina: str, allowed: bool, reason: str, data_dir: Path
) -> int:
    if not reason.strip():
        sys.stdout.write("refused: --reason is required\n")
        return EXIT_REFUSED
    with nats_access(data_dir) as settings:
        app = Elections(env=settings.environment())
        try:
            changed = app.set_sole_coordinator(
                election, gmina, allowed=allowed, reason=reason, context=local_operator()
            )
        except LookupError as error:
            sys.stdout.write(f"refused: {error}\n")
            return EXIT_REFUSED
        finally:
            app.close()
    state = "works alone" if allowed else "no longer works alone"
    sys.stdout.write(f"gmina {gmina} of {election}: the coordinator {state}"
                     f"{'' if changed else ' (already so)'}\n")  # fmt: skip
    return 0


def nats_accounts_command() -> int:
    sys.stdout.write(deploy_accounts(StoreSettings.from_env_os().layout))
    return 0
