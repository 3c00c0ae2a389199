"""Payloads of account events. They live in their own stream (``<NATS_STREAM>_ACCOUNTS``), never
in the election stream auditors read: password hashes and sealed TOTP seeds stay out of it."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


class SealedSecret(_Payload, frozen=True, kw_only=True):
    """A secret encrypted with AES-256-GCM under the key ``key_id`` (keys rotate by id)."""

    key_id: str
    nonce: str
    ciphertext: str


class AccountCreated(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "account.created.v1"

    login: str
    role: str
    display_name: str
    gmina: str | None = None
    precincts: tuple[int, ...] = ()
    created_by: str


class ActivationIssued(_Payload, frozen=True, kw_only=True):
    """A new one-time activation code (only its SHA-256 is kept); any earlier login stops."""

    TAG: ClassVar[str] = "account.activation_issued.v1"

    code_hash: str
    expires_at: dt.datetime
    issued_by: str


class AccountActivated(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "account.activated.v1"

    password_hash: str
    totp_seed: SealedSecret


class AccountLocked(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "account.locked.v1"

    reason: str
    failures: int


class AccountUnlocked(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "account.unlocked.v1"

    by: str


class LoggedIn(_Payload, frozen=True, kw_only=True):
    TAG: ClassVar[str] = "account.logged_in.v1"

    session: str
    """The first characters of the session's hash: enough to trace, useless to steal."""
    address: str


class LanguageChosen(_Payload, frozen=True, kw_only=True):
    """The language the person reads Tally in (``pl`` or ``en``), kept with the account."""

    TAG: ClassVar[str] = "account.language_chosen.v1"

    language: str


class SecurityRecord(_Payload, frozen=True, kw_only=True):
    """A refusal kept on its own, not in an account's history: a failed login, a wrong step-up
    code, a refused request (``kind``), whose login, from where, at what."""

    TAG: ClassVar[str] = "security.event_recorded.v1"

    login: str
    kind: str
    reason: str
    address: str
    target: str = ""
