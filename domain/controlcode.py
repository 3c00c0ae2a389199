"""The control code of a protocol (suma kontrolna), contract version 1.

Printed in the footer of every page of the paper protocol and typed back by the coordinator to
confirm that the paper and the electronic data are the same. Same content -> same code on every
machine and Python version; any changed number, note or key -> a different code.

Canonical encoding (UTF-8, one ``name=value`` line per item, ``\\n`` after each):

1. ``tally-protocol-v1``
2. the key: ``election``, ``teryt``, ``precinct``, ``contest``, ``district``, ``round``, then
   ``form``;
3. every count present (not null), in alphabetical order of its name;
4. ``candidate.<position>`` for each candidate, in position order; for each list in number order
   ``list.<number>.total``, ``list.<number>.candidates_total`` when written, then
   ``list.<number>.candidate.<position>`` in position order;
5. ``voting_started`` / ``voting_ended`` as ``HH:MM`` when present;
6. ``note.<name>`` for each non-empty note, alphabetical; ``explanation.<rule code>`` likewise.

Numbers are decimal without leading zeros. Texts are NFC-normalised, with ``\\`` written as
``\\\\``, a line feed as ``\\n`` and a carriage return as ``\\r``. The code is the first 60
bits of the SHA-256 of the encoding in Crockford's base32 (digits and letters without I, L, O,
U), grouped ``XXXX-XXXX-XXXX``. Reading it back, case is ignored, ``O`` counts as ``0``, ``I``
and ``L`` as ``1``, and dashes and spaces are skipped.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import TYPE_CHECKING, Final

import msgspec

from schemas.protocol import COUNT_FIELDS

if TYPE_CHECKING:
    import datetime as dt

    from schemas.protocol import CandidateVotes, ProtocolContent

VERSION: Final = "tally-protocol-v1"
ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS: Final = {"O": "0", "I": "1", "L": "1"}
_BITS: Final = 60


def canonical_encoding(
    *,
    election: str,
    teryt: str,
    precinct: int,
    contest: str,
    district: int,
    round_number: int,
    content: ProtocolContent,
) -> bytes:
    lines = [
        VERSION,
        f"election={_text(election)}",
        f"teryt={teryt}",
        f"precinct={precinct}",
        f"contest={_text(contest)}",
        f"district={district}",
        f"round={round_number}",
        f"form={_text(content.form)}",
    ]
    lines += [f"{name}={value}" for name, value in canonical_numbers(content)]
    for name, moment in (("voting_started", content.voting_started),
                         ("voting_ended", content.voting_ended)):  # fmt: skip
        if moment is not None:
            lines.append(f"{name}={_hhmm(moment)}")
    notes = msgspec.structs.asdict(content.notes)
    lines += [f"note.{name}={_text(notes[name])}" for name in sorted(notes) if notes[name]]
    lines += [
        f"explanation.{code}={_text(text)}"
        for code, text in sorted(content.explanations.items())
        if text
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def canonical_numbers(content: ProtocolContent) -> list[tuple[str, int]]:
    """Every number of the protocol with its name, in the encoding's order (items 3 and 4): the
    order the QR code on the paper lists them in."""
    found = [(name, value) for name in sorted(COUNT_FIELDS)
             if (value := getattr(content, name)) is not None]  # fmt: skip
    found += [(f"candidate.{c.position}", c.votes) for c in sorted(content.candidates, key=_pos)]
    for votes in sorted(content.lists, key=lambda v: v.number):
        found.append((f"list.{votes.number}.total", votes.total))
        if votes.candidates_total is not None:
            found.append((f"list.{votes.number}.candidates_total", votes.candidates_total))
        found += [(f"list.{votes.number}.candidate.{c.position}", c.votes)
                  for c in sorted(votes.candidates, key=_pos)]  # fmt: skip
    return found


def control_code(encoding: bytes) -> str:
    digest = int.from_bytes(hashlib.sha256(encoding).digest()[:8], "big") >> (64 - _BITS)
    symbols = "".join(ALPHABET[(digest >> shift) & 31] for shift in range(_BITS - 5, -1, -5))
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def normalise(typed: str) -> str:
    """A code as a person typed it, in the printed form (for comparison)."""
    symbols = "".join(_READ_AS.get(ch, ch) for ch in typed.upper() if ch not in "- ")
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def _text(value: str) -> str:
    normal = unicodedata.normalize("NFC", value)
    return normal.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _hhmm(moment: dt.time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _pos(entry: CandidateVotes) -> int:
    return entry.position
