"""Rate limits per client address, in this process: public verification, and the audit of failed logins."""

from __future__ import annotations

import threading
import time

from fastapi import Request


def client_address(request: Request) -> str:
    """The client's address as the server saw it (X-Forwarded-For only from MIZAN_TRUSTED_PROXIES: api/__main__)."""
    return request.client.host if request.client else "unknown"


class TokenBuckets:
    """One token bucket per client address, in this process: `rate` tokens a minute, up to `burst`."""

    def __init__(self, rate_per_minute: int, burst: int) -> None:
        self.rate, self.burst = rate_per_minute / 60.0, float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken; else the seconds until the next one."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget the idle, full buckets
                for stale in [k for k, (t, seen) in self._buckets.items() if now - seen > 600]:
                    del self._buckets[stale]
            return (1 - tokens) / self.rate
