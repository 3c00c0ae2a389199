"""The NATS users of a Tally deployment and what each may do, declared once.

* ``tally-admin`` creates and changes streams (``tally serve``'s set-up, ``tally admin streams``,
  the local operator's commands on the machine);
* ``tally-service`` is the command and accounts service: it takes commands, writes events and
  queries the views (results are computed from them), but may not send a command itself, nor
  create, change, delete or purge a stream, nor delete a message (a stream update that lowers a
  limit silently deletes history);
* ``tally-gateway`` sends commands and queries and keeps sessions: the command service trusts the
  actor a command names because only the gateway (and the admin) may send one;
* ``tally-projector`` reads the log, keeps the views and answers their queries;
* ``tally-auditor`` reads the election stream only (not the accounts stream).

The embedded default (``tally serve`` without ``NATS_URL``) generates a password per user into
``<data dir>/nats/users.json`` (mode 600) and runs its server with these users; nobody without
them reaches its NATS. ``deploy/nats/accounts.conf`` is rendered from the same declaration, with
the passwords taken from the environment (a test keeps it current).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from domain.ids import checkpoints_id
from schemas import subjects
from services.eventstore.envelope import subject_token

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from services.eventstore.streams import StreamLayout

ROLES: Final = ("admin", "service", "gateway", "projector", "auditor")
USERS_FILE: Final = "users.json"
ACCOUNT: Final = "TALLY"
_READS: Final = (
    "$JS.API.INFO", "$JS.API.STREAM.INFO.>", "$JS.API.STREAM.MSG.GET.>",
    "$JS.API.DIRECT.GET.>", "$JS.API.CONSUMER.>", "$JS.ACK.>", "$JS.FC.>",
)  # fmt: skip
_NO_STREAM_CHANGES: Final = (
    "$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.DELETE.>",
    "$JS.API.STREAM.PURGE.>", "$JS.API.STREAM.MSG.DELETE.>",
)  # fmt: skip


def user_name(role: str) -> str:
    return f"tally-{role}"


@dataclass(frozen=True)
class Permissions:
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    deny_publish: tuple[str, ...] = ()


def permissions(role: str, layout: StreamLayout) -> Permissions | None:
    """What ``role`` may publish and subscribe to; None for the admin (everything)."""
    s, accounts = layout.stream, layout.accounts_stream
    commands = f"{subjects.PREFIX}.>"
    views = f"{subjects.PREFIX}.views.>"
    if role == "admin":
        return None
    if role == "service":
        return Permissions(
            publish=(f"{s}.events.>", f"{s}.snapshots.>", f"{accounts}.events.>",
                     *(f"$KV.{bucket}.>" for bucket in (
                         layout.tracking_bucket,
                         layout.sessions_bucket, layout.throttle_bucket, layout.totp_bucket)),
                     *_READS, "_INBOX.>", subjects.VIEWS_QUERY),
            subscribe=("_INBOX.>", commands, f"{s}.events.>"),
            # Commands are not in what it may publish; the views' query is (a result is
            # computed from the views): denying ``tally.v1.>`` would deny that too.
            deny_publish=_NO_STREAM_CHANGES,
        )  # fmt: skip
    if role == "gateway":
        return Permissions(
            publish=(commands, f"$KV.{layout.sessions_bucket}.>", *_READS),
            subscribe=("_INBOX.>", views),
            deny_publish=_NO_STREAM_CHANGES,
        )
    if role == "projector":
        # It appends the log's signed checkpoints, to their one aggregate's subject only.
        checkpoints = f"{layout.events_prefix}{subject_token(str(checkpoints_id()))}"
        return Permissions(
            publish=(views, checkpoints, *_READS, "_INBOX.>"),
            subscribe=("_INBOX.>", views, f"{s}.events.>"),
            deny_publish=_NO_STREAM_CHANGES,
        )
    if role == "auditor":
        return Permissions(
            publish=("$JS.API.INFO", f"$JS.API.STREAM.INFO.{s}", f"$JS.API.STREAM.MSG.GET.{s}",
                     f"$JS.API.DIRECT.GET.{s}", f"$JS.API.DIRECT.GET.{s}.>",
                     f"$JS.API.CONSUMER.CREATE.{s}", f"$JS.API.CONSUMER.CREATE.{s}.>",
                     f"$JS.API.CONSUMER.INFO.{s}.>", f"$JS.API.CONSUMER.DELETE.{s}.>",
                     "$JS.FC.>"),
            subscribe=("_INBOX.>",),
        )  # fmt: skip
    raise ValueError(f"no NATS role {role!r}; the roles are {', '.join(ROLES)}")


def _list(items: tuple[str, ...], indent: str) -> list[str]:
    return ["[", *(f'{indent}  "{item}"' for item in items), f"{indent}]"]


def _user(role: str, password: str, granted: Permissions | None) -> list[str]:
    lines = ["{", f"  user: {user_name(role)}", f"  password: {password}"]
    if granted is not None:
        allow, *rest = _list(granted.publish, "      ")
        lines += ["  permissions: {", "    publish: {", f"      allow: {allow}", *rest]
        if granted.deny_publish:
            deny, *rest = _list(granted.deny_publish, "      ")
            lines += [f"      deny: {deny}", *rest]
        subscribe, *rest = _list(granted.subscribe, "      ")
        lines += ["    }", "    subscribe: {", f"      allow: {subscribe}", *rest, "    }", "  }"]
    return [*lines, "}"]


def render_accounts(layout: StreamLayout, password_of: Callable[[str], str]) -> str:
    """The ``accounts`` block of a nats-server configuration with Tally's users."""
    users = [
        f"      {line}"
        for role in ROLES
        for line in _user(role, password_of(role), permissions(role, layout))
    ]
    return "\n".join(
        ["accounts {", f"  {ACCOUNT} {{", "    jetstream: enabled", "    users: [", *users,
         "    ]", "  }", "}", ""]
    )  # fmt: skip


