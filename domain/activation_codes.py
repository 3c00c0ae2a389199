"""One-time activation codes: 80 random bits in Crockford base32, printed in groups of four."""

from __future__ import annotations

import hashlib
import secrets

from domain.controlcode import ALPHABET, normalise


def new_activation_code() -> str:
    number = secrets.randbits(80)
    symbols = "".join(ALPHABET[(number >> shift) & 31] for shift in range(75, -1, -5))
    return "-".join(symbols[i : i + 4] for i in range(0, 16, 4))


def code_hash(typed: str) -> str:
    """What is stored and compared: the SHA-256 of the code as printed (typing forgiven)."""
    return hashlib.sha256(normalise(typed).encode()).hexdigest()
