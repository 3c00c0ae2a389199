"""Payloads of account events. They live in their own stream (``<NATS_STREAM>_ACCOUNTS``), never
in the election stream auditors read: password hashes and sealed TOTP seeds stay out of it."""

from __future__ import annotations

import datetime as dt

import msgspec


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


class SealedSecret(_Payload, frozen=True, kw_only=True):
    """A secret encrypted with AES-256-GCM under the key ``key_id`` (keys rotate by id)."""

    key_id: str
    nonce: str
    ciphertext: str


class AccountCreated(_Payload, frozen=True, kw_only=True):
    login: str
    role: str
    display_name: str
    gmina: str | None = None
    precincts: tuple[int, ...] = ()
    created_by: str


class ActivationIssued(_Payload, frozen=True, kw_only=True):
    """A new one-time activation code (only its SHA-256 is kept); any earlier login stops."""

    code_hash: str
    expires_at: dt.datetime
    issued_by: str


class AccountActivated(_Payload, frozen=True, kw_only=True):
    password_hash: str
    totp_seed: SealedSecret


class AccountLocked(_Payload, frozen=True, kw_only=True):
    reason: str
    failures: int


class AccountUnlocked(_Payload, frozen=True, kw_only=True):
    by: str


class LoggedIn(_Payload, frozen=True, kw_only=True):
    session: str
    """The first characters of the session's hash: enough to trace, useless to steal."""
    address: str


SECURITY_TAG = "security.event_recorded.v1"


class SecurityRecord(_Payload, frozen=True, kw_only=True):
    """A refusal kept on its own (``security.event_recorded.v1``), not in an account's history:
    a failed login, a wrong step-up code, a refused request (``kind``), whose login, from where,
    at what."""

    login: str
    kind: str
    reason: str
    address: str
    target: str = ""
