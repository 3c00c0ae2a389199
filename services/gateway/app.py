"""The gateway's ASGI app: routes, the authorization hook, limits, errors, API documents."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final

import structlog
from litestar import Litestar, MediaType, Request, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.openapi import OpenAPIConfig
from litestar.template.config import TemplateConfig

from domain.authorization import STEP_UP_WINDOW
from domain.clock import SystemClock
from services.apps.board_reader import BoardReader
from services.gateway.auth import authorize
from services.gateway.documents import DocumentJson, OperationsPage
from services.gateway.headers import security_headers
from services.gateway.limits import inflight_limit
from services.gateway.responses import EXCEPTION_HANDLERS
from services.gateway.routes import ROUTES
from services.gateway.view_routes import VIEW_ROUTES
from services.gateway.web.alert_pages import ALERT_PAGES
from services.gateway.web.audit_pages import AUDIT_PAGES
from services.gateway.web.board_pages import BOARD_PAGES
from services.gateway.web.board_view import Fragments
from services.gateway.web.live import BoardFeeds
from services.gateway.web.operator_pages import OPERATOR_PAGES
from services.gateway.web.pages import PAGES, TEMPLATES
from services.gateway.web.paper_pages import PAPER_PAGES
from services.gateway.web.public_pages import PUBLIC_PAGES
from services.gateway.web.public_screen import PublicScreens
from services.gateway.web.result_pages import RESULT_PAGES

if TYPE_CHECKING:
    import datetime as dt

    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from services.gateway.bus import CommandBus
    from services.gateway.clients import Network

log = structlog.get_logger("gateway")

OPENAPI_PATH: Final = "/v1/schema"
"""The OpenAPI document is served at ``/v1/schema/openapi.json``, a page of every operation at
``/v1/schema`` (both made here: nothing is loaded from outside)."""
MAX_BODY_BYTES: Final = 1_000_000
MAX_INFLIGHT: Final = 256


@get("/v1/asyncapi.json", opt={"public": True}, media_type=MediaType.JSON,
     summary="The command service's AsyncAPI document")  # fmt: skip
async def asyncapi(request: Request[Any, Any, Any]) -> dict[str, Any]:
    document: dict[str, Any] = request.app.state.asyncapi
    return document


def create_app(  # noqa: PLR0913 - the gateway's settings, each its own
    bus: CommandBus,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_inflight: int = MAX_INFLIGHT,
    trusted_proxies: tuple[Network, ...] = (),
    step_up: dt.timedelta = STEP_UP_WINDOW,
    asyncapi_document: dict[str, Any] | None = None,
    first_run: str = "",
    public_url: str = "",
) -> Litestar:
    """``step_up``: how fresh a TOTP proof the vouching commands need (``TALLY_STEP_UP_S``);
    ``asyncapi_document``: the command service's AsyncAPI document to publish (the composition
    root passes it; the gateway knows the command service only through NATS); ``public_url``:
    the base of the links printed on paper (``TALLY_PUBLIC_URL``)."""
    feeds = BoardFeeds(BoardReader(bus.views), SystemClock(), Fragments(TEMPLATES).update)

    async def start_feeds() -> None:
        await feeds.start(bus)

    app = Litestar(
        route_handlers=[
            *ROUTES,
            *VIEW_ROUTES,
            asyncapi,
            *PAGES,
            *BOARD_PAGES,
            *ALERT_PAGES,
            *AUDIT_PAGES,
            *RESULT_PAGES,
            *OPERATOR_PAGES,
            *PUBLIC_PAGES,
            *PAPER_PAGES,
        ],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        guards=[authorize],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers, inflight_limit(max_inflight), _access_log],
        request_max_body_size=max_body_bytes,
        on_startup=[bus.start, start_feeds],
        on_shutdown=[feeds.stop, bus.stop],
        openapi_config=OpenAPIConfig(
            title="Tally API",
            version="1",
            description="Precinct protocols and turnout reports for precinct clients and "
            "coordinators. Errors are Outcome documents naming the field and the rule.",
            path=OPENAPI_PATH,
            render_plugins=[OperationsPage(), DocumentJson()],
        ),
        logging_config=None,
    )
    app.state.bus = bus
    app.state.trusted_proxies = trusted_proxies
    app.state.step_up = step_up
    app.state.asyncapi = asyncapi_document or {}
    app.state.first_run = first_run
    app.state.public_url = public_url
    app.state.feeds = feeds
    app.state.public_screens = PublicScreens()
    return app


def _access_log(app: ASGIApp) -> ASGIApp:
    """One canonical log line per request."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            log.info(
                "gateway.request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )

    return logged
