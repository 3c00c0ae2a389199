"""The API's documents, served without anything from outside: the OpenAPI document at
``/v1/schema/openapi.json`` and a plain page listing every operation at ``/v1/schema``.

Command routes forward their bodies untouched (the command service decodes them), so Litestar
cannot see their types; each route names them in ``opt`` (``body``, ``reply``) and the document
gets their request bodies and answers from msgspec's own JSON Schemas of those types.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Final

import msgspec
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.routes import HTTPRoute

if TYPE_CHECKING:
    from litestar import Litestar, Request

COMPONENTS: Final = "#/components/schemas/{name}"


def documented(app: Litestar, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the request bodies and answers of the routes that name their types."""
    typed: list[tuple[str, str, Any, Any]] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            body, reply = handler.opt.get("body"), handler.opt.get("reply")
            if body is None and reply is None:
                continue
            typed.extend((route.path_format, str(getattr(verb, "value", verb)).lower(), body, reply)
                         for verb in handler.http_methods)  # fmt: skip
    kinds = sorted({k for _, _, body, reply in typed for k in (body, reply) if k is not None},
                   key=lambda kind: kind.__name__)  # fmt: skip
    refs, components = msgspec.json.schema_components(kinds, ref_template=COMPONENTS)
    ref_of = dict(zip(kinds, refs, strict=True))
    schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
    for path, verb, body, reply in typed:
        operation = schema.get("paths", {}).get(path, {}).get(verb)
        if operation is None:
            continue
        if body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref_of[body]}},
            }
        if reply is not None:
            operation.setdefault("responses", {})["200"] = {
                "description": "Accepted, or the query's answer",
                "content": {"application/json": {"schema": ref_of[reply]}},
            }
    return schema


class DocumentJson(JsonRenderPlugin):
    """The OpenAPI document, completed once per app with the forwarded routes' types."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        state = request.app.state
        if getattr(state, "openapi_document", None) is None:
            state.openapi_document = documented(request.app, openapi_schema)
        return self.render_json(request, state.openapi_document)


class OperationsPage(OpenAPIRenderPlugin):
    """Every operation in one plain page: method, path, summary, what it takes and returns."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:  # noqa: ARG002 - the page is the same for everyone
        rows = []
        for path, operations in sorted(openapi_schema.get("paths", {}).items()):
            for method, operation in operations.items():
                rows.append(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>".format(
                        html.escape(method.upper()),
                        html.escape(path),
                        html.escape(operation.get("summary", "")),
                    )
                )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(openapi_schema['info']['title'])}</title></head><body>"
            f"<h1>{html.escape(openapi_schema['info']['title'])}</h1>"
            f"<p>{html.escape(openapi_schema['info'].get('description', ''))}</p>"
            '<p>The OpenAPI document: <a href="/v1/schema/openapi.json">openapi.json</a>; the '
            'command service\'s AsyncAPI document: <a href="/v1/asyncapi.json">asyncapi.json</a>.'
            "</p><table><thead><tr><th>method</th><th>path</th><th>what it does</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></body></html>"
        )
        return page.encode()
