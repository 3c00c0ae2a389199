"""The two event stores the applications run on, for tests that hold for both: the in-memory one
(``services.eventstore.memory``: no server, milliseconds) and JetStream on the session's
nats-server (a fresh stream per test)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from services.apps.election_load import load_into
from services.apps.elections import Elections
from services.eventstore.memory import STORE_NAME
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from pathlib import Path

    from schemas.load import LoadReport

KINDS = ["memory", pytest.param("jetstream", marks=pytest.mark.nats)]


@dataclass(frozen=True)
class Store:
    kind: str
    env: dict[str, str]

    @classmethod
    def fresh(cls, kind: str) -> Store:
        if kind == "memory":
            env = {"PERSISTENCE_MODULE": "services.eventstore.memory",
                   STORE_NAME: uuid.uuid4().hex}  # fmt: skip
        else:
            env = {"NATS_URL": session_url(), "NATS_STREAM": fresh_stream()}
        return cls(kind, env)

    def load(self, path: Path) -> LoadReport:
        app = Elections(env=self.env)
        try:
            return load_into(app, path)
        finally:
            app.close()

    def count(self) -> int:
        """How many events the store holds."""
        app = Elections(env=self.env)
        try:
            return app.recorder.max_notification_id() or 0  # type: ignore[attr-defined]
        finally:
            app.close()

    def open(self, kind: type[Any], **kwargs: Any) -> Any:
        """An application of ``kind`` on this store."""
        return kind(env=self.env, **kwargs)
