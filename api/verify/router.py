"""Public verification of a certificate (no login): by its code, as a page or JSON, or by the file
itself (is this PDF, byte for byte, what Mizan signed?). Rate-limited per client address."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.certificates import service
from api.certificates.schemas import DocumentCheck, PublicKey, VerificationPublic
from api.deps import SessionDep
from certificates import signing as certificate_signing
from config.settings import get_settings
from core.clocks import TRIPOLI
from core.records import last_valid_day
from core.refusal import Refusal
from store.audit import Who, audit
from store.database import session_scope

router = APIRouter(tags=["verification"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "certificates" / "templates")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


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


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limited(request: Request) -> None:
    global _buckets
    if _buckets is None:
        settings = get_settings()
        _buckets = TokenBuckets(settings.verify_rate_per_minute, settings.verify_burst)
    wait = _buckets.take(_client(request))
    if wait > 0:
        raise Refusal("rate_limited", 429, "too many verification requests; try again shortly",
                      "طلبات تحقق كثيرة؛ أعد المحاولة بعد قليل", None, {"retry_after": round(wait, 1)})


RateLimited = Annotated[None, Depends(rate_limited)]


def _audit(request: Request, action: str, outcome: str, detail: dict[str, object]) -> None:
    with session_scope() as session:
        audit(session, Who("anonymous", "public", "", _client(request)), action, outcome=outcome, detail=detail)


def _lookup(code: str, session: SessionDep, request: Request) -> VerificationPublic | None:
    try:
        result = service.verify_code(code, session)
    except Refusal:
        _audit(request, "certificate.verify", "not_found", {"code": code})
        return None
    _audit(request, "certificate.verify", result.status, {"code": code})
    return result


@router.get("/api/v1/verify/key", response_model=PublicKey, operation_id="get_verification_key")
def get_verification_key() -> PublicKey:
    return PublicKey(algorithm=certificate_signing.ALGORITHM, key_id=certificate_signing.key_id(),
                     public_key_pem=certificate_signing.public_key_pem())


@router.get("/api/v1/verify/{code}", response_model=VerificationPublic, operation_id="verify_certificate")
def verify_certificate(code: str, session: SessionDep, request: Request, _: RateLimited) -> VerificationPublic:
    result = _lookup(code, session, request)
    if result is None:
        raise Refusal("certificate_not_found", 404, "no certificate has this verification code",
                      "لا توجد شهادة بهذا الرمز")
    return result


@router.post("/api/v1/verify/document", response_model=DocumentCheck, operation_id="verify_certificate_document")
async def verify_certificate_document(file: Annotated[UploadFile, File(description="the certificate PDF")],
                                      session: SessionDep, request: Request, _: RateLimited) -> DocumentCheck:
    pdf = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(pdf) > MAX_UPLOAD_BYTES:
        raise Refusal("file_too_large", 422, "a certificate is far smaller than this file", "الملف أكبر من المسموح")
    check = service.check_document(pdf, session)
    _audit(request, "certificate.verify_document", "valid" if check.signature_valid else "invalid",
           {"size": len(pdf), "status": check.verification.status if check.verification else None})
    return check


@router.get("/verify/{code}", response_class=HTMLResponse, include_in_schema=False)
def verify_page(code: str, session: SessionDep, request: Request, _: RateLimited) -> HTMLResponse:
    result = _lookup(code, session, request)
    days = {"issued_day": result.issued_at.astimezone(TRIPOLI).date().isoformat(),
            "valid_until": last_valid_day(result.expires_at).isoformat()} if result else {}
    return templates.TemplateResponse(request, "verify.html", {"code": code, "result": result, **days},
                                      status_code=200 if result else 404)
