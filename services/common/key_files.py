"""Keys written as ``id=base64key`` entries (one per line or comma-separated; ``#`` comments),
from an environment variable or a file, and such a file created with one fresh key (readable by
its owner only). Used for the keys sealing TOTP seeds and the keys signing checkpoints."""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

KEY_BYTES: Final = 32
_KEY_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


class KeyFileError(Exception):
    """A malformed entry: the message names its place and the rule, never the key material."""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError(str(error)) from None


def parse_entries(text: str, what: str) -> list[tuple[str, bytes]]:
    """``(id, key)`` in the order written; every key ``KEY_BYTES`` long. ``what`` names the keys
    in messages ("secret keys", "signing keys")."""
    keys = []
    for number, raw in enumerate(text.replace(",", "\n").splitlines(), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, equals, encoded = entry.partition("=")
        key_id, encoded = key_id.strip(), encoded.strip()
        if not equals or not _KEY_ID.fullmatch(key_id):
            raise KeyFileError(f"{what}, entry {number}: expected id=base64key with an id of "
                               "letters, digits, '-' or '_'")  # fmt: skip
        try:
            key = unb64(encoded)
        except ValueError as error:  # binascii.Error is a ValueError
            raise KeyFileError(f"{what}: key {key_id!r} (entry {number}) is not base64: "
                               f"{error}") from None  # fmt: skip
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"{what}: key {key_id!r} is not {KEY_BYTES} bytes")
        keys.append((key_id, key))
    return keys


def ensure_key_file(path: Path) -> str:
    """The key file's text, created with one fresh key (readable by its owner only) if missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key_id = "k" + secrets.token_hex(4)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(f"{key_id}={b64(secrets.token_bytes(KEY_BYTES))}\n")
    return path.read_text(encoding="utf-8")
