"""Each client its share of the endpoint: a concurrency limit and a token bucket of query time.

Four clients looping 15-second queries used to leave sixteen polite clients 2 of 1,710 cheap
queries (issue 13). Three rules, checked in the server process before a query reaches a worker
(or, for the third, while it runs):

* **Concurrency**: at most ``per_client`` queries at once from one client; more → 429.
* **Query time**: each client has a bucket of ``burst`` seconds of worker time, refilled at
  ``rate`` seconds per second (WDQS grants 60 s per 60 s). A query is charged the time it held
  a worker (at least ``min_charge``); a query stopped unfinished (time limit, or stopped for the
  rule below) is charged the whole time limit, as it would have taken at least that. With an
  empty bucket → 429 with ``Retry-After`` = when it is positive again.
* **Who waits least**: when queries wait for a worker, the one whose client has the most query
  time left goes first, so a client that has just used a lot waits behind those that have not.
* **Short queries keep a worker**: a query running past ``short`` seconds needs one of the
  ``workers - reserve`` long-query slots; when none is free and another query is waiting for a
  worker, it is stopped (503, ``Retry-After``) — :class:`harbin_kg.web.server_workers.WorkerPool`
  does this, as it is the one watching running queries.

A client is its address (``REMOTE_ADDR``): IPv6 addresses count by their /64 prefix, since one
host usually holds a whole /64. Behind a reverse proxy every client has the proxy's address:
``harbin-kg serve --trusted-proxy`` makes waitress take the address from ``X-Forwarded-For``.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from dataclasses import dataclass

__all__ = ["Fairness", "ClientLimiter", "TooMany", "client_of"]


@dataclass(frozen=True)
class Fairness:
    """The per-client limits (see the module docstring); ``harbin-kg serve`` uses these defaults."""

    per_client: int = 2
    burst: float = 30.0        # seconds of worker time a client may use at once
    rate: float = 0.5          # seconds of worker time regained per second
    short: float = 1.0         # a query running longer needs a long-query slot
    reserve: int = 1           # workers kept for short queries (none when there is only one worker)
    min_charge: float = 0.01   # the least a query costs, so that floods of tiny queries count too

    def __post_init__(self):
        if self.per_client < 1 or self.burst <= 0 or self.rate <= 0 or self.short <= 0 or self.reserve < 0:
            raise ValueError(f"invalid fairness limits: {self}")


class TooMany(Exception):
    """A client is over one of its limits: answer 429 with ``Retry-After: retry_after``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


def client_of(address: str | None) -> str:
    """The key a client's limits are kept under: the IPv4 address, or the IPv6 /64 prefix.

    >>> client_of("192.0.2.7"), client_of("2001:db8:1:2::10"), client_of("::ffff:192.0.2.7")
    ('192.0.2.7', '2001:db8:1:2::/64', '192.0.2.7')
    """
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return address or "-"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class _Bucket:
    __slots__ = ("tokens", "stamp", "running")

    def __init__(self, tokens: float, stamp: float):
        self.tokens, self.stamp, self.running = tokens, stamp, 0


class ClientLimiter:
    """Concurrency and query-time budget per client (thread-safe)."""

    def __init__(self, fairness: Fairness, *, clock=time.monotonic):
        self.fairness, self._clock = fairness, clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def _bucket(self, client: str, now: float) -> _Bucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= 10_000:
                self._forget_idle(now)
            bucket = self._buckets[client] = _Bucket(self.fairness.burst, now)
        bucket.tokens = min(self.fairness.burst, bucket.tokens + (now - bucket.stamp) * self.fairness.rate)
        bucket.stamp = now
        return bucket

    def _forget_idle(self, now: float) -> None:
        # a client with nothing running and a full bucket is the same as one never seen
        for key in [k for k, b in self._buckets.items()
                    if not b.running and b.tokens + (now - b.stamp) * self.fairness.rate >= self.fairness.burst]:
            del self._buckets[key]

    def _wait(self, bucket: _Bucket) -> int:
        return max(1, math.ceil(-bucket.tokens / self.fairness.rate) + 1) if bucket.tokens <= 0 else 1

    def admit(self, client: str) -> None:
        """Count a query in for ``client``, or raise :class:`TooMany`."""
        f = self.fairness
        with self._lock:
            bucket = self._bucket(client, self._clock())
            if bucket.running >= f.per_client:
                self.refused += 1
                plural = "query" if f.per_client == 1 else "queries"
                raise TooMany(
                    f"You already have {bucket.running} {'query' if bucket.running == 1 else 'queries'} running; this "
                    f"endpoint runs {f.per_client} {plural} at a time per client (每个客户端同时最多 {f.per_client} 个查询). "
                    f"Wait for the answer before sending the next query.", 1)
            if bucket.tokens <= 0:
                self.refused += 1
                wait = self._wait(bucket)
                raise TooMany(
                    f"You have used your share of query time: {f.burst:g} s at once, regained at {f.rate:g} s per "
                    f"second (查询时间配额已用完). Retry after {wait} s; make slow queries cheaper (LIMIT, more "
                    f"specific patterns).", wait)
            bucket.running += 1

    def release(self, client: str, seconds: float) -> None:
        """Count the query out and charge ``client`` ``seconds`` of query time."""
        with self._lock:
            bucket = self._bucket(client, self._clock())
            bucket.running = max(bucket.running - 1, 0)
            bucket.tokens -= max(seconds, self.fairness.min_charge)

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may send a query again (at least 1)."""
        with self._lock:
            return self._wait(self._bucket(client, self._clock()))

    def standing(self, client: str) -> float:
        """``client``'s query time left (seconds; negative in debt): its place when queries wait."""
        with self._lock:
            return self._bucket(client, self._clock()).tokens

    def status(self) -> dict:
        with self._lock:
            return {"clients": len(self._buckets), "refused_429": self.refused}
