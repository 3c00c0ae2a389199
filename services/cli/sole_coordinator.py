"""``tally admin sole-coordinator``: record that a gmina's coordinator works alone in an election.

Whoever entered a version (on the commission's behalf) does not approve or confirm it; where the
gmina has a single coordinator that rule would stop the night, so an admin records the exception,
with its reason, as an event of the election. Confirmations and approvals made under it are
marked ``same_person`` in their events and in the audit trail. ``--revoke`` ends it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from services.apps.actors import local_operator
from services.apps.elections import Elections
from services.nats.access import nats_access

if TYPE_CHECKING:
    from pathlib import Path

EXIT_REFUSED = 1


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
