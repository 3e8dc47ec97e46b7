"""Public verification, shared by the JSON API (api.verify.router) and the web's verification page
(api.web.verify_pages): one rate limit per client address across both, and one audit record per lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.certificates import service as certificate_service
from api.certificates.schemas import VerificationPublic
from api.ratelimit import TokenBuckets, client_address
from config.settings import get_settings
from core.refusal import Refusal
from store.audit import Who, audit
from store.database import session_scope

_buckets: TokenBuckets | None = None


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
