"""Event store settings, read the eventsourcing way (``<APP>_NATS_URL`` overrides ``NATS_URL``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from services.eventstore.streams import StreamLayout

if TYPE_CHECKING:
    from eventsourcing.utils import Environment

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_STREAM = "TALLY"


@dataclass(frozen=True)
class StoreSettings:
    url: str = DEFAULT_NATS_URL
    stream: str = DEFAULT_STREAM
    creds_file: str | None = None
    user: str | None = None
    password: str | None = None
    replicas: int = 1
    duplicate_window_s: float = 600.0
    request_timeout_s: float = 5.0
    append_timeout_s: float = 60.0
    originator_id_type: Literal["uuid", "text"] = "uuid"

    @property
    def layout(self) -> StreamLayout:
        return StreamLayout(self.stream)

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables an eventsourcing application reads."""
        env = {
            "NATS_URL": self.url,
            "NATS_STREAM": self.stream,
            "NATS_REPLICAS": str(self.replicas),
            "NATS_DUPLICATE_WINDOW": str(self.duplicate_window_s),
            "NATS_REQUEST_TIMEOUT": str(self.request_timeout_s),
            "NATS_APPEND_TIMEOUT": str(self.append_timeout_s),
            "ORIGINATOR_ID_TYPE": self.originator_id_type,
        }
        optional = {
            "NATS_CREDS": self.creds_file,
            "NATS_USER": self.user,
            "NATS_PASSWORD": self.password,
        }
        return env | {name: value for name, value in optional.items() if value}

    def nats_credentials(self) -> dict[str, Any]:
        """Keyword arguments for nats-py (and FastStream's broker) to authenticate."""
        if self.creds_file:
            return {"user_credentials": self.creds_file}
        if self.user:
            return {"user": self.user, "password": self.password or ""}
        return {}

    @classmethod
    def from_env_os(cls) -> StoreSettings:
        """From the process environment (eventsourcing's Environment does not read it by itself)."""
        from eventsourcing.utils import Environment  # noqa: PLC0415 - typing-only import above

        return cls.from_env(Environment(env=os.environ))

    @classmethod
    def from_env(cls, env: Environment) -> StoreSettings:
        id_type = (env.get("ORIGINATOR_ID_TYPE") or "uuid").lower()
        if id_type not in ("uuid", "text"):
            raise ValueError(f"ORIGINATOR_ID_TYPE={id_type!r} must be 'uuid' or 'text'")
        return cls(
            url=env.get("NATS_URL") or DEFAULT_NATS_URL,
            stream=env.get("NATS_STREAM") or DEFAULT_STREAM,
            creds_file=env.get("NATS_CREDS") or None,
            user=env.get("NATS_USER") or None,
            password=env.get("NATS_PASSWORD") or None,
            replicas=int(_positive(env, "NATS_REPLICAS", 1)),
            duplicate_window_s=_positive(env, "NATS_DUPLICATE_WINDOW", 600.0),
            request_timeout_s=_positive(env, "NATS_REQUEST_TIMEOUT", 5.0),
            append_timeout_s=_positive(env, "NATS_APPEND_TIMEOUT", 60.0),
            originator_id_type="uuid" if id_type == "uuid" else "text",
        )


def _positive(env: Environment, name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = type(default)(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be greater than zero")
    return value
