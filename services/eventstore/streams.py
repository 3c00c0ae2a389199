"""The streams a store declares, and how they are created, verified and (explicitly) changed.

The events stream is the source of truth, so its configuration is part of the product:

* file storage, ``limits`` retention with no limit at all (age, count, size, per subject):
  nothing ever ages out;
* ``discard: new``: if a limit were ever added, publishing fails loudly instead of dropping history;
* ``deny_delete`` and ``deny_purge`` (one-way switches), no rollups;
* ``allow_direct`` for fast reads, ``allow_atomic`` for all-or-nothing multi-event saves;
* a duplicate window of minutes for ``Nats-Msg-Id`` de-duplication of retried publishes.

A stream that exists with a different configuration is never silently "fixed": services refuse
to start and say what differs; ``tally admin streams --apply`` changes it, on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from services.eventstore.jsapi import STREAM_NOT_FOUND, ApiError, api_request

if TYPE_CHECKING:
    from nats.aio.client import Client

_STREAM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
NANOS_PER_SECOND: Final = 1_000_000_000


class StreamConfigError(Exception):
    """A stream exists with a configuration other than the one declared."""


@dataclass(frozen=True)
class StreamLayout:
    """Names derived from one ``NATS_STREAM``; two stores with different names never overlap."""

    stream: str

    def __post_init__(self) -> None:
        if not _STREAM_NAME.fullmatch(self.stream):
            raise ValueError(
                f"NATS_STREAM={self.stream!r} is not a valid stream name "
                "(1-64 letters, digits, '-' or '_')"
            )

    @property
    def events_prefix(self) -> str:
        return f"{self.stream}.events."

    @property
    def snapshots_stream(self) -> str:
        return f"{self.stream}_SNAPSHOTS"

    @property
    def snapshots_prefix(self) -> str:
        return f"{self.stream}.snapshots."

    @property
    def tracking_bucket(self) -> str:
        return f"{self.stream}_TRACKING"

    @property
    def accounts_stream(self) -> str:
        """Account events: their own stream, outside what auditors of the election read."""
        return f"{self.stream}_ACCOUNTS"

    @property
    def sessions_bucket(self) -> str:
        return f"{self.stream}_SESSIONS"

    @property
    def throttle_bucket(self) -> str:
        return f"{self.stream}_THROTTLE"

    @property
    def totp_bucket(self) -> str:
        return f"{self.stream}_TOTP"


def events_stream_config(
    layout: StreamLayout, *, replicas: int, duplicate_window_s: float
) -> dict[str, Any]:
    return {
        "name": layout.stream,
        "description": "Tally domain events: the source of truth",
        "subjects": [layout.events_prefix + ">"],
        **_immutable_history(replicas, duplicate_window_s),
        "deny_delete": True,
        "deny_purge": True,
    }


def snapshots_stream_config(
    layout: StreamLayout, *, replicas: int, duplicate_window_s: float
) -> dict[str, Any]:
    """Snapshots are derived data (rebuildable from events), so they may be purged by an admin."""
    return {
        "name": layout.snapshots_stream,
        "description": "Tally aggregate snapshots (derived from the events stream)",
        "subjects": [layout.snapshots_prefix + ">"],
        **_immutable_history(replicas, duplicate_window_s),
        "deny_delete": False,
        "deny_purge": False,
    }


def tracking_bucket_config(layout: StreamLayout, *, replicas: int) -> dict[str, Any]:
    """The KV bucket of tracking records, as the stream NATS KV keeps it in (history of one)."""
    return _kv_bucket(
        layout.tracking_bucket,
        "Tally tracking records (positions of processed notifications)",
        replicas=replicas,
        max_age_s=0,
    ) | {"deny_delete": True}


SESSION_TTL_S: Final = 12 * 3600
THROTTLE_TTL_S: Final = 24 * 3600
TOTP_TTL_S: Final = 3600


def auth_bucket_configs(layout: StreamLayout, *, replicas: int) -> list[dict[str, Any]]:
    """Sessions (12 h at most), login failure counters (a day) and used TOTP steps (an hour)."""
    return [
        _kv_bucket(layout.sessions_bucket, "Tally sessions by token hash (12 h at most)",
                   replicas=replicas, max_age_s=SESSION_TTL_S),
        _kv_bucket(layout.throttle_bucket, "Tally login failures per account and address",
                   replicas=replicas, max_age_s=THROTTLE_TTL_S),
        _kv_bucket(layout.totp_bucket, "Tally last TOTP step used per account (no replay)",
                   replicas=replicas, max_age_s=TOTP_TTL_S),
    ]  # fmt: skip


def _kv_bucket(bucket: str, description: str, *, replicas: int, max_age_s: int) -> dict[str, Any]:
    return {
        "name": f"KV_{bucket}",
        "description": description,
        "subjects": [f"$KV.{bucket}.>"],
        "retention": "limits",
        "storage": "file",
        "num_replicas": replicas,
        "discard": "new",
        "max_msgs_per_subject": 1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": max_age_s * NANOS_PER_SECOND,
        "deny_delete": False,
        "deny_purge": False,
        "allow_rollup_hdrs": True,
        "allow_direct": True,
        "duplicate_window": 120 * NANOS_PER_SECOND,
    }


def _immutable_history(replicas: int, duplicate_window_s: float) -> dict[str, Any]:
    return {
        "retention": "limits",
        "storage": "file",
        "num_replicas": replicas,
        "discard": "new",
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": 0,
        "max_msgs_per_subject": -1,
        "allow_rollup_hdrs": False,
        "allow_direct": True,
        "allow_atomic": True,
        "duplicate_window": int(duplicate_window_s * NANOS_PER_SECOND),
    }


def differences(declared: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Each declared setting the actual configuration lacks, as 'name: actual != declared'."""
    return [
        f"{name}: {actual.get(name)!r} != declared {value!r}"
        for name, value in declared.items()
        if actual.get(name) != value
    ]


