"""Reading a view query to its end: the projector answers in pages (``ViewRows.next``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from schemas.views import ViewQuery, ViewRows

Ask = Callable[[ViewQuery], Awaitable[ViewRows]]
"""One query to the projector's responder, one page back."""


class ViewUnreadableError(Exception):
    """The projector answered with an error, or nobody answered."""


async def every_row(ask: Ask, query: ViewQuery) -> tuple[list[dict[str, Any]], int]:
    """Every page of a query; the position of its first page."""
    page = await ask(query)
    if page.error:
        raise ViewUnreadableError(f"the {query.view} view cannot be read: {page.error}")
    rows, position = list(page.rows), page.position
    while page.next:
        page = await ask(msgspec.structs.replace(query, after=page.next))
        if page.error:
            raise ViewUnreadableError(f"the {query.view} view cannot be read: {page.error}")
        rows += page.rows
    return rows, position
