"""The keys that sign checkpoints: the first signs, every key verifies what it signed, a rotation
(a new key added first) keeps the old checkpoints valid and the pseudonyms unchanged; a verifier
never creates a key; a malformed entry is refused by place, never showing the key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import pytest

from domain.checkpoint import EMPTY_HEAD, signature_holds, signed_message
from schemas.audit_events import CheckpointRecorded
from services.apps.signing import SigningKeys, SigningKeysError, SigningSource
from services.common.key_files import b64

if TYPE_CHECKING:
    from pathlib import Path

OLD, NEW = f"old={b64(bytes(range(32)))}", f"new={b64(bytes(range(1, 33)))}"


def _signed(keys: SigningKeys) -> CheckpointRecorded:
    unsigned = CheckpointRecorded(position=7, head="ab" * 32, previous_position=0,
                                  previous_head=EMPTY_HEAD, key_id="", signature="",
                                  frontier=())  # fmt: skip
    key_id, signature = keys.sign(signed_message("TALLY", unsigned))
    return msgspec.structs.replace(unsigned, key_id=key_id, signature=signature)


def test_a_rotation_keeps_old_checkpoints_valid_and_pseudonyms_unchanged() -> None:
    before = SigningKeys.load(SigningSource(keys=OLD))
    old_checkpoint = _signed(before)
    after = SigningKeys.load(SigningSource(keys=f"{NEW},{OLD}"))
    new_checkpoint = _signed(after)
    assert ("old", "new") == (old_checkpoint.key_id, new_checkpoint.key_id)
    for checkpoint in (old_checkpoint, new_checkpoint):
        assert "" == signature_holds(after.public_keys(), "TALLY", checkpoint)
    assert before.pseudonym_key == after.pseudonym_key
    assert "does not hold" in signature_holds(after.public_keys(), "OTHER", new_checkpoint)
    assert "not among the known keys" in signature_holds(before.public_keys(), "TALLY",
                                                          new_checkpoint)  # fmt: skip


def test_the_signer_creates_its_key_file_and_a_verifier_never_does(tmp_path: Path) -> None:
    with pytest.raises(SigningKeysError):
        SigningKeys.load(SigningSource(data_dir=tmp_path), create=False)
    assert not (tmp_path / "signing.keys").exists()
    made = SigningKeys.load(SigningSource(data_dir=tmp_path))
    assert 0o600 == (tmp_path / "signing.keys").stat().st_mode & 0o777
    again = SigningKeys.load(SigningSource(data_dir=tmp_path), create=False)
    assert made.public_keys() == again.public_keys()


@pytest.mark.parametrize("written", ["k1", "k1=not base64!", "k1=" + b64(bytes(16)), "k 1=AA"])
def test_a_malformed_key_is_refused_by_place_never_shown(written: str) -> None:
    with pytest.raises(SigningKeysError, match="TALLY_SIGNING_KEYS") as refused:
        SigningKeys.load(SigningSource(keys=written))
    assert written.partition("=")[2] not in str(refused.value) or not written.partition("=")[2]
