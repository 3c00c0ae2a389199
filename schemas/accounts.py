"""Accounts, logins and sessions on the wire: who may do what, and how they prove it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Final, Literal

import msgspec

from schemas.definition import TERYT_PATTERN

LOGIN_PATTERN: Final = r"^[a-z0-9][a-z0-9._-]{2,63}$"

Login = Annotated[str, msgspec.Meta(pattern=LOGIN_PATTERN, description="lower-case login")]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
TotpCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6}$")]


class Role(StrEnum):
    ADMIN = "admin"
    """Defines elections, creates coordinators (and other admins and auditors)."""
    COORDINATOR = "coordinator"
    """Bound to one gmina: creates and resets its operators, confirms, approves, proxy entry."""
    OPERATOR = "operator"
    """Bound to precincts of one gmina: submits and corrects their protocols and turnout."""
    AUDITOR = "auditor"
    """Reads everything, writes nothing."""


class Permission(StrEnum):
    """What a request needs; ``domain.authorization`` says which roles have it, where."""

    SUBMIT = "submit"
    CORRECT = "correct"
    VALIDATE = "validate"
    TURNOUT = "turnout"
    PROXY = "proxy"
    CONFIRM = "confirm"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    REJECT = "reject"
    READ = "read"
    VIEW = "view"
    AUDIT = "audit"
    ACKNOWLEDGE = "acknowledge"
    ESTABLISH = "establish"
    MANAGE_ACCOUNTS = "manage-accounts"
    SESSION = "session"


STEP_UP: Final = frozenset({Permission.CORRECT, Permission.CONFIRM, Permission.APPROVE,
                            Permission.PROXY, Permission.REJECT, Permission.WITHDRAW,
                            Permission.ESTABLISH})  # fmt: skip
"""Permissions that also need a TOTP code proven in the last few minutes (``/v1/auth/step-up``):
whatever changes what the paper says or vouches for it."""


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class CreateAccount(_In, frozen=True, kw_only=True):
    login: Login
    role: Role
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    gmina: Annotated[str, msgspec.Meta(pattern=TERYT_PATTERN)] | None = None
    precincts: tuple[Annotated[int, msgspec.Meta(ge=1)], ...] = ()


class Activate(_In, frozen=True, kw_only=True):
    login: Login
    activation_code: Secret
    password: Annotated[str, msgspec.Meta(min_length=12, max_length=200)]


class LogIn(_In, frozen=True, kw_only=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Secret
    totp: Annotated[str, msgspec.Meta(min_length=1, max_length=10)]


class StepUp(_In, frozen=True, kw_only=True):
    totp: Annotated[str, msgspec.Meta(min_length=1, max_length=10)]


class ChooseLanguage(_In, frozen=True, kw_only=True):
    language: Literal["pl", "en"]


class AccountAction(_In, frozen=True, kw_only=True):
    """Reset (a new activation code) or unlock an account."""

    login: Login


class ListAccounts(_In, frozen=True, kw_only=True):
    """The registry of one gmina's accounts (a coordinator: their own gmina only; an admin:
    any gmina, or every account when ``gmina`` is left out)."""

    gmina: Annotated[str, msgspec.Meta(pattern=TERYT_PATTERN)] | None = None


class RegisteredAccount(msgspec.Struct, frozen=True, kw_only=True):
    """One account as the registry shows it: never a secret, only what a manager needs."""

    login: str
    display_name: str
    role: str
    gmina: str
    """Empty for accounts bound to no gmina (admins, auditors)."""
    precincts: tuple[int, ...]
    status: str
    """``pending-activation`` (created or reset, code not used yet), ``active`` or ``locked``."""
    created_at: str
    created_by: str
    activation_expires_at: str
    """When the current activation code stops working (pending accounts); else empty."""
    activated_at: str
    last_login_at: str
    last_login_from: str
    """The client address of the last login."""
    locked_at: str
    locked_reason: str


class AccountRegistry(msgspec.Struct, frozen=True, kw_only=True):
    """The accounts of ``gmina`` as of ``position`` in the accounts stream."""

    gmina: str | None
    position: int
    accounts: tuple[RegisteredAccount, ...]


class ActivationSlip(msgspec.Struct, frozen=True, kw_only=True):
    """What the creator prints and hands over: the code works once, until ``expires_at``."""

    login: str
    role: str
    activation_code: str
    expires_at: dt.datetime


class Enrollment(msgspec.Struct, frozen=True, kw_only=True):
    """The TOTP secret to put into an authenticator app (``otpauth_uri`` is what a QR encodes)."""

    login: str
    totp_secret: str
    otpauth_uri: str


class SessionGrant(msgspec.Struct, frozen=True, kw_only=True):
    """An opaque bearer token: 30 minutes idle, 12 hours at most, revocable."""

    token: str
    login: str
    role: str
    expires_at: dt.datetime
    language: str = ""
    """The language the account chose (the pages follow it); empty when none."""


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A session as stored (by the hash of its token) and shared by every gateway."""

    account_id: str
    login: str
    role: str
    gmina: str | None = None
    precincts: tuple[int, ...] = ()
    created_at: dt.datetime
    last_seen: dt.datetime
    totp_at: dt.datetime
    """When the holder last proved a TOTP code (login or step-up)."""


class AuthAnswer(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The accounts service's answer: ``ok``, ``failed`` (login; deliberately uninformative),
    ``forbidden``, ``throttled`` (retry after ``retry_after_s``), ``invalid`` or ``refused``."""

    status: str
    reason: str = ""
    retry_after_s: int = 0
    slip: ActivationSlip | None = None
    enrollment: Enrollment | None = None
    grant: SessionGrant | None = None
    registry: AccountRegistry | None = None


class AccessDenied(msgspec.Struct, frozen=True, kw_only=True):
    """A gateway's report of a request its guard refused, to be kept as a security record."""

    login: str
    reason: str
    target: str = ""
