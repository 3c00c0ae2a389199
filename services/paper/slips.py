"""Operator activation slips (pure): one page each with the login, the one-time code, where to
activate and until when. The codes exist only on this paper: the store keeps their hashes, so
printing slips issues fresh codes (a reset of each account, recorded) for the operators who have
not activated yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.clock import to_warsaw
from schemas.paper import SlipPaper, SlipsPaper

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from schemas.accounts import ActivationSlip, RegisteredAccount

PENDING = "pending-activation"
OPERATOR = "operator"


def awaiting_slips(accounts: Iterable[RegisteredAccount], gmina: str) -> list[RegisteredAccount]:
    """The gmina's operators who have not activated their account."""
    return [a for a in accounts
            if a.role == OPERATOR and a.gmina == gmina and a.status == PENDING]  # fmt: skip


def _when(instant: dt.datetime) -> str:
    return f"{to_warsaw(instant):%Y-%m-%d %H:%M}"


def slips_paper(issued: Iterable[tuple[RegisteredAccount, ActivationSlip]], *, unit: str,
                activate_url: str, now: dt.datetime) -> SlipsPaper:  # fmt: skip
    return SlipsPaper(
        slips=tuple(
            SlipPaper(login=slip.login, name=account.display_name, role="operator obwodowy",
                      unit=unit, precincts=", ".join(map(str, account.precincts)),
                      code=slip.activation_code, expires=_when(slip.expires_at),
                      where=activate_url)
            for account, slip in issued
        ),
        printed_at=_when(now),
    )  # fmt: skip
