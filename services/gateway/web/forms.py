"""A form's fields, named by the JSON paths of the API's commands (``content.valid_votes``,
``content.lists[0].candidates[2].votes``), turned into the command's JSON.

Counts are written as digits; an empty count is left out (the rules then say it is missing); a
count that is not digits is sent as typed, so the command service names the field and the rule.
Fields starting with ``_`` belong to the page (the CSRF token, the form's idempotency key).
"""

from __future__ import annotations

import re
from typing import Any, Final

_PART: Final = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
TEXT_FIELDS: Final = ("explanations", "reason", "notes")
"""Paths under these keep the text as typed (an explanation of "12" stays a text)."""
TEXT_NAMES: Final = ("form", "election", "teryt", "contest", "hour", "control_code")
"""Fields that are texts even when they are digits (a form year, a TERYT code)."""


def nested(form: dict[str, str]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, raw in sorted(form.items(), key=lambda item: _order(item[0])):
        if name.startswith("_"):
            continue
        parts = [m.group(1) if m.group(1) is not None else int(m.group(2))
                 for m in _PART.finditer(name)]  # fmt: skip
        textual = parts[-1] in TEXT_NAMES or any(p in TEXT_FIELDS for p in parts)
        value = _value(raw, textual=textual)
        if value is None:
            continue
        _put(document, parts, value)
    return document


def _order(name: str) -> list[Any]:
    """Array indices in numeric order, so ``[10]`` comes after ``[9]``."""
    return [(0, int(m.group(2))) if m.group(2) else (1, m.group(1)) for m in _PART.finditer(name)]


def _value(raw: str, *, textual: bool) -> Any:
    text = raw.strip()
    if textual:
        return text or None
    if not text:
        return None
    compact = text.replace(" ", "").replace("\u00a0", "")
    return int(compact) if compact.isdigit() else text


def _put(document: dict[str, Any], parts: list[Any], value: Any) -> None:
    here: Any = document
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        if following is None:
            _set(here, part, value)
            return
        child: list[Any] | dict[str, Any] = [] if isinstance(following, int) else {}
        here = _child(here, part, child)


def _child(here: Any, part: Any, empty: Any) -> Any:
    if isinstance(part, int):
        while len(here) <= part:
            here.append(None)
        if here[part] is None:
            here[part] = empty
        return here[part]
    return here.setdefault(part, empty)


def _set(here: Any, part: Any, value: Any) -> None:
    if isinstance(part, int):
        while len(here) <= part:
            here.append(None)
    here[part] = value
