"""The keys that sign the log's checkpoints (Ed25519) and make its public pseudonyms.

Keys come from ``TALLY_SIGNING_KEYS`` (``id=base64seed[,...]``: 32-byte Ed25519 seeds) or the
file ``TALLY_SIGNING_KEYS_FILE`` names (one entry per line), else ``<data dir>/signing.keys``,
created with one fresh key on first use (mode 600). The first key signs; every key's public half
verifies what it signed, so a rotation adds a new key first and keeps the old ones.

The actors' pseudonyms of the public export (``domain.log_leaves``) are keyed by the *last* key
listed, the oldest: it must stay in the list for as long as the log lives, or every leaf would
change. Every process that checkpoints or verifies a store must have the same keys.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from services.common.key_files import KeyFileError, b64, ensure_key_file, parse_entries

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_FILE: Final = "signing.keys"
_PSEUDONYM_KEY_DOMAIN: Final = b"tally-pseudonym-key-v1\n"


class SigningKeysError(Exception):
    """No usable signing keys: the message names the variable or file and the rule."""


@dataclass(frozen=True)
class SigningSource:
    keys: str = ""
    file: str = ""
    data_dir: Path | None = None


class SigningKeys:
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise SigningKeysError("no signing keys: set TALLY_SIGNING_KEYS or "
                                   "TALLY_SIGNING_KEYS_FILE")  # fmt: skip
        self._private = {key_id: Ed25519PrivateKey.from_private_bytes(seed)
                         for key_id, seed in keys}  # fmt: skip
        self.current = keys[0][0]
        self.pseudonym_key = hashlib.sha256(_PSEUDONYM_KEY_DOMAIN + keys[-1][1]).digest()

    @classmethod
    def load(cls, source: SigningSource, *, create: bool = True) -> SigningKeys:
        """``create``: make the default file with a fresh key when there is none (the process
        that signs); a verifier never does (a new key would check nothing)."""
        try:
            if source.keys:
                return cls(parse_entries(source.keys, "TALLY_SIGNING_KEYS"))
            if source.file:
                return cls(parse_entries(Path(source.file).read_text(encoding="utf-8"),
                                         source.file))  # fmt: skip
            if source.data_dir is not None:
                path = source.data_dir / DEFAULT_FILE
                text = ensure_key_file(path) if create else path.read_text(encoding="utf-8")
                return cls(parse_entries(text, str(path)))
        except (KeyFileError, OSError) as error:
            raise SigningKeysError(str(error)) from None
        raise SigningKeysError("no signing keys: set TALLY_SIGNING_KEYS or TALLY_SIGNING_KEYS_FILE")

    def sign(self, message: bytes) -> tuple[str, str]:
        """(key id, signature base64url) with the current key."""
        return self.current, b64(self._private[self.current].sign(message))

    def public_keys(self) -> Mapping[str, str]:
        """Key id -> raw Ed25519 public key, base64url: what anyone verifies with."""
        return {key_id: b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
                for key_id, key in self._private.items()}  # fmt: skip
