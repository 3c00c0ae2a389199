"""Stable type tags for stored events and the aggregates that own them.

A stored event names its type by a dotted, versioned tag (``unit.defined.v1``), never by a Python
module path: code can move without touching history. Event tags live on their payload structs
(``schemas.events``): an aggregate tagged here registers each of its event classes under the
tag of the payload its ``data`` holds, so a tag is written once.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Final, TypeVar

T = TypeVar("T", bound=type)

TAG_PATTERN: Final = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.v[1-9][0-9]*)?$")

_classes: dict[str, type] = {}
_tags: dict[type, str] = {}


class UnknownTagError(LookupError):
    pass


def tag(name: str) -> _Tagger:
    """Class decorator registering ``name`` as the stable tag of an event or aggregate class."""
    if not TAG_PATTERN.match(name):
        raise ValueError(f"tag {name!r} is not dotted lowercase words with an optional .vN")
    return _Tagger(name)


class _Tagger:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, cls: T) -> T:
        if _classes.get(self.name, cls) is not cls:
            raise ValueError(f"tag {self.name!r} is already used by {_classes[self.name]!r}")
        _register(self.name, cls)
        # The aggregate's event classes (eventsourcing's metaclass has made them its own by now)
        # take the tag of their payload.
        for nested in vars(cls).values():
            payload = _payload_of(nested)
            if payload is not None:
                if _classes.get(payload.TAG, nested) is not nested:
                    raise ValueError(f"tag {payload.TAG!r} is already used")
                _register(payload.TAG, nested)
        return cls


def _payload_of(nested: object) -> Any:
    """The payload type of an event class (its ``data`` annotation, with a ``TAG``), or None."""
    if not isinstance(nested, type):
        return None
    declaring = next((c for c in nested.__mro__ if "data" in vars(c).get("__annotations__", {})),
                     None)  # fmt: skip
    if declaring is None:
        return None
    module = sys.modules[declaring.__module__]
    payload = eval(declaring.__annotations__["data"], vars(module))  # noqa: S307 - our own annotation
    return payload if hasattr(payload, "TAG") else None


def _register(name: str, cls: type) -> None:
    _classes[name] = cls
    _tags[cls] = name


def tag_of(cls: type) -> str:
    try:
        return _tags[cls]
    except KeyError:
        raise UnknownTagError(f"{cls.__qualname__} has no stable tag (domain.tags.tag)") from None


def class_of(name: str) -> type:
    try:
        return _classes[name]
    except KeyError:
        raise UnknownTagError(f"no class is tagged {name!r}") from None


def registered() -> dict[str, type]:
    return dict(_classes)
