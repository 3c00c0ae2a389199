"""When each protocol arrives on a drill night, and when its signed paper copy reaches the
coordinator.

PKW publishes no arrival times, so the night is modelled: polls close at 21:00, a commission needs
about 40 minutes to prepare and then counts about 600 ballots an hour, and a precinct-specific
delay of up to an hour (queues, recounts, travel) spreads precincts of one size. The paper copy
follows 20-60 minutes after the electronic protocol. Offsets are seconds after the polls close,
derived from the protocol key alone, so a drill replays the same night every time.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from schemas.commands import SubmitProtocol
    from schemas.validation import ProtocolKey

PREPARATION_S: Final = 40 * 60
BALLOTS_PER_HOUR: Final = 600
SPREAD_S: Final = 60 * 60
PAPER_MIN_S, PAPER_SPREAD_S = 20 * 60, 40 * 60


def fraction(key: ProtocolKey, salt: str) -> float:
    """A fixed number in [0, 1) for this protocol key."""
    text = f"{salt}|{key.election}|{key.teryt}|{key.precinct}|{key.contest}|{key.district}"
    digest = hashlib.sha256(f"{text}|{key.round}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def arrival_s(protocol: SubmitProtocol) -> float:
    ballots = protocol.content.ballots_from_box or 0
    counting = ballots / BALLOTS_PER_HOUR * 3600
    return PREPARATION_S + counting + SPREAD_S * fraction(protocol.key, "arrival")


def paper_delay_s(key: ProtocolKey) -> float:
    return PAPER_MIN_S + PAPER_SPREAD_S * fraction(key, "paper")


def blind_entry(key: ProtocolKey, share: float) -> bool:
    """Whether the coordinator confirms this protocol by typing it blind (a fixed sample)."""
    return fraction(key, "blind") < share
