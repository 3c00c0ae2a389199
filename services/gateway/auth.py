"""The one authorization hook every endpoint passes through (an app-level guard: no route can
opt out). Until accounts exist it lets everyone in as ``anonymous``; routes marked
``opt={"public": True}`` (health, API documents) stay open for good."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

ANONYMOUS = "anonymous"


def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    """Decide whether ``connection`` may use ``handler``; raise ``NotAuthorizedException`` if not.

    Records who is asking in ``connection.state`` for the command headers.
    """
    connection.state.actor = ANONYMOUS
    connection.state.role = ANONYMOUS
    _ = handler.opt.get("public", False)
