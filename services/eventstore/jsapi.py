"""The JetStream API calls the event store needs, spoken directly.

nats-py 2.16 has no atomic batch publisher and no batched Direct Get, and its ``publish_async``
never resolves an API error; so the store speaks the JetStream API itself over the core client:
request/reply with the documented JSON bodies, error codes read from the replies.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import msgspec
import nats.errors

from schemas import envelope

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nats.aio.client import Client
    from nats.aio.msg import Msg

# JetStream error codes the store reacts to (nats-server errors.json).
WRONG_LAST_SEQUENCE: Final = 10071
STREAM_NOT_FOUND: Final = 10059
NO_MESSAGE_FOUND: Final = 10037
BATCH_DUPLICATE_MSG_ID: Final = 10201
BATCH_TOO_LARGE: Final = 10199
BATCH_INCOMPLETE: Final = 10176
"""The server never got the whole batch (a connection lost between its messages, a server that
restarted meanwhile): nothing of it was stored, so it is sent again whole, under a new batch id."""
MAXIMUM_MESSAGES_EXCEEDED: Final = 10077

_STATUS: Final = "Status"
_NUM_PENDING: Final = "Nats-Num-Pending"


class ApiError(Exception):
    """A JetStream API reply that carries an error."""

    def __init__(self, code: int, err_code: int, description: str) -> None:
        super().__init__(f"JetStream API error {code}/{err_code}: {description}")
        self.code = code
        self.err_code = err_code
        self.description = description

    @property
    def transient(self) -> bool:
        """Unavailable for now (a leader election, JetStream still starting), or a batch cut in
        two by a lost connection: worth retrying."""
        return self.code in (503, 408) or self.err_code == BATCH_INCOMPLETE


TRANSPORT_ERRORS: Final = (nats.errors.Error, asyncio.TimeoutError, OSError)
"""Failures after which a request's outcome is unknown: it may or may not have been processed."""


class _ErrorBody(msgspec.Struct):
    code: int = 0
    err_code: int = 0
    description: str = ""


class _PubAck(msgspec.Struct):
    stream: str = ""
    seq: int = 0
    duplicate: bool = False
    count: int = 0
    error: _ErrorBody | None = None


_decode_pub_ack = msgspec.json.Decoder(_PubAck).decode


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message as read back from the stream."""

    subject: str
    seq: int
    headers: dict[str, str]
    data: bytes


def _raise_if_error(ack: _PubAck) -> None:
    if ack.error is not None:
        raise ApiError(ack.error.code, ack.error.err_code, ack.error.description)


async def api_request(
    nc: Client, subject: str, body: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """A JetStream API request with a JSON body; raises ApiError on an error reply."""
    reply = await nc.request(subject, json.dumps(body).encode(), timeout=timeout)
    decoded: dict[str, Any] = json.loads(reply.data)
    error = decoded.get("error")
    if error:
        raise ApiError(
            int(error.get("code", 0)),
            int(error.get("err_code", 0)),
            str(error.get("description", "")),
        )
    return decoded


async def publish(
    nc: Client, subject: str, data: bytes, headers: dict[str, str], timeout: float
) -> int:
    """Publish one message and wait for the stream's acknowledgement; returns its sequence."""
    return (await publish_ack(nc, subject, data, headers, timeout))[0]


async def publish_ack(
    nc: Client, subject: str, data: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, bool]:
    """Like ``publish``, and whether the stream had the ``Nats-Msg-Id`` already (then the
    sequence is that earlier message's, which may be another subject's)."""
    reply = await nc.request(subject, data, timeout=timeout, headers=headers)
    ack = _decode_pub_ack(reply.data)
    _raise_if_error(ack)
    return ack.seq, ack.duplicate


async def publish_atomic(
    nc: Client, messages: Sequence[tuple[str, bytes, dict[str, str]]], timeout: float
) -> int:
    """Publish messages as one atomic batch (ADR-50); returns the sequence of the last one.

    The stream stores all of them, at contiguous sequences, or none. The first message is sent as a
    request so that an early refusal (a stale expectation) comes back at once; the middle ones are
    plain publishes; the commit message's reply is the acknowledgement of the whole batch.
    """
    batch_id = uuid.uuid4().hex
    last = len(messages)
    for number, (subject, data, headers) in enumerate(messages, start=1):
        batch_headers = {
            **headers,
            envelope.BATCH_ID: batch_id,
            envelope.BATCH_SEQUENCE: str(number),
        }
        if number == last:
            batch_headers[envelope.BATCH_COMMIT] = "1"
            reply = await nc.request(subject, data, timeout=timeout, headers=batch_headers)
            ack = _decode_pub_ack(reply.data)
            _raise_if_error(ack)
            return ack.seq
        if number == 1:
            reply = await nc.request(subject, data, timeout=timeout, headers=batch_headers)
            if reply.data:
                _raise_if_error(_decode_pub_ack(reply.data))
        else:
            await nc.publish(subject, data, headers=batch_headers)
    raise ValueError("publish_atomic needs at least one message")


async def direct_get_batch(
    nc: Client,
    stream: str,
    *,
    start_seq: int,
    batch: int,
    subject: str | None = None,
    timeout: float,
) -> tuple[list[StoredMessage], int]:
    """Up to ``batch`` messages from ``start_seq`` on (only ``subject``'s when given).

    Returns the messages and how many more matching messages the stream holds after them. The
    replies are collected by a callback and awaited once (not one timed wait per message, which
    costs a task and a turn of the event loop each); ``timeout`` bounds the wait for each next
    message. A connection that reads often keeps one reply subscription for all its reads
    (``DirectGets``).
    """
    gathering = _Gathering(batch)
    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox, cb=gathering.take)
    try:
        await nc.publish(*_direct_request(stream, start_seq, batch, subject), reply=inbox)
        return await gathering.whole(timeout)
    finally:
        await sub.unsubscribe()


