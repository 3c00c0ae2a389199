"""One gmina staged for the browser-side benchmarks: a fresh ``tally serve`` (its own
nats-server, fsync on every write), the synthetic presidential election of ``precincts``
precincts loaded, and real accounts enrolled (admin, coordinator, operator)."""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.tools.bench.system import definition
from services.tools.people import enrol
from services.tools.stage import staged

if TYPE_CHECKING:
    from collections.abc import Iterator

    from services.tools.people import Team
    from services.tools.stage import Stage


@dataclass(frozen=True)
class StagedGmina:
    stage: Stage
    team: Team
    teryt: str


@contextlib.contextmanager
def staged_gmina(precincts: int, prefix: str) -> Iterator[StagedGmina]:
    chosen = definition(1, precincts)
    teryt = chosen.units[0].teryt
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        path = Path(tmp) / "definition.json"
        path.write_bytes(msgspec.json.encode(chosen))
        with staged(Path(tmp)) as stage:
            load_file(path, data_dir=stage.data_dir)
            slip = bootstrap_admin(login="admin", name="Admin", data_dir=stage.data_dir).slip
            assert slip is not None
            team = enrol(stage.gateway_url, "admin", slip.activation_code, chosen.units,
                         workers=1, progress=lambda _done, _all: None)  # fmt: skip
            yield StagedGmina(stage, team, teryt)
