"""Public verification, shared by the JSON API (api.verify.router) and the web's verification page
(api.web.verify_pages): one rate limit per client address across both, and one audit record per lookup."""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.certificates import service as certificate_service
from api.certificates.schemas import VerificationPublic
from config.settings import get_settings
from core.refusal import Refusal
from store.audit import Who, audit
from store.database import session_scope


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


_buckets: TokenBuckets | None = None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limited(request: Request) -> None:
    """Take one lookup from the client's bucket, or refuse with 429 and when to come back."""
    global _buckets
    if _buckets is None:
        settings = get_settings()
        _buckets = TokenBuckets(settings.verify_rate_per_minute, settings.verify_burst)
    wait = _buckets.take(client_address(request))
    if wait > 0:
        raise Refusal("rate_limited", 429, "too many verification requests; try again shortly",
                      "طلبات تحقق كثيرة؛ أعد المحاولة بعد قليل", None, {"retry_after": round(wait, 1)})


RateLimited = Annotated[None, Depends(rate_limited)]


def audit_public(request: Request, action: str, outcome: str, detail: dict[str, object]) -> None:
    with session_scope() as session:
        audit(session, Who("anonymous", "public", "", client_address(request)), action, outcome=outcome,
              detail=detail)


def lookup(code: str, session: Session, request: Request) -> VerificationPublic | None:
    """The public answer for `code` (None when no issued certificate has it), audited either way."""
    try:
        result = certificate_service.verify_code(code, session)
    except Refusal:
        audit_public(request, "certificate.verify", "not_found", {"code": code})
        return None
    audit_public(request, "certificate.verify", result.status, {"code": code})
    return result
