"""The system the benchmark measures: a fresh embedded nats-server (fsync on every write) in a
temporary directory, the declared streams, a synthetic presidential election, and the command
service (one or more processes) with the HTTP gateway as ``tally serve --only`` child processes.
Accounts hash passwords with the ``fast`` profile.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import msgspec

from schemas.definition import (
    FORMAT,
    Candidate,
    CommitteeDefinition,
    ElectionDefinition,
    ElectionInfo,
    PrecinctDefinition,
    PrecinctType,
    PresidentContest,
    RoundDefinition,
    UnitDefinition,
    UnitKind,
)
from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.common.environment import environment
from services.eventstore.settings import StoreSettings
from services.nats.server import EmbeddedNats, free_port
from services.serve.process import ensure_streams
from services.tools.serve_child import ServeChild

if TYPE_CHECKING:
    from collections.abc import Iterator

ELECTION: Final = "bench-2025"
STREAM: Final = "BENCH"


@dataclass(frozen=True)
class BenchSystem:
    directory: Path
    nats_url: str
    gateway_url: str
    settings: StoreSettings
    definition: ElectionDefinition
    admin_code: str


def definition(units: int, precincts: int) -> ElectionDefinition:
    """``units`` gminas of ``precincts`` precincts each; two candidates, the 2015 form (the
    protocols ``services.tools.bench.synthetic.content`` fills in)."""
    return ElectionDefinition(
        format=FORMAT,
        election=ElectionInfo(code=ELECTION, name="Benchmark",
                              rounds=(RoundDefinition(number=1, date=dt.date(2025, 5, 18)),)),
        committees=(CommitteeDefinition(code="KW-A", name="A"),
                    CommitteeDefinition(code="KW-B", name="B")),
        units=tuple(
            UnitDefinition(
                teryt=f"{2 + 2 * (u % 16):02d}{1 + u // 16:02d}01",
                name=f"Gmina {u}",
                kind=UnitKind.URBAN,
                precincts=tuple(PrecinctDefinition(number=n, address="-",
                                                   type=PrecinctType.STANDARD, eligible_voters=1000)
                                for n in range(1, precincts + 1)),
            )
            for u in range(units)
        ),
        contests=(PresidentContest(form="2015", candidates=(
            Candidate(position=1, name="Anna A", committee="KW-A"),
            Candidate(position=2, name="Bogdan B", committee="KW-B"))),),
    )  # fmt: skip


@contextmanager
def bench_system(
    units: int, precincts: int, *, command_processes: int = 1
) -> Iterator[BenchSystem]:
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as tmp:
        directory = Path(tmp)
        chosen = definition(units, precincts)
        with loaded_store(directory, STREAM, msgspec.json.encode(chosen)) as settings:
            slip = bootstrap_admin(login="bench-admin", name="Bench", data_dir=directory).slip
            assert slip is not None
            with _serving(settings.url, directory, command_processes) as gateway_url:
                yield BenchSystem(directory, settings.url, gateway_url, settings, chosen,
                                  slip.activation_code)  # fmt: skip


@contextmanager
def loaded_store(directory: Path, stream: str, definition_file: bytes) -> Iterator[StoreSettings]:
    """A fresh nats-server in ``directory`` (fsync on every write) with the streams and the
    election definition loaded; the environment names it while inside."""
    server = EmbeddedNats(directory / "nats", port=free_port())
    server.start()
    try:
        with environment(NATS_URL=server.url, NATS_STREAM=stream):
            settings = StoreSettings.from_env_os()
            asyncio.run(ensure_streams(settings))
            file = directory / "definition.json"
            file.write_bytes(definition_file)
            loaded = load_file(file, data_dir=directory)
            if loaded.status != "recorded":
                raise ValueError(f"the staged election was refused: {loaded.problems}")
            yield settings
    finally:
        server.stop()


@contextmanager
def _serving(nats_url: str, directory: Path, command_processes: int) -> Iterator[str]:
    """The command service (``command_processes`` of them, one queue group) and the gateway as
    ``tally serve --only`` processes, as a deployment runs them: the load comes from this
    process and does not share an interpreter lock with what it measures. Passwords are hashed
    cheaply (the bench measures the write path); the parts log at info level, as in
    production, into files of the bench directory."""
    env = os.environ | {"NATS_URL": nats_url, "NATS_STREAM": STREAM, "TALLY_LOG_FORMAT": "json",
                        "TALLY_PASSWORD_HASH": "fast", "TALLY_LOG_LEVEL": "info"}  # fmt: skip
    parts = [ServeChild(directory, directory / f"commands-{n}.log", env, "--only", "commands")
             for n in range(command_processes)]  # fmt: skip
    gateway = ServeChild(directory, directory / "gateway.log", env, "--only", "gateway",
                         "--http-port", str(free_port()))  # fmt: skip
    parts.append(gateway)
    try:
        for part in parts:
            part.wait_ready()
        yield gateway.wait_ready()["gateway_url"]
    finally:
        for part in parts:
            part.stop()