@dataclass(frozen=True)
class NatsUsers:
    """The embedded server's users with their generated passwords."""

    layout: StreamLayout
    passwords: dict[str, str]

    @classmethod
    def ensure(cls, nats_dir: Path, layout: StreamLayout) -> NatsUsers:
        """The store's users, generated on its first start (``users.json``, readable by the owner
        only). Created exclusively: two processes starting at once end with the same file."""
        path = nats_dir / USERS_FILE
        nats_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        generated = {role: secrets.token_urlsafe(24) for role in ROLES}
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            recorded = _read(path, generated)
            if set(recorded) != set(json.loads(path.read_text(encoding="utf-8"))):
                _replace(path, recorded)  # a role added since the file was made
            return cls(layout, recorded)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(json.dumps(generated))
        return cls(layout, generated)

    def authorization(self) -> str:
        return render_accounts(self.layout, lambda role: json.dumps(self.passwords[role]))

    def credentials(self, role: str) -> tuple[str, str]:
        return user_name(role), self.passwords[role]


def _read(path: Path, missing_ones: dict[str, str]) -> dict[str, str]:
    """The recorded passwords (waiting a moment for a file being written by its creator)."""
    for _ in range(50):
        try:
            recorded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            time.sleep(0.02)
            continue
        return {**{r: p for r, p in missing_ones.items() if r not in recorded}, **recorded}
    raise ValueError(f"{path} is not a users file: remove it to generate new NATS passwords")


def _replace(path: Path, passwords: dict[str, str]) -> None:
    temporary = path.with_suffix(".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(json.dumps(passwords))
    temporary.replace(path)


def deploy_accounts(layout: StreamLayout) -> str:
    """``deploy/nats/accounts.conf``: the same users, passwords from the environment."""
    header = (
        "# Tally's NATS users, generated from services/nats/users.py (a test keeps this file\n"
        "# current: edit the code, then `tally admin nats-accounts > deploy/nats/accounts.conf`).\n"
        "# Passwords come from the environment: TALLY_<ROLE>_PASSWORD for each role\n"
        f"# ({', '.join(ROLES)}). The stream name is {layout.stream}; a deployment that sets\n"
        "# NATS_STREAM to another name renders this file for it.\n"
    )
    return header + render_accounts(layout, lambda role: f"$TALLY_{role.upper()}_PASSWORD")
