"""``tally schemas export [--check]``: the JSON Schemas generated from the msgspec types.

Written to ``schemas/jsonschema/`` and committed, so a change to a wire type shows up as a diff in
review; ``--check`` (run in CI) fails when the committed files are not what the types generate.

* ``election-definition.v1.json``: the definition file of ``tally election load``;
* ``commands.v1.json``: the command service's requests and answers (``schemas.catalog``);
* ``validation-request.v1.json``: what ``tally protocol validate`` reads;
* ``apportion-request.v1.json``: what ``tally results apportion`` reads;
* ``events.v1.json``: the payload of every stored event type, under its tag;
* ``asyncapi.v1.json``: the command service's AsyncAPI document, as FastStream generates it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import msgspec

from schemas import catalog
from schemas.definition import ElectionDefinition
from schemas.events import BY_TAG
from schemas.results import ApportionRequest
from schemas.validation import ValidationRequest
from services.commands.service import asyncapi_json

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "jsonschema"
COMMANDS = tuple(
    dict.fromkeys(kind for row in catalog.COMMANDS for kind in (row.request, row.reply))
)
"""Every request type of the command service and every answer, in the catalogue's order."""


def generated() -> dict[str, str]:
    """File name -> content of every schema the types generate."""
    return {
        "election-definition.v1.json": _dump(
            _titled(ElectionDefinition, "Tally election definition file, format v1")
        ),
        "commands.v1.json": _dump(
            _union_schema(COMMANDS, "Tally commands, queries and their answers")
        ),
        "validation-request.v1.json": _dump(
            _titled(ValidationRequest, "tally protocol validate: a protocol with its context")
        ),
        "apportion-request.v1.json": _dump(
            _titled(ApportionRequest, "tally results apportion: votes and seats per district")
        ),
        "events.v1.json": _dump(_events_schema()),
        "asyncapi.v1.json": _dump(json.loads(asyncapi_json())),
    }


def _titled(kind: Any, title: str) -> dict[str, Any]:
    schema = msgspec.json.schema(kind)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def _union_schema(kinds: tuple[Any, ...], title: str) -> dict[str, Any]:
    refs, components = msgspec.json.schema_components(kinds)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "properties": {kind.__name__: ref for kind, ref in zip(kinds, refs, strict=True)},
        "$defs": components,
    }


def _events_schema() -> dict[str, Any]:
    payloads = dict(sorted(BY_TAG.items()))
    refs, components = msgspec.json.schema_components(list(payloads.values()))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tally stored event payloads (the 'data' member), by event type tag",
        "properties": dict(zip(payloads, refs, strict=True)),
        "$defs": components,
    }


def _dump(schema: dict[str, Any]) -> str:
    normalised = _normalised_descriptions(schema)
    return json.dumps(normalised, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# Values under these keys are data (a default, an example), not schemas: left as they are.
_DATA_KEYS = frozenset({"default", "examples", "enum", "const"})


def _normalised_descriptions(node: Any) -> Any:
    """Descriptions as prose: paragraphs kept, every run of white space inside one made a space.

    They come from docstrings, whose line wrapping and indentation are source-code layout that
    msgspec releases treat differently (0.23 strips the indentation 0.22 kept); normalising them
    here means a library upgrade changes a committed schema only when a contract changes.
    """
    if isinstance(node, list):
        return [_normalised_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    normalised: dict[str, Any] = {}
    for key, value in node.items():
        if key == "description" and isinstance(value, str):
            normalised[key] = _prose(value)
        elif key in _DATA_KEYS:
            normalised[key] = value
        else:
            normalised[key] = _normalised_descriptions(value)
    return normalised


def _prose(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def export_command(*, check: bool, directory: Path | None = None) -> int:
    target = directory or SCHEMA_DIR
    stale = []
    for name, content in generated().items():
        path = target / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(name)
        if not check:
            target.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "out of date" if check else "written"
    for name in stale:
        sys.stdout.write(f"{target / name}: {verb}\n")
    if check and stale:
        sys.stdout.write("run `tally schemas export` and commit the result\n")
        return 1
    return 0
