"""Which secret keys the store depends on: the key ids that sealed the TOTP seeds of activated
accounts, read from the accounts stream when the accounts service starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from schemas import envelope
from services.eventstore import jsapi

if TYPE_CHECKING:
    from nats.aio.client import Client

ACTIVATED = "account.activated.v1"


class _Seed(msgspec.Struct):
    key_id: str


class _Activated(msgspec.Struct):
    totp_seed: _Seed


class _Stored(msgspec.Struct):
    data: _Activated


_DECODER = msgspec.json.Decoder(_Stored)


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
            if message.headers.get(envelope.EVENT_TYPE) == ACTIVATED:
                found.add(_DECODER.decode(message.data).data.totp_seed.key_id)
        if not batch or pending == 0:
            return frozenset(found)
        start = batch[-1].seq + 1
