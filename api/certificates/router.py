"""Criminal-status certificates: a citizen's request, its status and PDF; a records officer's review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api import audit_trail
from api.auth import TokenUser
from api.certificates import service
from api.certificates.schemas import (
    CertificateApproval,
    CertificateCreate,
    CertificateIssue,
    CertificatePage,
    CertificatePublic,
    CertificateReject,
    CertificateReview,
    CertificateRevoke,
    ReviewQueue,
    SignaturePublic,
)
from api.deps import CurrentUser, SessionDep, TemporalDep, get_token_user
from core.refusal import Refusal
from store.models import Certificate
from workflows.messages import ReviewApproval, ReviewDecision

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates"])

TokenUserDep = Annotated[TokenUser, Depends(get_token_user)]


def get_requester(actor: CurrentUser, user: TokenUserDep) -> service.Requester:
    return service.requester(actor, user)


RequesterDep = Annotated[service.Requester, Depends(get_requester)]


@router.post("", status_code=201, response_model=CertificatePublic, operation_id="request_certificate")
async def request_certificate(body: CertificateCreate, who: RequesterDep, session: SessionDep,
                              temporal: TemporalDep, request: Request) -> CertificatePublic:
    try:
        row = await service.request_certificate(who, body, session, temporal)
    except Refusal as error:
        audit_trail.record(who.actor, request, "certificate.request", outcome=audit_trail.refused(error))
        raise
    audit_trail.record(who.actor, request, "certificate.request",
                       detail={"certificate_id": row.id, "status": row.status})
    return service.certificate_public(row)


@router.get("", response_model=CertificatePage, operation_id="list_my_certificates")
def list_my_certificates(who: RequesterDep, session: SessionDep) -> CertificatePage:
    return CertificatePage(items=[service.certificate_public(r) for r in service.own_certificates(who, session)])


@router.get("/reviews", response_model=ReviewQueue, operation_id="list_certificate_reviews")
def list_certificate_reviews(who: RequesterDep, session: SessionDep, request: Request) -> ReviewQueue:
    rows = service.review_queue(who, session)
    audit_trail.record(who.actor, request, "certificate.review_queue", detail={"hits": len(rows)})
    return ReviewQueue(items=[service.certificate_review(r) for r in rows])


@router.get("/{certificate_id}", response_model=CertificateReview | CertificatePublic,
            operation_id="get_certificate")
def get_certificate(certificate_id: str, who: RequesterDep, session: SessionDep,
                    request: Request) -> CertificatePublic:
    row = audit_trail.audited(who.actor, request, "certificate.read", {"certificate_id": certificate_id},
                              lambda: service.visible_certificate(who, certificate_id, session))
    return service.certificate_view(who, row)


@router.get("/{certificate_id}/pdf", operation_id="download_certificate",
            responses={200: {"content": {"application/pdf": {}}}})
def download_certificate(certificate_id: str, who: RequesterDep, session: SessionDep, request: Request) -> Response:
    def issued() -> tuple[Certificate, bytes]:
        row = service.visible_certificate(who, certificate_id, session)
        return row, service.issued_pdf(row)

    row, pdf = audit_trail.audited(who.actor, request, "certificate.download", {"certificate_id": certificate_id},
                                   issued, adds=lambda found: {"sha256": found[0].pdf_sha256})
    filename = f"certificate-{row.verification_code}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/{certificate_id}/signature", response_model=SignaturePublic, operation_id="get_certificate_signature")
def get_certificate_signature(certificate_id: str, who: RequesterDep, session: SessionDep) -> SignaturePublic:
    return service.signature_of(service.visible_certificate(who, certificate_id, session))


async def _decide(who: service.Requester, certificate_id: str, decision: ReviewDecision, session: SessionDep,
                  temporal: TemporalDep, request: Request) -> CertificateReview:
    detail = {"certificate_id": certificate_id, "kind": decision.kind, "record_ids": decision.record_ids,
              "omissions": decision.omissions}
    try:
        row = await service.decide(who, certificate_id, decision, session, temporal)
    except Refusal as error:
        audit_trail.record(who.actor, request, "certificate.decide", outcome=audit_trail.refused(error), detail=detail)
        raise
    audit_trail.record(who.actor, request, "certificate.decide", detail=detail)
    return service.certificate_review(row)


@router.post("/{certificate_id}/issue", response_model=CertificateReview, operation_id="issue_certificate")
async def issue_certificate(certificate_id: str, body: CertificateIssue, who: RequesterDep, session: SessionDep,
                            temporal: TemporalDep, request: Request) -> CertificateReview:
    decision = ReviewDecision("issue", who.actor.username, list(who.actor.roles), record_ids=body.record_ids,
                              omissions=dict(body.omissions))
    return await _decide(who, certificate_id, decision, session, temporal, request)


@router.post("/{certificate_id}/approval", response_model=CertificateReview, operation_id="approve_certificate")
async def approve_certificate(certificate_id: str, body: CertificateApproval, who: RequesterDep, session: SessionDep,
                              temporal: TemporalDep, request: Request) -> CertificateReview:
    """Four eyes: a second records officer approves the findings another left off (the certificate is issued),
    or declines with a reason (the request is under review again)."""
    approval = ReviewApproval(who.actor.username, list(who.actor.roles), body.approve, body.reason.strip())
    detail = {"certificate_id": certificate_id, "approve": body.approve}
    try:
        row = await service.approve(who, certificate_id, approval, session, temporal)
    except Refusal as error:
        audit_trail.record(who.actor, request, "certificate.approval", outcome=audit_trail.refused(error),
                           detail=detail)
        raise
    audit_trail.record(who.actor, request, "certificate.approval", detail=detail)
    return service.certificate_review(row)


@router.post("/{certificate_id}/reject", response_model=CertificateReview, operation_id="reject_certificate")
async def reject_certificate(certificate_id: str, body: CertificateReject, who: RequesterDep, session: SessionDep,
                             temporal: TemporalDep, request: Request) -> CertificateReview:
    decision = ReviewDecision("reject", who.actor.username, list(who.actor.roles), reason=body.reason)
    return await _decide(who, certificate_id, decision, session, temporal, request)


@router.post("/{certificate_id}/revoke", response_model=CertificateReview, operation_id="revoke_certificate")
def revoke_certificate(certificate_id: str, body: CertificateRevoke, who: RequesterDep, session: SessionDep,
                       request: Request) -> CertificateReview:
    try:
        row = service.revoke(who, certificate_id, body.reason, session)
    except Refusal as error:
        audit_trail.record(who.actor, request, "certificate.revoke", outcome=audit_trail.refused(error),
                           detail={"certificate_id": certificate_id})
        raise
    session.commit()
    audit_trail.record(who.actor, request, "certificate.revoke",
                       detail={"certificate_id": certificate_id, "reason": body.reason})
    return service.certificate_review(row)
