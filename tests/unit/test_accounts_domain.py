"""Accounts without I/O: TOTP, activation codes, the aggregate's rules, roles and scopes."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import totp
from domain.account import Account, AccountError, AccountStatus
from domain.activation_codes import code_hash, new_activation_code
from domain.authorization import Actor, may_manage, needs_step_up, refusal
from projections import account_registry
from projections.core import Event, MemoryView, fold_batch
from schemas.account_events import AccountCreated, SealedSecret
from schemas.accounts import Permission, Role
from services.commands.accounts.keyring import Keyring, KeyringError
from services.commands.accounts.throttle import delay

T0 = dt.datetime(2026, 4, 12, 6, 0, tzinfo=dt.UTC)
SEED = SealedSecret(key_id="k", nonce="n", ciphertext="c")


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_totp_matches_the_rfc_6238_vectors(unix_time: int, expected: str) -> None:
    """SHA-1 test vectors of RFC 6238, appendix B (8 digits)."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert expected == totp.code_at(secret, totp.step_of(unix_time), digits=8)


def test_totp_accepts_one_step_of_drift_and_names_the_step() -> None:
    """The step a code belongs to is returned, so a caller can refuse it the second time."""
    secret = totp.new_secret()
    now = 1_800_000_000
    for drift in (-1, 0, 1):
        step = totp.step_of(now) + drift
        assert step == totp.verify(secret, totp.code_at(secret, step), now)
    assert totp.verify(secret, totp.code_at(secret, totp.step_of(now) + 2), now) is None
    assert totp.verify(secret, "12345", now) is None


def opened() -> Account:
    created = AccountCreated(login="op", role="operator", display_name="Op", gmina="021501",
                             precincts=(1,), created_by="t")  # fmt: skip
    account = Account.open(created)
    account.issue_activation(code_hash("AAAA-BBBB-CCCC-DDDD"), T0 + dt.timedelta(hours=24), "t")
    return account


def test_an_activation_code_works_once_and_only_in_time() -> None:
    """Mistyped, expired or used codes are refused; typing is forgiven (case, O for 0)."""
    account = opened()
    with pytest.raises(AccountError):
        account.activate(code_hash("AAAA-BBBB-CCCC-DDDE"), T0, "hash", SEED)
    with pytest.raises(AccountError):
        account.activate(code_hash("AAAA-BBBB-CCCC-DDDD"), T0 + dt.timedelta(hours=25), "h", SEED)
    account.activate(code_hash("aaaa bbbb cccc dddd"), T0, "hash", SEED)
    assert AccountStatus.ACTIVE == account.status
    with pytest.raises(AccountError):
        account.activate(code_hash("AAAA-BBBB-CCCC-DDDD"), T0, "hash", SEED)


def test_a_reset_ends_the_password_until_the_new_code_is_used() -> None:
    """A new activation slip puts the account back to pending."""
    account = opened()
    account.activate(code_hash("AAAA-BBBB-CCCC-DDDD"), T0, "hash", SEED)
    account.issue_activation(code_hash(new_activation_code()), T0 + dt.timedelta(days=1), "t")
    assert (AccountStatus.PENDING, "") == (account.status, account.password_hash)


@pytest.mark.parametrize(
    ("role", "gmina", "precincts"),
    [(Role.OPERATOR, "021501", ()), (Role.COORDINATOR, None, ()), (Role.AUDITOR, "021501", ())],
)
def test_roles_and_scopes_go_together(
    role: Role, gmina: str | None, precincts: tuple[int, ...]
) -> None:
    """Operators need precincts, coordinators a gmina; admins and auditors have neither."""
    with pytest.raises(AccountError):
        Account.open(AccountCreated(login="x-y", role=role.value, display_name="X", gmina=gmina,
                                    precincts=precincts, created_by="t"))  # fmt: skip


OPERATOR = Actor(login="op", role=Role.OPERATOR, gmina="021501", precincts=(1, 2))
COORDINATOR = Actor(login="co", role=Role.COORDINATOR, gmina="021501")
AUDITOR = Actor(login="au", role=Role.AUDITOR)


@given(teryt=st.sampled_from(["021501", "306499"]), precinct=st.integers(1, 5),
       permission=st.sampled_from(list(Permission)))  # fmt: skip
