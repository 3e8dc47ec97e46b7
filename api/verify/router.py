"""Public verification of a certificate (no login), as JSON: by its code, or by the file itself (is this
PDF, byte for byte, what Mizan signed?). Rate-limited per client address. The page a person reads is
the web's (api.web.verify_pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile

from api.certificates import service
from api.certificates.schemas import DocumentCheck, PublicKey, VerificationPublic
from api.deps import SessionDep
from api.verify.service import RateLimited, audit_public, lookup
from certificates import signing as certificate_signing
from core.refusal import Refusal

router = APIRouter(tags=["verification"])

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@router.get("/api/v1/verify/key", response_model=PublicKey, operation_id="get_verification_key")
def get_verification_key() -> PublicKey:
    return PublicKey(algorithm=certificate_signing.ALGORITHM, key_id=certificate_signing.key_id(),
                     public_key_pem=certificate_signing.public_key_pem())


@router.get("/api/v1/verify/{code}", response_model=VerificationPublic, operation_id="verify_certificate")
def verify_certificate(code: str, session: SessionDep, request: Request, _: RateLimited) -> VerificationPublic:
    result = lookup(code, session, request)
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
    audit_public(request, "certificate.verify_document", "valid" if check.signature_valid else "invalid",
                 {"size": len(pdf), "status": check.verification.status if check.verification else None})
    return check
