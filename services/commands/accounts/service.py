"""The accounts service: account management, activation, login, step-up and logout over NATS
request/reply (it runs in the command service process), and security events.

Login answers are deliberately uninformative and take the same time whatever went wrong: unknown
login, wrong password or TOTP code, a replayed code, a locked or not yet activated account. The
argon2id verification and the TOTP check always run (against decoys when there is nothing real).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog
from eventsourcing.persistence import IntegrityError

from domain import totp
from domain.account import INVALID_CODE, Account, AccountError, AccountStatus
from domain.activation_codes import code_hash
from domain.authorization import Actor, may_manage
from domain.decoding import DecodeError, decode_json
from domain.ids import account_id
from schemas import subjects
from schemas.account_events import SealedSecret, SecurityRecord
from schemas.accounts import (
    AccessDenied,
    AccountAction,
    AccountRegistry,
    Activate,
    AuthAnswer,
    ChooseLanguage,
    CreateAccount,
    Enrollment,
    ListAccounts,
    LogIn,
    RegisteredAccount,
    Role,
    Session,
    SessionGrant,
    StepUp,
)
from schemas.catalog import Service, subjects_of
from schemas.envelope import CommandContext
from schemas.replies import Reply
from services.apps.accounts import Accounts
from services.apps.actors import account_actor
from services.apps.sessions import LIFETIME, SessionStore, token_key
from services.commands.accounts.keyring import Keyring, KeySource
from services.commands.accounts.registry import Registry
from services.commands.accounts.sealed import sealed_key_ids
from services.commands.accounts.security_log import SecurityLog
from services.commands.accounts.throttle import LOCK_AT, Throttle
from services.eventstore import jsapi
from services.eventstore.kv import KvBucket

if TYPE_CHECKING:
    import datetime as dt

    from nats.aio.client import Client

    from domain.clock import Clock
    from services.commands.accounts.passwords import Passwords
    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("accounts")

DECOY_TOTP: Final = totp.new_secret()
FAILED: Final = AuthAnswer(status="failed", reason="login failed")
LOG_IN_FIRST: Final = AuthAnswer(status="forbidden", reason="log in first")


SAVE_ATTEMPTS: Final = 8


@dataclass(frozen=True)
class Caller:
    """Who asks, as the gateway says: the client's address, the session token (step-up, logout)
    and the logged-in account (account management)."""

    address: str
    token: str
    actor: Actor | None

    @classmethod
    def of(cls, headers: dict[str, str]) -> Caller:
        return cls(
            address=headers.get(subjects.CLIENT_ADDRESS, "unknown"),
            token=headers.get(subjects.SESSION_TOKEN, ""),
            actor=account_actor(headers),
        )


Handler = Callable[[Any, Caller], Awaitable[AuthAnswer]]


def _activate(
    account: Account | None, code: str, now: dt.datetime, password_hash: str, seed: SealedSecret
) -> None:
    """The activation of ``account``; no account is refused exactly like a wrong code."""
    if account is None:
        raise AccountError(INVALID_CODE)
    account.activate(code, now, password_hash, seed)


def _reply(answer: AuthAnswer) -> Reply:
    retry = answer.retry_after_s or (1 if answer.status == "error" else 0)
    return Reply(msgspec.json.encode(answer), answer.status, retry)


class AuthService:
    def __init__(
        self,
        settings: StoreSettings,
        *,
        clock: Clock,
        keys: KeySource,
        passwords: Passwords,
        login_backoff_s: float = 1.0,
    ) -> None:
        """``keys``: where the keyring is; it is opened at ``start``, against the key ids the
        store's sealed secrets need. ``login_backoff_s``: the first delay after failed logins."""
        self.settings = settings
        self.clock = clock
        self._keys = keys
        self._backoff_s = login_backoff_s
        self.keyring: Keyring | None = None
        self.passwords = passwords
        self.accounts = Accounts(settings)
        self._nc: Client | None = None
        self.sessions: SessionStore | None = None
        self.throttle: Throttle | None = None
        self._totp_used: KvBucket | None = None
        self.security: SecurityLog | None = None
        self.registry = Registry(settings.layout.accounts_stream, settings.request_timeout_s)
        self._background: set[asyncio.Task[None]] = set()
        self._endpoints = subjects_of(Service.ACCOUNTS)
        self._handlers: dict[str, Handler] = {
            subject: getattr(self, endpoint.handler)
            for subject, endpoint in self._endpoints.items()
        }
        """The catalogue's handlers, resolved once: a row naming no method fails here."""

    async def start(self, nc: Client) -> None:
        """Start on ``nc``, a connection of the process's (its owner closes it)."""
        self._nc = nc
        layout, timeout = self.settings.layout, self.settings.request_timeout_s
        self.security = SecurityLog(self._nc, layout.accounts_stream, timeout)
        try:
            sealed = await sealed_key_ids(self._nc, layout.accounts_stream, timeout)
        except jsapi.ApiError as error:
            if error.err_code != jsapi.STREAM_NOT_FOUND:
                raise
            sealed = frozenset()
        self.keyring = Keyring.load(self._keys, sealed)
        self.sessions = SessionStore(KvBucket(self._nc, layout.sessions_bucket, timeout))
        bucket = KvBucket(self._nc, layout.throttle_bucket, timeout)
        self.throttle = Throttle(bucket, self._backoff_s)
        self._totp_used = KvBucket(self._nc, layout.totp_bucket, timeout)

    async def stop(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        self.accounts.close()

    async def answer(self, subject: str, body: bytes, headers: dict[str, str]) -> Reply:
        """The reply to one request on a subject of ``schemas.catalog.ACCOUNTS``; never raises."""
        endpoint = self._endpoints[subject]
        try:
            request = decode_json(body, endpoint.request)
        except DecodeError as error:
            reason = "; ".join(f"{p.path} [{p.rule}] {p.message}" for p in error.problems)
            return _reply(AuthAnswer(status="invalid", reason=reason))
        try:
            answer = await self._handlers[subject](request, Caller.of(headers))
        except AccountError as error:
            answer = AuthAnswer(status="refused", reason=str(error))
        except Exception:
            log.exception("accounts.failed", subject=subject)
            answer = AuthAnswer(status="error", reason="unexpected failure; retry")
        return _reply(answer)

    def _keyring(self) -> Keyring:
        if self.keyring is None:
            raise RuntimeError("the accounts service is not started")
        return self.keyring

    def _sessions(self) -> SessionStore:
        if self.sessions is None:
            raise RuntimeError("the accounts service is not started")
        return self.sessions

    def _throttle(self) -> Throttle:
        if self.throttle is None:
            raise RuntimeError("the accounts service is not started")
        return self.throttle

    # Account management.

    async def create_account(self, command: CreateAccount, caller: Caller) -> AuthAnswer:
        actor = caller.actor
        if actor is None:
            return LOG_IN_FIRST
        refusal = may_manage(actor, command.role, command.gmina)
        if refusal:
            await self._record(actor.login, "access-denied", refusal, caller.address,
                               command.login)  # fmt: skip
            return AuthAnswer(status="forbidden", reason=refusal)
        by, now = f"account:{actor.login}", self.clock.now()
        return await asyncio.to_thread(
            self.accounts.open_account, command, by, actor.role.value, now
        )

    async def reset_account(self, command: AccountAction, caller: Caller) -> AuthAnswer:
        """A new activation slip; the account's sessions end."""
        found = await self._managed(command.login, caller)
        if isinstance(found, AuthAnswer):
            return found
        account, actor = found
        await self._sessions().revoke_all(str(account.id), self.clock.now())
        await self._throttle().clear(account.login)
        by, now = f"account:{actor.login}", self.clock.now()
        return await asyncio.to_thread(
            self.accounts.issue_activation, account, by, actor.role.value, now
        )

    async def unlock_account(self, command: AccountAction, caller: Caller) -> AuthAnswer:
        found = await self._managed(command.login, caller)
        if isinstance(found, AuthAnswer):
            return found
        account, actor = found
        if account.status is AccountStatus.LOCKED:
            account.unlock(f"account:{actor.login}")
            await asyncio.to_thread(self._save, account, actor)
        await self._throttle().clear(account.login)
        return AuthAnswer(status="ok")

    async def list_accounts(self, query: ListAccounts, caller: Caller) -> AuthAnswer:
        """The registry of a gmina's accounts: a coordinator reads their own gmina only (asking
        for another is refused and recorded), an admin any gmina or every account."""
        actor = caller.actor
        if actor is None:
            return LOG_IN_FIRST
        gmina = query.gmina
        if actor.role is Role.COORDINATOR:
            gmina = gmina or actor.gmina
            if gmina != actor.gmina:
                reason = f"{actor.login} manages accounts in gmina {actor.gmina}, not {gmina}"
                await self._record(actor.login, "access-denied", reason, caller.address,
                                   f"accounts of {gmina}")  # fmt: skip
                return AuthAnswer(status="forbidden", reason=reason)
        elif actor.role is not Role.ADMIN:
            return AuthAnswer(status="forbidden", reason=f"a {actor.role.value} may not "
                              "read the accounts registry")  # fmt: skip
        assert self._nc is not None
        view = await self.registry.current(self._nc)
        accounts = tuple(msgspec.convert(row, RegisteredAccount)
                         for row in self.registry.rows(gmina))  # fmt: skip
        registry = AccountRegistry(gmina=gmina, position=view.position, accounts=accounts)
        return AuthAnswer(status="ok", registry=registry)

    async def _managed(self, login: str, caller: Caller) -> tuple[Account, Actor] | AuthAnswer:
        """The account ``caller`` may manage, or the answer why not."""
        actor = caller.actor
        if actor is None:
            return LOG_IN_FIRST
        account = await asyncio.to_thread(self.accounts.account, login)
        if account is None:
            return AuthAnswer(status="refused", reason=f"no account {login}")
        refusal = may_manage(actor, account.role, account.gmina)
        if refusal:
            await self._record(actor.login, "access-denied", refusal, caller.address, login)
            return AuthAnswer(status="forbidden", reason=refusal)
        return account, actor

    # Activation and login.

    async def activate(self, command: Activate, caller: Caller) -> AuthAnswer:
        """Set the password and enrol TOTP with the one-time code. Throttled like logins, and the
        same work whatever is wrong: the password is hashed before the code is judged, for an
        account that does not exist too, so the answer's time tells nothing."""
        login, now, address = command.login, self.clock.now(), caller.address
        wait = await self._throttle().wait(login, address, now)
        if wait:
            return AuthAnswer(
                status="throttled", reason="too many failed activations", retry_after_s=wait
            )
        account = await asyncio.to_thread(self.accounts.account, login)
        password_hash = await self.passwords.hashed(command.password)
        secret = totp.new_secret()
        try:
            _activate(account, code_hash(command.activation_code), now, password_hash,
                      self._keyring().seal(secret))  # fmt: skip
        except AccountError:
            await self._failed(account, login, address, now, kind="activation-failed")
            raise
        assert account is not None  # _activate refuses a missing account
        await self._throttle().clear(login, address)
        await asyncio.to_thread(
            self.accounts.save,
            account,
            context=CommandContext(
                actor=f"account:{account.login}", role=account.role.value, channel="online"
            ),
        )
        uri = totp.provisioning_uri(secret, account.login)
        return AuthAnswer(
            status="ok",
            enrollment=Enrollment(login=account.login, totp_secret=secret, otpauth_uri=uri),
        )

    async def login(self, command: LogIn, caller: Caller) -> AuthAnswer:
        login, now, address = command.login.lower(), self.clock.now(), caller.address
        wait = await self._throttle().wait(login, address, now)
        if wait:
            return AuthAnswer(
                status="throttled", reason="too many failed logins", retry_after_s=wait
            )
        account = await asyncio.to_thread(self.accounts.account, login)
        locked = await self._throttle().count(login) >= LOCK_AT
        holds = await self._credentials_hold(account, command, now, claim=not locked)
        if not holds or locked:
            await self._failed(account, login, address, now)
            return FAILED
        assert account is not None  # _credentials_hold is False without an account
        await self._throttle().clear(login, address)
        session = Session(
            account_id=str(account.id),
            login=login,
            role=account.role.value,
            gmina=account.gmina,
            precincts=account.precincts,
            created_at=now,
            last_seen=now,
            totp_at=now,
        )
        token = await self._sessions().open(session)
        account.record_login(token_key(token)[:12], address)
        await asyncio.to_thread(self._save, account, None)
        grant = SessionGrant(token=token, login=login, role=account.role.value,
                             expires_at=now + LIFETIME, language=account.language)  # fmt: skip
        return AuthAnswer(status="ok", grant=grant)

    async def _credentials_hold(
        self, account: Account | None, command: LogIn, now: dt.datetime, *, claim: bool
    ) -> bool:
        """Password, then TOTP (unused so far); both checks run whatever the account's state.
        A locked account's code is checked but not spent."""
        usable = account is not None and account.can_log_in and account.totp_seed is not None
        real = account if usable else None
        password_ok = await self.passwords.verified(
            real.password_hash if real else None, command.password
        )
        seed = self._keyring().open(real.totp_seed) if real and real.totp_seed else DECOY_TOTP
        step = totp.verify(seed, command.totp, now.timestamp())
        if real is None or not password_ok or step is None:
            return False
        return await self._claim_step(str(real.id), step) if claim else True

    async def step_up(self, command: StepUp, caller: Caller) -> AuthAnswer:
        """A fresh TOTP proof for this session, throttled and counted like a login: wrong codes
        delay the next proof, lock the account at the tenth (ending its sessions) and are each
        a security event."""
        now, token, address, code = self.clock.now(), caller.token, caller.address, command.totp
        session = await self._sessions().get(token, now)
        if session is None:
            return LOG_IN_FIRST
        login = session.login
        wait = await self._throttle().wait(login, address, now)
        if wait:
            return AuthAnswer(
                status="throttled", reason="too many failed codes", retry_after_s=wait
            )
        account = await asyncio.to_thread(self.accounts.account, login)
        step = None
        if account is not None and account.totp_seed is not None:
            step = totp.verify(self._keyring().open(account.totp_seed), code, now.timestamp())
        if step is None or account is None or not await self._claim_step(str(account.id), step):
            await self._failed(account, login, address, now, kind="step-up-failed")
            return FAILED
        await self._throttle().clear(login, address)
        await self._sessions().save(token, msgspec.structs.replace(session, totp_at=now))
        return AuthAnswer(status="ok")

    async def _claim_step(self, account: str, step: int) -> bool:
        """Accept a TOTP time step once per account: a code seen before is a replay."""
        assert self._totp_used is not None
        key = hashlib.sha256(account.encode()).hexdigest()
        raw, revision = await self._totp_used.get(key)
        if raw is not None and int(raw) >= step:
            return False
        return await self._totp_used.put(key, str(step).encode(), revision) is not None

    async def _failed(
        self,
        account: Account | None,
        login: str,
        address: str,
        now: dt.datetime,
        kind: str = "login-failed",
    ) -> None:
        """Count the failure now (it decides the next attempt); record it on the account after
        answering, so a failure for a known account takes no longer than for an unknown one."""
        count = await self._throttle().fail(login, address, now)
        if account is None:
            return
        if count >= LOCK_AT:
            await self._sessions().revoke_all(str(account.id), now)
        task = asyncio.create_task(self._record_failure(account.login, count, address, kind))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record_failure(self, login: str, count: int, address: str, kind: str) -> None:
        try:
            await self._record(login, kind, f"failure {count}", address)
            if count >= LOCK_AT:
                await self._lock(login, count)
        except Exception:
            log.exception("accounts.failure_not_recorded", login=login, count=count)

    async def _lock(self, login: str, count: int) -> None:
        """Lock the account (an event of its own history); a concurrent change is retried."""
        for _ in range(5):
            account = await asyncio.to_thread(self.accounts.account, login)
            if account is None:
                return
            account.lock("too many failed attempts", count)
            if not account.pending_events:
                return
            try:
                await asyncio.to_thread(self._save, account, None)
            except IntegrityError:
                continue
            return

    async def logout(self, _command: AccountAction, caller: Caller) -> AuthAnswer:
        await self._sessions().close(caller.token)
        return AuthAnswer(status="ok")

    async def choose_language(self, command: ChooseLanguage, caller: Caller) -> AuthAnswer:
        """The caller's language, kept with the account (the pages follow it at every login)."""
        if caller.actor is None:
            return AuthAnswer(status="forbidden", reason="log in first")
        for _ in range(SAVE_ATTEMPTS):
            account = await asyncio.to_thread(self.accounts.account, caller.actor.login)
            if account is None:
                return AuthAnswer(status="forbidden", reason="no such account")
            account.choose_language(command.language)
            if not account.pending_events:
                return AuthAnswer(status="ok")
            try:
                await asyncio.to_thread(self._save, account, None)
            except IntegrityError:
                continue
            return AuthAnswer(status="ok")
        return AuthAnswer(status="error", reason="the account kept changing; retry")

    async def logout_everywhere(self, _command: AccountAction, caller: Caller) -> AuthAnswer:
        """Every session of the caller's account ends (another browser, a lost tablet)."""
        if caller.actor is None:
            return AuthAnswer(status="forbidden", reason="log in first")
        account_key = str(account_id(caller.actor.login))
        await self._sessions().revoke_all(account_key, self.clock.now())
        await self._sessions().close(caller.token)
        return AuthAnswer(status="ok")

    async def access_denied(self, report: AccessDenied, caller: Caller) -> AuthAnswer:
        """A gateway's refusal, kept as a security event of the account that was refused."""
        await self.record_access_denied(report.login, report.reason, caller.address,
                                        report.target)  # fmt: skip
        return AuthAnswer(status="ok")

    async def record_access_denied(
        self, login: str, reason: str, address: str, target: str = ""
    ) -> None:
        """A refusal, kept as a security event of the account that was refused."""
        await self._record(login, "access-denied", reason, address, target)

    async def _record(
        self, login: str, kind: str, reason: str, address: str, target: str = ""
    ) -> None:
        """A security event: its own record, never a version of the account (see security_log)."""
        if self.security is None:
            raise RuntimeError("the accounts service is not started")
        await self.security.record(SecurityRecord(login=login, kind=kind, reason=reason,
                                                  address=address, target=target))  # fmt: skip

    def _save(self, account: Account, actor: Actor | None) -> None:
        who = actor or Actor(login=account.login, role=account.role)
        context = CommandContext(
            actor=f"account:{who.login}", role=who.role.value, channel="online"
        )
        self.accounts.save(account, context=context)