class DirectGets:
    """Batched Direct Gets of one connection over one reply subscription.

    ``direct_get_batch`` subscribes an inbox per request and unsubscribes it after: three
    protocol operations and a subscription's bookkeeping for every read. Here one wildcard inbox
    serves every request of the connection, each under a token of its own, so a read is one
    publish. nats-py subscribes the inbox again after a reconnect; a request that loses its
    answers meanwhile times out like any request.
    """

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._prefix = ""
        self._subscribing: asyncio.Task[None] | None = None
        self._waiting: dict[str, _Gathering] = {}
        self._tokens = 0

    async def batch(
        self,
        stream: str,
        *,
        start_seq: int,
        batch: int,
        subject: str | None = None,
        timeout: float,
    ) -> tuple[list[StoredMessage], int]:
        """As ``direct_get_batch``."""
        if self._subscribing is None or _failed(self._subscribing):
            self._subscribing = asyncio.ensure_future(self._subscribe())
        await asyncio.shield(self._subscribing)
        self._tokens += 1
        token = str(self._tokens)
        gathering = _Gathering(batch)
        self._waiting[token] = gathering
        try:
            request = _direct_request(stream, start_seq, batch, subject)
            await self._nc.publish(*request, reply=f"{self._prefix}.{token}")
            return await gathering.whole(timeout)
        finally:
            del self._waiting[token]

    async def _subscribe(self) -> None:
        prefix = self._nc.new_inbox()
        await self._nc.subscribe(prefix + ".*", cb=self._route)
        self._prefix = prefix

    async def _route(self, msg: Msg) -> None:
        gathering = self._waiting.get(msg.subject.rpartition(".")[2])
        if gathering is not None:
            await gathering.take(msg)


def _direct_request(
    stream: str, start_seq: int, batch: int, subject: str | None
) -> tuple[str, bytes]:
    request: dict[str, Any] = {"seq": max(start_seq, 1), "batch": batch}
    if subject is not None:
        request["next_by_subj"] = subject
    return f"$JS.API.DIRECT.GET.{stream}", json.dumps(request).encode()


def _failed(task: asyncio.Task[None]) -> bool:
    """A subscription attempt that will never succeed: the next request tries again."""
    return task.done() and (task.cancelled() or task.exception() is not None)


class _Gathering:
    """The messages of one batch as they come; ``done`` when the batch is whole."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.messages: list[StoredMessage] = []
        self.done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def take(self, msg: Msg) -> None:
        if self.done.done():
            return
        headers = msg.headers or {}
        status = headers.get(_STATUS)
        try:
            if status is not None:
                self.done.set_result(_pending_after(status, headers))
                return
            self.messages.append(_from_direct(msg, headers))
            if len(self.messages) == self.limit:
                self.done.set_result(int(headers.get(_NUM_PENDING, "0")))
        except ApiError as error:
            self.done.set_exception(error)

    async def whole(self, timeout: float) -> tuple[list[StoredMessage], int]:
        """The batch and how many more follow it; ``timeout`` bounds the wait for each next
        message, so a long batch that keeps coming is not cut short."""
        while True:
            seen = len(self.messages)
            try:
                return self.messages, await asyncio.wait_for(asyncio.shield(self.done), timeout)
            except TimeoutError:
                if len(self.messages) == seen:
                    raise


def _pending_after(status: str, headers: dict[str, str]) -> int:
    if status == "204":  # end of batch
        return int(headers.get(_NUM_PENDING, "0"))
    if status == "404":  # nothing at or after the start
        return 0
    raise ApiError(int(status), 0, str(headers.get("Description", "direct get failed")))


def _from_direct(msg: Msg, headers: dict[str, str]) -> StoredMessage:
    return StoredMessage(
        subject=headers["Nats-Subject"],
        seq=int(headers["Nats-Sequence"]),
        headers=headers,
        data=msg.data,
    )


async def leader_get(
    nc: Client, stream: str, request: dict[str, Any], timeout: float
) -> StoredMessage | None:
    """One message read from the stream leader (read-after-write consistent, unlike Direct Get).

    ``request`` is ``{"last_by_subj": subject}`` or ``{"seq": n, "next_by_subj": subject}``.
    Returns None when there is no such message.
    """
    try:
        reply = await api_request(nc, f"$JS.API.STREAM.MSG.GET.{stream}", request, timeout)
    except ApiError as error:
        if error.err_code == NO_MESSAGE_FOUND:
            return None
        raise
    message = reply["message"]
    raw_headers = base64.b64decode(message["hdrs"]) if message.get("hdrs") else b""
    return StoredMessage(
        subject=message["subject"],
        seq=int(message["seq"]),
        headers=parse_header_block(raw_headers),
        data=base64.b64decode(message.get("data") or ""),
    )


def parse_header_block(raw: bytes) -> dict[str, str]:
    """Headers from their wire form (``NATS/1.0\\r\\nName: value\\r\\n...\\r\\n\\r\\n``)."""
    headers: dict[str, str] = {}
    for line in raw.decode().split("\r\n")[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return headers
