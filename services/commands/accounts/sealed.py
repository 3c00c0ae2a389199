"""Which secret keys the store depends on: the key ids that sealed the TOTP seeds of activated
accounts, read from the accounts stream when the accounts service starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas import envelope
from schemas.account_events import AccountActivated
from schemas.events import decode_payload
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client


async def sealed_key_ids(nc: Client, accounts_stream: str, timeout: float) -> frozenset[str]:
    """Every key id an activation sealed a TOTP seed under (the account events only, not the
    security records beside them)."""
    found: set[str] = set()
    start = 1
    while True:
        batch, pending = await jsapi.direct_get_batch(
            nc, accounts_stream, start_seq=start, batch=1000,
            subject=f"{accounts_stream}.events.>", timeout=timeout,
        )  # fmt: skip
        for message in batch:
            tag = message.headers.get(envelope.EVENT_TYPE, "")
            if tag == AccountActivated.TAG:
                payload = decode_payload(tag, message.data)
                assert isinstance(payload, AccountActivated)
                found.add(payload.totp_seed.key_id)
        if not batch or pending == 0:
            return frozenset(found)
        start = batch[-1].seq + 1