def test_scopes_hold_for_every_permission(
    teryt: str, precinct: int, permission: Permission
) -> None:
    """An operator acts only at their precincts, a coordinator only in their gmina, an auditor
    only reads, anywhere."""
    operator_ok = refusal(OPERATOR, permission, teryt, precinct) is None
    own_precinct = teryt == "021501" and precinct in (1, 2)
    assert operator_ok == (
        (permission in {Permission.SUBMIT, Permission.CORRECT, Permission.VALIDATE,
                        Permission.TURNOUT, Permission.READ, Permission.SESSION} and own_precinct)
        or (permission is Permission.VIEW and teryt == "021501")
    )  # fmt: skip
    coordinator_ok = refusal(COORDINATOR, permission, teryt, precinct) is None
    assert coordinator_ok == (
        permission not in {Permission.SUBMIT, Permission.CORRECT} and teryt == "021501"
    )
    assert (refusal(AUDITOR, permission, teryt, precinct) is None) == (
        permission in {Permission.READ, Permission.SESSION, Permission.VIEW, Permission.AUDIT}
    )


def test_who_manages_whom() -> None:
    """Admins create anyone; coordinators only operators of their own gmina."""
    admin = Actor(login="ad", role=Role.ADMIN)
    assert may_manage(admin, Role.COORDINATOR, "306499") is None
    assert may_manage(COORDINATOR, Role.OPERATOR, "021501") is None
    assert may_manage(COORDINATOR, Role.OPERATOR, "306499") is not None
    assert may_manage(COORDINATOR, Role.COORDINATOR, "021501") is not None
    assert may_manage(OPERATOR, Role.OPERATOR, "021501") is not None


def test_step_up_is_needed_only_for_vouching_commands_after_five_minutes() -> None:
    """Confirm/correct/approve/proxy after 5 minutes; reads never."""
    late = T0 + dt.timedelta(minutes=5, seconds=1)
    assert needs_step_up(Permission.CONFIRM, T0, late)
    assert not needs_step_up(Permission.CONFIRM, T0, T0 + dt.timedelta(minutes=5))
    assert not needs_step_up(Permission.READ, T0, late)


def test_the_keyring_seals_and_rotates() -> None:
    """The first key seals; older keys still open what they sealed; a missing key is named."""
    old = Keyring.parse("old=" + base64.urlsafe_b64encode(b"o" * 32).decode())
    sealed = old.seal("JBSWY3DPEHPK3PXP")
    rotated = Keyring.parse("new=" + base64.urlsafe_b64encode(b"n" * 32).decode() + ",old="
                            + base64.urlsafe_b64encode(b"o" * 32).decode())  # fmt: skip
    assert "JBSWY3DPEHPK3PXP" == rotated.open(sealed)
    assert "new" == rotated.seal("x").key_id
    with pytest.raises(KeyringError, match="old"):
        Keyring.parse("new=" + base64.urlsafe_b64encode(b"n" * 32).decode()).open(sealed)


def test_login_delays_grow_after_three_failures_up_to_five_minutes() -> None:
    """1, 2, 4 ... seconds, never more than 5 minutes."""
    assert [0, 0, 0, 1, 2, 4] == [delay(n).total_seconds() for n in range(6)]
    assert 300 == delay(40).total_seconds()


ACTIONS = st.lists(st.sampled_from(["reset", "activate", "lock", "unlock", "login"]), max_size=12)


@given(ACTIONS)
def test_the_registry_says_what_the_account_says(actions: list[str]) -> None:
    """Whatever happens to an account, the registry folded from its events shows the account's
    own status (a reset clears the activation; an unlock returns to what came before the lock)."""
    created = AccountCreated(login="operator", role="operator", display_name="O",
                             gmina="302199", precincts=(2,), created_by="c")  # fmt: skip
    account = Account.open(created)
    code = code_hash("code")
    account.issue_activation(code, T0 + dt.timedelta(hours=1), "c")
    for action in actions:
        if action == "reset":
            account.issue_activation(code, T0 + dt.timedelta(hours=1), "c")
        elif action == "activate" and account.status is AccountStatus.PENDING:
            account.activate(code, T0, "hash", SEED)
        elif action == "lock":
            account.lock("failures", 10)
        elif action == "unlock" and account.status is AccountStatus.LOCKED:
            account.unlock("c")
        elif action == "login":
            account.record_login("s", "10.0.0.1")
    view = MemoryView()
    payloads: list[Any] = [(str(e.originator_id), e.data) for e in account.collect_events()]  # type: ignore[attr-defined]
    events = [Event(seq=n, tag=data.TAG, aggregate_id=aggregate, routing={}, data=data,
                    envelope={"recorded_at": f"t{n}"})
              for n, (aggregate, data) in enumerate(payloads, start=1)]  # fmt: skip
    changes, position = fold_batch(account_registry, view, events, 0)
    view.commit(changes, position)
    (row,) = [row for (table, _), row in view.rows.items() if table == account_registry.ACCOUNTS]
    assert account.status.value == row["status"]
    assert ("302199", [2]) == (row["gmina"], row["precincts"])
    assert bool(row["activated_at"]) == bool(account.password_hash)
    assert ("login" in actions) == bool(row["last_login_at"])
