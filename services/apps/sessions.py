"""Sessions shared by every gateway: a NATS KV bucket keyed by the SHA-256 of the opaque token.

A session ends after 30 minutes without a request, 12 hours after login (the bucket's TTL as a
backstop), at logout, or when its account is reset or locked (a revocation mark per account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Final

import msgspec

from schemas.accounts import Session

if TYPE_CHECKING:
    from services.eventstore.kv import KvBucket

IDLE: Final = dt.timedelta(minutes=30)
LIFETIME: Final = dt.timedelta(hours=12)
TOUCH_EVERY: Final = dt.timedelta(minutes=1)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revocation_key(account_id: str) -> str:
    return "revoked-" + hashlib.sha256(account_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, kv: KvBucket) -> None:
        self._kv = kv

    async def open(self, session: Session) -> str:
        token = secrets.token_urlsafe(32)
        await self._kv.put(token_key(token), msgspec.json.encode(session))
        return token

    async def get(self, token: str, now: dt.datetime) -> Session | None:
        """The live session of ``token``, touched; None when unknown, expired or revoked."""
        if not token:
            return None
        raw, _ = await self._kv.get(token_key(token))
        if raw is None:
            return None
        session = msgspec.json.decode(raw, type=Session)
        if now - session.last_seen > IDLE or now - session.created_at > LIFETIME:
            await self._kv.delete(token_key(token))
            return None
        revoked, _ = await self._kv.get(_revocation_key(session.account_id))
        if (
            revoked is not None
            and msgspec.json.decode(revoked, type=dt.datetime) >= session.created_at
        ):
            return None
        if now - session.last_seen > TOUCH_EVERY:
            session = msgspec.structs.replace(session, last_seen=now)
            await self._kv.put(token_key(token), msgspec.json.encode(session))
        return session

    async def save(self, token: str, session: Session) -> None:
        await self._kv.put(token_key(token), msgspec.json.encode(session))

    async def close(self, token: str) -> None:
        await self._kv.delete(token_key(token))

    async def revoke_all(self, account_id: str, now: dt.datetime) -> None:
        await self._kv.put(_revocation_key(account_id), msgspec.json.encode(now))
