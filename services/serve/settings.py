"""Every ``TALLY_*`` setting, read once from the environment into one typed struct.

The composition root (``services.serve.process``) and the ``tally`` command read ``Settings`` at
start and hand each part the values it needs; nothing else reads the environment for them. A
malformed value stops the process at start with one line naming the variable and what it must
be. ``VARIABLES`` is the table of them all: the README's configuration table lists exactly these
(a test compares the two). The event store's own settings (``NATS_*``, ``PERSISTENCE_MODULE``)
are the persistence module's, read the eventsourcing way (``StoreSettings``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

from services.apps.signing import SigningSource
from services.commands.accounts.passwords import COSTS
from services.gateway.clients import Network, TrustedProxiesError, trusted_proxies

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

N = TypeVar("N", int, float)
LOG_LEVELS: Final = ("debug", "info", "warning", "error")
LOG_FORMATS: Final = ("json", "console")


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str


VARIABLES: Final = (
    Variable("TALLY_HASH_CONCURRENCY", "one per CPU",
             "password hashes computed at once (each 64 MiB and most of a core); the rest wait "
             "their turn"),
    Variable("TALLY_PASSWORD_HASH", "`production`",
             "argon2id cost: `production` or `fast` (tests, drills; logged at start)"),
    Variable("TALLY_SECRET_KEYS", "unset",
             "keys sealing TOTP seeds (`id=base64key,...`, the first seals, all open)"),
    Variable("TALLY_SECRET_KEYS_FILE", "unset: `<data dir>/secret.keys`",
             "a file of such keys, one per line, when `TALLY_SECRET_KEYS` is unset (the default "
             "file is created on a store that seals nothing yet)"),
    Variable("TALLY_LOGIN_BACKOFF_S", "`1`",
             "the first delay after 3 failed logins (doubles each time, 5 minutes at most)"),
    Variable("TALLY_TRUSTED_PROXIES", "none",
             "reverse proxies (CIDRs, comma-separated) whose `X-Forwarded-For` names the client; "
             "from anyone else it is ignored"),
    Variable("TALLY_STEP_UP_S", "`300`",
             "how fresh a TOTP proof the vouching commands need (corrections, confirmations, "
             "approvals, rejections, withdrawals, proxy entry)"),
    Variable("TALLY_COMMAND_WORKERS", "`32`",
             "requests one command-service instance handles at once (they mostly wait for "
             "fsynced acknowledgements)"),
    Variable("TALLY_SIGNING_KEYS", "unset",
             "Ed25519 keys signing the log's checkpoints (`id=base64seed,...`: the first signs, "
             "all verify; the last, the oldest, also keys the public pseudonyms: keep it)"),
    Variable("TALLY_SIGNING_KEYS_FILE", "unset: `<data dir>/signing.keys`",
             "a file of such keys, one per line, when `TALLY_SIGNING_KEYS` is unset (the default "
             "file is created with one key on first use)"),
    Variable("TALLY_CHECKPOINT_S", "`10`",
             "at most this many seconds between signed checkpoints while events arrive"),
    Variable("TALLY_PUBLIC_URL", "unset",
             "the address people reach the gateway at (`https://wybory.example.gov.pl`): the "
             "base of the links printed on paper (a protocol's QR code, the activation slips); "
             "unset, the QR code carries the bare protocol code and slips name the gateway's "
             "own address"),
    Variable("TALLY_LOG_FORMAT", "`console` on a terminal, else `json`", "log rendering"),
    Variable("TALLY_LOG_LEVEL", "`info`", "log threshold: debug, info, warning or error"),
)  # fmt: skip


class SettingsError(ValueError):
    """A malformed setting: the message names the variable and the rule."""


@dataclass(frozen=True)
class Settings:
    hash_concurrency: int
    hash_strength: str
    secret_keys: str
    secret_keys_file: str
    login_backoff_s: float
    trusted_proxies: tuple[Network, ...]
    step_up: dt.timedelta
    command_workers: int
    log_format: str | None
    """None: ``console`` on a terminal, ``json`` elsewhere."""
    log_level: str
    public_url: str = ""
    """``TALLY_PUBLIC_URL``: the base of printed links; empty when unset."""
    signing_keys: str = ""
    signing_keys_file: str = ""
    checkpoint_s: float = 10.0
    demo: bool = False
    """``tally serve --demo``: the examples and demo accounts on a fresh store."""
    first_run: str = ""
    """Set by ``tally serve`` on a store without accounts: how to make the first admin."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        read = _Reader(os.environ if env is None else env)
        try:
            proxies = trusted_proxies(read.text("TALLY_TRUSTED_PROXIES"))
        except TrustedProxiesError as error:
            raise SettingsError(str(error)) from None
        return cls(
            hash_concurrency=read.number("TALLY_HASH_CONCURRENCY", os.cpu_count() or 2, int),
            hash_strength=read.choice("TALLY_PASSWORD_HASH", "production", tuple(COSTS)),
            secret_keys=read.text("TALLY_SECRET_KEYS"),
            secret_keys_file=read.text("TALLY_SECRET_KEYS_FILE"),
            login_backoff_s=read.number("TALLY_LOGIN_BACKOFF_S", 1.0, float),
            trusted_proxies=proxies,
            step_up=dt.timedelta(seconds=read.number("TALLY_STEP_UP_S", 300.0, float)),
            command_workers=read.number("TALLY_COMMAND_WORKERS", 32, int),
            log_format=read.choice("TALLY_LOG_FORMAT", "", LOG_FORMATS) or None,
            log_level=read.choice("TALLY_LOG_LEVEL", "info", LOG_LEVELS),
            public_url=read.url("TALLY_PUBLIC_URL"),
            signing_keys=read.text("TALLY_SIGNING_KEYS"),
            signing_keys_file=read.text("TALLY_SIGNING_KEYS_FILE"),
            checkpoint_s=read.number("TALLY_CHECKPOINT_S", 10.0, float),
        )

    def signing(self, data_dir: Path) -> SigningSource:
        """Where the signing keys are (``services.apps.signing``)."""
        return SigningSource(keys=self.signing_keys, file=self.signing_keys_file,
                             data_dir=data_dir)  # fmt: skip


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str:
        return self._env.get(name, "").strip()

    def url(self, name: str) -> str:
        value = self.text(name).rstrip("/")
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise SettingsError(f"{name}={value!r} must be an http(s) address without a query, "
                                "e.g. https://wybory.example.gov.pl")  # fmt: skip
        return value

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name).lower()
        if not value:
            return default
        if value not in allowed:
            raise SettingsError(f"{name}={value!r} must be one of: {', '.join(allowed)}")
        return value

    def number(self, name: str, default: N, kind: Callable[[str], N]) -> N:
        written = self.text(name)
        if not written:
            return default
        try:
            value = kind(written)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise SettingsError(f"{name}={written!r} must be {what} above 0") from None
        if not (value > 0 and math.isfinite(value)):
            raise SettingsError(f"{name}={written!r} must be a finite number above 0")
        return value
