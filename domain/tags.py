"""Stable type tags for stored events and the aggregates that own them.

A stored event names its type by a dotted, versioned tag (``unit.defined.v1``), never by a Python
module path: code can move without touching history. A changed payload gets a new tag (``.v2``)
next to the old one, so old events keep decoding as what they were.
"""

from __future__ import annotations

import re
from typing import Final, TypeVar

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
        # eventsourcing's aggregate metaclass replaces each nested event class with a subclass
        # of it; the tag belongs to the class the aggregate actually uses.
        for nested in vars(cls).values():
            if isinstance(nested, type) and nested not in _tags:
                inherited = next((_tags[base] for base in nested.__mro__ if base in _tags), None)
                if inherited is not None and issubclass(nested, _classes[inherited]):
                    _register(inherited, nested)
        return cls


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
