"""What ``tally election load`` answers."""

from __future__ import annotations

import msgspec

from schemas.problems import Problem


class LoadReport(msgspec.Struct, frozen=True, kw_only=True):
    """``status`` is ``recorded`` (events were written), ``unchanged`` (everything in the file was
    already recorded), ``checked`` (``--check``: it would load; nothing written) or ``refused``
    (nothing written; ``problems`` says why)."""

    status: str
    file: str
    digest: str
    election: str = ""
    events: int = 0
    saves: int = 0
    aggregates: int = 0
    problems: tuple[Problem, ...] = ()
