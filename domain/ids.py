"""The identity contract, version 1: every aggregate's id is a UUIDv5 of a key string.

Any client computes an id from natural keys without a lookup: ``uuid5(NAMESPACE_V1, key)`` where
the key is one of the strings below (fields joined by ``/``; no field can contain ``/``):

============  ==========================================================================
aggregate     key
============  ==========================================================================
election      ``election/<election>``
unit (gmina)  ``unit/<election>/<teryt>``
contest       ``contest/<election>/<contest>``
protocol      ``protocol/<election>/<teryt>/<precinct>/<contest>/<district>/<round>``
turnout       ``turnout/<election>/<teryt>/<precinct>/<round>``
result        ``result/<election>/<contest>/<round>``
account       ``account/<login>`` (accounts stream; logins are lower case)
============  ==========================================================================

``<contest>`` is ``<kind>:<area>`` (``council:021501``, ``mayor:021501``, ``president:PL``,
``senate:PL``); ``<district>`` is the district number, ``0`` for contests without districts;
``<precinct>`` and ``<round>`` are decimal numbers without leading zeros.

Ids are forever: a stored event names its aggregate by id. A change to any key string or to the
namespace is a new contract version (``NAMESPACE_V2``...), never an edit of this one.
"""

from __future__ import annotations

import functools
import uuid
from typing import Final

from schemas.definition import NATIONAL_AREA

NAMESPACE_V1: Final = uuid.UUID("c970369a-d081-59b5-8651-1de17b3bc053")
"""``uuid5(NAMESPACE_URL, "urn:tally:identity:v1")``."""

NO_DISTRICT: Final = 0


def contest_key(kind: str, area: str = NATIONAL_AREA) -> str:
    return f"{kind}:{area}"


def election_id(election: str) -> uuid.UUID:
    return _id("election", election)


def unit_id(election: str, teryt: str) -> uuid.UUID:
    return _id("unit", election, teryt)


def contest_id(election: str, contest: str) -> uuid.UUID:
    return _id("contest", election, contest)


def protocol_id(
    election: str, teryt: str, precinct: int, contest: str, district: int, round_number: int
) -> uuid.UUID:
    return _id("protocol", election, teryt, precinct, contest, district, round_number)


def turnout_id(election: str, teryt: str, precinct: int, round_number: int) -> uuid.UUID:
    return _id("turnout", election, teryt, precinct, round_number)


def result_id(election: str, contest: str, round_number: int) -> uuid.UUID:
    return _id("result", election, contest, round_number)


def verification_id(run: str) -> uuid.UUID:
    return _id("verification", run)


def checkpoints_id() -> uuid.UUID:
    """The one aggregate whose events are the log's signed checkpoints."""
    return _id("audit", "checkpoints")


def account_id(login: str) -> uuid.UUID:
    return _id("account", login)


def key_string(kind: str, *fields: str | int) -> str:
    parts = [kind, *(str(field) for field in fields)]
    for part in parts:
        if not part or "/" in part:
            raise ValueError(f"identity key field {part!r} must be non-empty and contain no '/'")
    return "/".join(parts)


@functools.lru_cache(maxsize=1 << 16)
def _id(kind: str, *fields: str | int) -> uuid.UUID:
    # A command derives the ids of its protocol, its siblings and its definitions; the same few
    # hundred thousand keys come back all night, and SHA-1 in uuid5 is not free.
    return uuid.uuid5(NAMESPACE_V1, key_string(kind, *fields))
