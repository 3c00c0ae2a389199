"""Who is asking: the client's address, for throttling and the security events.

The peer of the connection, unless that peer is one of the reverse proxies named in
``TALLY_TRUSTED_PROXIES`` (CIDRs, comma-separated; none by default): then the nearest address in
``X-Forwarded-For`` that is not itself a trusted proxy. A forwarded address from anyone else is
ignored, so a client cannot pick the address its failures are counted under.
"""

from __future__ import annotations

import ipaddress
from typing import Final

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
VARIABLE: Final = "TALLY_TRUSTED_PROXIES"


class TrustedProxiesError(ValueError):
    pass


def trusted_proxies(text: str) -> tuple[Network, ...]:
    """The networks of ``TALLY_TRUSTED_PROXIES``; a malformed entry names itself."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise TrustedProxiesError(f"{VARIABLE}: {entry!r} is not an address or CIDR") from error
    return tuple(networks)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    if not _trusted(peer, trusted):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a proxy we trust wrote nonsense: count it as the proxy's own
        if not _trusted(hop, trusted):
            return hop
    return peer