async def stream_config(nc: Client, name: str, timeout: float) -> dict[str, Any] | None:
    """The configuration of a stream as the server has it, or None when it does not exist."""
    try:
        info = await api_request(nc, f"$JS.API.STREAM.INFO.{name}", {}, timeout)
    except ApiError as error:
        if error.err_code == STREAM_NOT_FOUND:
            return None
        raise
    config: dict[str, Any] = info["config"]
    return config


async def ensure_stream(
    nc: Client, declared: dict[str, Any], *, create: bool, timeout: float
) -> bool:
    """Create the stream when missing (if allowed); verify it otherwise. True when it was created.

    Raises StreamConfigError naming every difference when the stream exists but differs, and when it
    is missing and may not be created.
    """
    name = declared["name"]
    actual = await stream_config(nc, name, timeout)
    if actual is None:
        if not create:
            raise StreamConfigError(f"stream {name} does not exist and creating it is switched off")
        await api_request(nc, f"$JS.API.STREAM.CREATE.{name}", declared, timeout)
        return True
    diffs = differences(declared, actual)
    if diffs:
        raise StreamConfigError(
            f"stream {name} exists with another configuration ({'; '.join(diffs)}); "
            "run 'tally admin streams --apply' to change it"
        )
    return False


async def update_stream(nc: Client, declared: dict[str, Any], timeout: float) -> list[str]:
    """Change an existing stream to the declared configuration; returns what was changed."""
    name = declared["name"]
    actual = await stream_config(nc, name, timeout)
    if actual is None:
        await api_request(nc, f"$JS.API.STREAM.CREATE.{name}", declared, timeout)
        return ["created"]
    diffs = differences(declared, actual)
    if diffs:
        await api_request(nc, f"$JS.API.STREAM.UPDATE.{name}", {**actual, **declared}, timeout)
    return diffs
