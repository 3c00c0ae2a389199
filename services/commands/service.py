"""The command service: a FastStream app answering commands on NATS (request/reply).

Every command subject (``schemas.subjects``) is subscribed in one queue group, so any number of
instances share the load. A request is decoded strictly, run through the domain and appended
through the event store; the reply is an ``Outcome``. Domain refusals are answers; an unexpected
failure is logged with its context and answered as ``failed``: a caller never hangs.

FastStream is used only for core NATS request/reply here, never to declare or consume streams, so
its unsafe JetStream defaults (rewriting stream configs, terminating failed messages, running a
pulled batch out of order) do not apply; the store manages its streams itself.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog
from faststream import FastStream, Response
from faststream.nats import NatsBroker, NatsMessage
from faststream.security import SASLPlaintext
from faststream.specification import AsyncAPI

from domain.authorization import refusal
from domain.clock import Clock, SystemClock
from domain.decoding import DecodeError, decode_json
from schemas import envelope, subjects
from schemas.catalog import PAPER, RESULTS, Endpoint, Kind, Service, endpoint_for, subjects_of
from schemas.commands import Outcome
from schemas.envelope import CommandContext
from schemas.problems import Problem
from schemas.replies import Reply
from schemas.validation import ProtocolKey
from services.apps.actors import account_actor
from services.apps.paper_desk import PaperDesk
from services.apps.protocol_desk import ProtocolDesk
from services.apps.replays import request_hash
from services.apps.result_inputs import ResultInputs, views_over
from services.apps.results_desk import ResultsDesk
from services.eventstore.eventlog import EventLog
from services.eventstore.jetstream_port import JetStreamPort
from services.eventstore.mapper import tagged_mapper
from services.eventstore.settings import DEFAULT_NATS_URL
from services.eventstore.streams import ensure_stream, events_stream_config

if TYPE_CHECKING:
    from nats.aio.client import Client

    from services.commands.accounts.service import AuthService
    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("commands")

DEFAULT_WORKERS: Final = 32


def context_of(headers: dict[str, str]) -> CommandContext:
    """Who asks, as the gateway (or another trusted client on the service network) says."""
    return CommandContext(
        actor=headers.get(envelope.ACTOR, "anonymous"),
        role=headers.get(envelope.ROLE, "anonymous"),
        channel=headers.get(envelope.CHANNEL, "online"),
        correlation_id=headers.get(envelope.CORRELATION_ID) or str(uuid.uuid4()),
        idempotency_key=headers.get(subjects.IDEMPOTENCY_KEY, ""),
    )


class CommandService:
    """The protocols application and the accounts service, answering on one NATS connection
    (the broker's); the applications' recorders share the process's store connection
    (``services.eventstore.links``)."""

    def __init__(
        self,
        settings: StoreSettings,
        *,
        auth: AuthService,
        workers: int = DEFAULT_WORKERS,
        clock: Clock | None = None,
    ) -> None:
        """``workers``: requests handled at once. A command spends most of its time waiting for
        the store's fsynced acknowledgements, so many run side by side; commands on one protocol
        are still serialised by the store's per-subject optimistic concurrency, not by this."""
        self.settings = settings
        self.clock = clock or SystemClock()
        self.workers = workers
        self.auth = auth
        self._desk: ProtocolDesk | None = None
        self._results: ResultsDesk | None = None
        self._paper: PaperDesk | None = None

    @property
    def desk(self) -> ProtocolDesk:
        if self._desk is None:
            raise RuntimeError("the command service has not started")
        return self._desk

    @property
    def results(self) -> ResultsDesk:
        if self._results is None:
            raise RuntimeError("the command service has not started")
        return self._results

    @property
    def paper(self) -> PaperDesk:
        if self._paper is None:
            raise RuntimeError("the command service has not started")
        return self._paper

    async def start(self, nc: Client) -> None:
        """Protocol commands run on the broker's loop and connection, from the request to the
        store's acknowledgement (``services.apps.protocol_desk``); the accounts service blocks
        on password hashing and its store, in worker threads: the default pool of cpu + 4
        threads is too few for requests that mostly wait."""
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(self.workers, thread_name_prefix="commands")
        )
        settings = self.settings
        log_ = EventLog(nc, stream=settings.stream, subject_prefix=settings.layout.events_prefix,
                        clock=self.clock, request_timeout_s=settings.request_timeout_s,
                        append_timeout_s=settings.append_timeout_s)  # fmt: skip
        declared = events_stream_config(settings.layout, replicas=settings.replicas,
                                        duplicate_window_s=settings.duplicate_window_s)  # fmt: skip
        await ensure_stream(nc, declared, create=False, timeout=settings.request_timeout_s)
        port = JetStreamPort(log_, uuid_ids=settings.originator_id_type == "uuid")
        self._desk = ProtocolDesk(port, tagged_mapper(), self.clock)
        inputs = ResultInputs(views_over(nc, settings.request_timeout_s))
        self._results = ResultsDesk(port, tagged_mapper(), self._desk.definitions, inputs)
        self._paper = PaperDesk(self._desk, self._results, self.clock)
        await self.auth.start(nc)

    async def stop(self) -> None:
        await self.auth.stop()

    async def answer(self, subject: str, body: bytes, headers: dict[str, str]) -> Reply:
        """The reply to one request; never raises."""
        started = time.perf_counter()
        context = context_of(headers)
        try:
            reply = await self._answer(subject, body, context, headers)
        except Exception:
            log.exception("commands.failed", subject=subject, correlation_id=context.correlation_id)
            reply = _outcome(Outcome(status="failed"))
        log.info(
            "commands.answered",
            subject=subject,
            correlation_id=context.correlation_id,
            actor=context.actor,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return reply

    async def _answer(
        self, subject: str, body: bytes, context: CommandContext, headers: dict[str, str]
    ) -> Reply:
        endpoint = endpoint_for(subject, context.channel)
        try:
            request = decode_json(body, endpoint.request)
        except DecodeError as error:
            return _outcome(Outcome(status="invalid", problems=tuple(error.problems)))
        forbidden = await self._forbidden(endpoint, request, context, headers)
        if forbidden is not None:
            return _outcome(forbidden)
        if endpoint.kind is Kind.QUERY:
            return await self._query(endpoint, request)
        if context.idempotency_key:
            # Under a key the command's events carry the request's hash: a retry is answered
            # from them, the key with another request is a conflict (``services.apps.replays``).
            fingerprint = request_hash(endpoint.subject, msgspec.json.encode(request))
            context = msgspec.structs.replace(context, request_hash=fingerprint)
        if endpoint.desk == RESULTS:
            return _outcome(await getattr(self.results, endpoint.handler)(request, context))
        return _outcome(await self.desk.handle(request, context))

    async def _query(self, endpoint: Endpoint, request: Any) -> Reply:
        owner = {RESULTS: self.results, PAPER: self.paper}.get(endpoint.desk, self.desk)
        answer = await getattr(owner, endpoint.handler)(request)
        if answer is None:
            return _outcome(Outcome(status="not-found"))
        if isinstance(answer, Outcome):
            return _outcome(answer)
        return Reply(msgspec.json.encode(answer), "ok")

    async def _forbidden(
        self, endpoint: Endpoint, request: Any, context: CommandContext, headers: dict[str, str]
    ) -> Outcome | None:
        """The place is checked here, on the command as decoded for execution, so no other
        reading of the body can disagree with the one that runs: an operator acts only for
        their own precincts, a coordinator only in their gmina (``domain.authorization``). The
        permission is the catalogue row's: a proxy entry needs the proxy permission."""
        actor = account_actor(headers)
        permission = endpoint.permission
        if permission is None:
            return None  # a public row: it answers what anyone may read (the public screen)
        key = request if isinstance(request, ProtocolKey) else request.key
        reason = (
            "commands are taken from logged-in accounts only"
            if actor is None
            else refusal(actor, permission, key.teryt, getattr(key, "precinct", None))
        )
        if reason is None:
            return None
        login = actor.login if actor is not None else context.actor
        await self.auth.record_access_denied(
            login, reason, headers.get(subjects.CLIENT_ADDRESS, "unknown"),
            f"{endpoint.subject} {key}",
        )  # fmt: skip
        log.info("commands.forbidden", subject=endpoint.subject, actor=context.actor,
                 reason=reason)  # fmt: skip
        return Outcome(
            status="forbidden",
            problems=(Problem(path="$.key", rule="auth.forbidden", message=reason),),
        )


def _outcome(outcome: Outcome) -> Reply:
    return Reply(msgspec.json.encode(outcome), outcome.status)


async def _as_is(message: NatsMessage) -> NatsMessage:
    """The handler takes the message itself: its body is decoded by msgspec there, once, and
    its headers say who asks."""
    return message


Answer = Callable[[str, bytes, dict[str, str]], Awaitable[Reply]]


def build_app(service: CommandService) -> FastStream:
    """The service on its broker: the broker's connection is the accounts service's too."""
    settings = service.settings
    broker = _broker(settings.url, settings.nats_credentials(), service.answer,
                     service.auth.answer, workers=service.workers)  # fmt: skip

    async def start() -> None:
        await service.start(await broker.connect())

    return FastStream(
        broker,
        logger=None,
        specification=_specification(broker),
        on_startup=[start],
        on_shutdown=[service.stop],
    )


def asyncapi_json(url: str = DEFAULT_NATS_URL) -> str:
    """The AsyncAPI document of the command service (published; nothing connects)."""

    async def unused(subject: str, body: bytes, headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    broker = _broker(url, {}, unused, unused)
    document: str = _specification(broker).to_specification().to_json()
    return document


def _specification(broker: NatsBroker) -> AsyncAPI:
    return AsyncAPI(
        broker,
        title="Tally command service",
        version="1",
        description="Commands and queries over NATS request/reply, in the queue group "
        f"'{subjects.QUEUE}'. Request and reply types: schemas/jsonschema/commands.v1.json; "
        "every reply is an Outcome (queries: their view) with its status in Tally-Status.",
    )


def _broker(
    url: str, credentials: dict[str, Any], answer: Answer, auth: Answer,
    *, workers: int = DEFAULT_WORKERS,
) -> NatsBroker:  # fmt: skip
    """FastStream takes a user and password as its security object, a creds file as nats-py.
    Like every connection of ours it reconnects for ever: a server away for minutes is waited
    for, not given up on after nats-py's default 60 attempts."""
    options = dict(credentials)
    if "user" in options:
        options["security"] = SASLPlaintext(options.pop("user"), options.pop("password"))
    # No dependency injection (apply_types): a handler takes the raw message and nothing else,
    # and FastStream's per-message argument resolution would cost more than the command itself.
    servers = [server.strip() for server in url.split(",") if server.strip()]  # a cluster's nodes
    broker = NatsBroker(servers, logger=None, name="tally-commands", max_reconnect_attempts=-1,
                        apply_types=False, **options)  # fmt: skip
    for service, responder in ((Service.COMMANDS, answer), (Service.ACCOUNTS, auth)):
        for subject, endpoint in subjects_of(service).items():
            _subscribe(broker, responder, subject, endpoint, workers)
    return broker


def _subscribe(
    broker: NatsBroker, answer: Answer, subject: str, endpoint: Endpoint, workers: int
) -> None:
    async def handle(message: NatsMessage) -> Response:
        reply = await answer(subject, message.body, dict(message.headers))
        return Response(reply.body, headers=reply.headers)

    # The AsyncAPI document reads a message's payload from the handler's annotation: the body
    # is JSON bytes (decoded by the service into the request type its description names).
    handle.__annotations__ = {"message": bytes, "return": Response}

    broker.subscriber(
        subject,
        queue=subjects.QUEUE,
        max_workers=workers,
        decoder=_as_is,
        title=subject,
        description=f"{endpoint.summary}. Request: {endpoint.request.__name__}; reply: "
        f"{endpoint.reply.__name__} (JSON).",
    )(handle)
