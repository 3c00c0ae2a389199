"""Why an input was refused: every problem names where it is, which rule it breaks and why."""

from __future__ import annotations

import msgspec


class Problem(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """One thing wrong with an input. ``path`` is a JSON path into the input (``$.units[2].teryt``);
    ``rule`` is a stable code (``definition.precinct.duplicate``); ``message`` says it in words."""

    path: str
    rule: str
    message: str


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    """An input refused as a whole; nothing of it was recorded."""

    problems: tuple[Problem, ...]
