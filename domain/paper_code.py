"""The code printed on a protocol's draft, contract ``TALLY1``: what a scanner reads off the paper.

Payload: ``TALLY1|<key>|<control code>|<numbers>``, where ``<key>`` is the protocol's key as
the commands take it (``<election>/<teryt>/<precinct>/<contest>/<district>/<round>``, e.g.
``przyklad-2026/302199/2/mayor:302199/0/1``), the control code is the version's
(``domain.controlcode``) and ``<numbers>`` are every number of that version, comma-separated,
in the control code's canonical order (``controlcode.canonical_numbers``). A reader with the
stored version regenerates the same list, so any number typed differently shows by its place.

The QR code carries the payload bare, or as a link ``<base>/scan?c=<payload>`` when the
deployment has a public address (``TALLY_PUBLIC_URL``): a phone camera opens the link, a
handheld scanner types either form into the board's confirmation field. ``read`` takes both.
Opening the link never confirms anything: it shows the comparison to a logged-in coordinator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qs, quote, urlsplit

from domain.controlcode import normalise
from schemas.validation import ProtocolKey

if TYPE_CHECKING:
    from collections.abc import Sequence

PREFIX: Final = "TALLY1"
SCAN_PATH: Final = "/scan"
LINK_PARAMETER: Final = "c"
_SAFE: Final = "|/:,-"
"""Characters left as they are in the link: the payload stays readable when a scanner types it."""
_CODE: Final = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


class PaperCodeError(ValueError):
    """What was scanned is not a Tally protocol code; the message names the part and the rule."""


class BadKeyError(PaperCodeError):
    pass


def key_text(key: ProtocolKey) -> str:
    return (f"{key.election}/{key.teryt}/{key.precinct}/{key.contest}/{key.district}/"
            f"{key.round}")  # fmt: skip


def parse_key(text: str) -> ProtocolKey:
    """A protocol's key as the commands take it (an optional ``protocol/`` prefix allowed)."""
    parts = text.removeprefix("protocol/").split("/")
    if len(parts) != 6 or not all(parts):
        raise BadKeyError(
            f"{text!r} is not <election>/<teryt>/<precinct>/<contest>/<district>/<round>"
        )
    election, teryt, precinct, contest, district, round_number = parts
    try:
        numbers = {"precinct": int(precinct), "district": int(district), "round": int(round_number)}
    except ValueError:
        raise BadKeyError(f"{text!r}: precinct, district and round are numbers") from None
    return ProtocolKey(election=election, teryt=teryt, contest=contest, **numbers)


def payload(key: ProtocolKey, code: str, numbers: Sequence[int]) -> str:
    return f"{PREFIX}|{key_text(key)}|{code}|{','.join(str(n) for n in numbers)}"


def link(base: str, text: str) -> str:
    """``text`` (a payload) as a link under ``base``; the bare payload without a base."""
    if not base:
        return text
    return f"{base.rstrip('/')}{SCAN_PATH}?{LINK_PARAMETER}={quote(text, safe=_SAFE)}"


@dataclass(frozen=True)
class Scanned:
    key: ProtocolKey
    control_code: str
    numbers: tuple[int, ...]


def read(scanned: str) -> Scanned:
    """A payload, or a link carrying one, as a scanner typed it (spaces around it ignored)."""
    text = scanned.strip()
    if "?" in text and not text.startswith(PREFIX):
        found = parse_qs(urlsplit(text).query).get(LINK_PARAMETER)
        if not found:
            raise PaperCodeError(f"the link carries no '{LINK_PARAMETER}=' with a protocol code")
        text = found[0].strip()
    parts = text.split("|")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise PaperCodeError(f"a protocol code reads {PREFIX}|<key>|<control code>|<numbers>")
    key = parse_key(parts[1])
    code = normalise(parts[2])
    if not _CODE.match(code):
        raise PaperCodeError(f"control code {parts[2]!r} is not of the form XXXX-XXXX-XXXX")
    try:
        numbers = tuple(int(n) for n in parts[3].split(",")) if parts[3] else ()
    except ValueError:
        raise PaperCodeError("the numbers are whole numbers separated by commas") from None
    if any(n < 0 for n in numbers):
        raise PaperCodeError("the numbers are never negative")
    return Scanned(key=key, control_code=code, numbers=numbers)


@dataclass(frozen=True)
class StoredVersion:
    version: int
    control_code: str
    numbers: tuple[tuple[str, int], ...]
    """``controlcode.canonical_numbers`` of its content."""


@dataclass(frozen=True)
class Verdict:
    """What the paper is, against the stored versions: ``matches`` (the current version, every
    number the same), ``superseded`` (an earlier version: a later one corrected it) or neither;
    ``differences`` name each number that differs from the current version (name, paper, stored)."""

    version: int | None
    matches: bool
    superseded: bool
    differences: tuple[tuple[str, int | None, int | None], ...]


def verdict(scanned: Scanned, versions: Sequence[StoredVersion]) -> Verdict:
    """The scanned paper against a protocol's stored versions (oldest first, never empty)."""
    current = versions[-1]
    same = next((v for v in versions if v.control_code == scanned.control_code), None)
    against = same or current
    stored = [value for _, value in against.numbers]
    names = [name for name, _ in against.numbers]
    width = max(len(stored), len(scanned.numbers))
    differences = tuple(
        (names[i] if i < len(names) else f"#{i + 1}",
         scanned.numbers[i] if i < len(scanned.numbers) else None,
         stored[i] if i < len(stored) else None)
        for i in range(width)
        if (scanned.numbers[i] if i < len(scanned.numbers) else None)
        != (stored[i] if i < len(stored) else None)
    )  # fmt: skip
    return Verdict(
        version=same.version if same else None,
        matches=same is current and not differences,
        superseded=same is not None and same is not current,
        differences=differences,
    )
