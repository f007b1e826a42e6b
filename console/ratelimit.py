"""Per-client rate limiting of the citizens' listener, and who the client is behind a proxy.

The public pages are open to anyone on the internet, so each client address gets a token
bucket: ``burst`` requests at once, refilled at ``per_minute``. The address is the TCP peer's,
unless the peer is one of the hall's configured reverse proxies (nginx on the public side):
then it is the last address in ``X-Forwarded-For`` that is not a trusted proxy itself (the
one the proxy saw). A header from anyone else is ignored, so a client cannot pick the key it
is counted under. The clock is injected; nothing here sleeps.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_CLIENTS = 10_000
"""Buckets kept at once; the least recently seen client is forgotten first (a full bucket is
what a forgotten client gets back, so forgetting never limits anyone wrongly)."""


def trusted_networks(addresses: Iterable[str]) -> tuple[IpNetwork, ...]:
    """The configured proxies (``127.0.0.1``, ``10.0.0.0/24``) as networks."""
    return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)


def _is_trusted(address: str, trusted: tuple[IpNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[IpNetwork, ...]
) -> str:
    """The client a request is counted for: the peer, or, from a trusted proxy, the address
    the proxy put last in ``X-Forwarded-For`` (skipping further trusted proxies)."""
    peer = peer or "?"
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: count the proxy, never a made-up key
    return hops[0] if hops else peer


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per client: ``burst`` at once, ``per_minute`` sustained."""

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.monotonic = monotonic
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> float:
        """Count one request of ``client``: 0 when allowed, else the seconds until it is."""
        now = self.monotonic()
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        self._buckets[client] = bucket
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate if self.rate > 0 else math.inf
