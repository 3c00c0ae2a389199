"""Sealing secrets at rest (TOTP seeds) with AES-256-GCM under rotating keys.

Keys come from ``TALLY_SECRET_KEYS`` (``id=base64key[,id=base64key...]``) or the file named by
``TALLY_SECRET_KEYS_FILE`` (one ``id=base64key`` per line). The first key seals; every key opens
what it sealed, so a new key is added first and old ones stay until nothing needs them. ``tally
serve`` on the embedded default creates ``<data dir>/secret.keys`` (mode 600) on its first start.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from schemas.account_events import SealedSecret
from services.common.key_files import (
    KEY_BYTES,
    KeyFileError,
    b64,
    ensure_key_file,
    parse_entries,
    unb64,
)


class KeyringError(Exception):
    pass


@dataclass(frozen=True)
class KeySource:
    """Where the keys are: ``TALLY_SECRET_KEYS`` itself, the file ``TALLY_SECRET_KEYS_FILE``
    names, or (neither set) ``fallback``, a file created on a store that seals nothing yet."""

    keys: str = ""
    file: str = ""
    fallback: Path | None = None


class Keyring:
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyringError("no secret keys: set TALLY_SECRET_KEYS or TALLY_SECRET_KEYS_FILE")
        for key_id, key in keys:
            if len(key) != KEY_BYTES:
                raise KeyringError(f"secret key {key_id!r} is not {KEY_BYTES} bytes")
        self._keys = dict(keys)
        self._current = keys[0][0]

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Keys from ``id=base64key`` entries; a malformed entry is a KeyringError naming its
        place (never the key material)."""
        try:
            return cls(parse_entries(text, "secret keys"))
        except KeyFileError as error:
            raise KeyringError(str(error)) from None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    @classmethod
    def load(cls, source: KeySource, sealed: frozenset[str] = frozenset()) -> Keyring:
        """The keys of ``TALLY_SECRET_KEYS``, ``TALLY_SECRET_KEYS_FILE`` or the fallback file.

        ``sealed`` are the key ids the store's sealed secrets name. A key file is created only
        for a store that seals nothing yet; and keys that cannot open every sealed secret are
        refused, naming the ids: regenerating or mixing up the keys would lock every account out
        ("retry" for ever) instead of saying what is wrong.
        """
        fallback_file = source.fallback
        if source.keys:
            keyring, where = cls.parse(source.keys), "TALLY_SECRET_KEYS"
        elif source.file:
            where = source.file
            keyring = cls.parse(Path(where).read_text(encoding="utf-8"))
        elif fallback_file is not None:
            where = str(fallback_file)
            if not fallback_file.exists() and sealed:
                raise KeyringError(
                    f"{fallback_file} is missing, yet TOTP seeds are sealed under key id(s) "
                    f"{', '.join(sorted(sealed))}: restore that file (or set TALLY_SECRET_KEYS); "
                    "a new key would open none of them"
                )
            keyring = cls.parse(ensure_key_file(fallback_file))
        else:
            raise KeyringError("no secret keys: set TALLY_SECRET_KEYS or TALLY_SECRET_KEYS_FILE")
        missing = sealed - keyring.ids
        if missing:
            raise KeyringError(
                f"the secret keys of {where} do not open the TOTP seeds sealed under key id(s) "
                f"{', '.join(sorted(missing))}: add the missing key(s); they have "
                f"{', '.join(sorted(keyring.ids))}"
            )
        return keyring

    def seal(self, plaintext: str) -> SealedSecret:
        nonce = secrets.token_bytes(12)
        ciphertext = AESGCM(self._keys[self._current]).encrypt(
            nonce, plaintext.encode(), self._current.encode()
        )
        return SealedSecret(key_id=self._current, nonce=b64(nonce), ciphertext=b64(ciphertext))

    def open(self, sealed: SealedSecret) -> str:
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise KeyringError(f"secret key {sealed.key_id!r} is not configured")
        plaintext = AESGCM(key).decrypt(
            unb64(sealed.nonce), unb64(sealed.ciphertext), sealed.key_id.encode()
        )
        return plaintext.decode()
