"""The certificate workflow's activities: compute the record, open and escalate the review, issue
(render, sign, store) or reject. Each is idempotent: a retry after success changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from temporalio import activity

from certificates import signing as certificate_signing
from certificates.paper import new_verification_code, pdf_path, verify_url
from certificates.pdf import CertificateDocument, render_certificate
from config.settings import get_settings
from core.notifications import CertificateStep, certificate_notices
from core.records import RecordEntry, RecordFinding, certificate_expiry
from core.vocabulary import CertificateRequestStatus, NotificationKind, Role
from store.agencies import load_agency_tree
from store.audit import Who, audit
from store.database import session_scope
from store.models import Certificate
from store.notifications import record_notices
from store.records import compute_record
from workflows.messages import (
    COMPUTE_RECORD,
    DECLINE_APPROVAL,
    ESCALATE_REVIEW,
    ISSUE_CERTIFICATE,
    OPEN_APPROVAL,
    OPEN_REVIEW,
    REJECT_CERTIFICATE,
    CertificateStart,
    DeclineApproval,
    IssueCertificate,
    OpenApproval,
    OpenReview,
    RejectCertificate,
)

#: the agency whose officers review certificate requests
RECORDS_OFFICE = "records"
#: the records office acting through its workflow, for the audit log
SYSTEM = Who(username="system", role="system", agency=RECORDS_OFFICE)


def _tell(session: Any, row: Certificate, kind: NotificationKind, due_at: datetime | None = None) -> None:
    """The notification this step gives rise to, in the step's own transaction (made once: its key)."""
    now = datetime.now(UTC)
    step = CertificateStep(row.id, kind, now, row.requested_by, RECORDS_OFFICE, due_at)
    record_notices(session, certificate_notices(step, load_agency_tree(session)), now)


def _entry_json(entry: RecordEntry) -> dict[str, Any]:
    data = asdict(entry)
    data["final_at"] = entry.final_at.isoformat()
    return data


def _officer(username: str) -> Who:
    return SYSTEM if username == "system" else Who(username, Role.records_officer, RECORDS_OFFICE)


def _row(session: Any, certificate_id: str) -> Certificate:
    row = session.get(Certificate, certificate_id)
    if row is None:
        raise LookupError(f"no certificate request {certificate_id}")
    return row  # type: ignore[no-any-return]


@activity.defn(name=COMPUTE_RECORD)
def compute_certificate_record(start: CertificateStart) -> RecordFinding:
    with session_scope() as session:
        finding = compute_record(session, start.national_id, start.holder_name, datetime.now(UTC))
        row = _row(session, start.certificate_id)
        row.finding = {"entries": [_entry_json(e) for e in finding.entries],
                       "doubtful": [_entry_json(e) for e in finding.doubtful],
                       "excluded": finding.excluded, "rules_version": finding.rules_version}
        audit(session, SYSTEM, "certificate.compute", detail={
            "certificate_id": start.certificate_id, "entries": len(finding.entries),
            "doubtful": len(finding.doubtful), "excluded": finding.excluded, "rules_version": finding.rules_version})
    return finding


@activity.defn(name=OPEN_REVIEW)
def open_certificate_review(request: OpenReview) -> None:
    with session_scope() as session:
        row = _row(session, request.certificate_id)
        if row.status != CertificateRequestStatus.computing:
            return
        row.status, row.review_due_at = CertificateRequestStatus.in_review, request.due_at
        _tell(session, row, NotificationKind.certificate_to_review, request.due_at)
        audit(session, SYSTEM, "certificate.review_opened", detail={
            "certificate_id": row.id, "due_at": request.due_at.isoformat()})


@activity.defn(name=ESCALATE_REVIEW)
def escalate_certificate_review(certificate_id: str) -> None:
    with session_scope() as session:
        row = _row(session, certificate_id)
        if row.escalated or row.status != CertificateRequestStatus.in_review:
            return
        row.escalated = True
        _tell(session, row, NotificationKind.certificate_review_overdue, row.review_due_at)
        audit(session, SYSTEM, "certificate.review_escalated", outcome="escalated", detail={
            "certificate_id": row.id, "due_at": row.review_due_at.isoformat() if row.review_due_at else None})


@activity.defn(name=ISSUE_CERTIFICATE)
def issue_certificate(request: IssueCertificate) -> None:
    settings = get_settings()
    with session_scope() as session:
        row = _row(session, request.certificate_id)
        if row.status == CertificateRequestStatus.issued:
            return
        issued_at = datetime.now(UTC)
        code = new_verification_code()
        expires_at = certificate_expiry(issued_at, settings.certificate_validity_months)
        holder = row.holder or {}
        pdf = render_certificate(CertificateDocument(
            holder_name=row.holder_name, national_id=row.national_id, purpose=row.purpose, listed=request.listed,
            issued_at=issued_at, expires_at=expires_at, verification_code=code, verify_url=verify_url(code),
            english=row.english, birth_date=holder.get("birth_date"), birth_place=holder.get("birth_place"),
            mother_name=holder.get("mother_name"), key_id=certificate_signing.key_id()))
        signature = certificate_signing.sign(pdf)
        path = pdf_path(row.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pdf)
        temporary.replace(path)
        row.status, row.result = CertificateRequestStatus.issued, "convictions" if request.listed else "clean"
        row.listed = {"entries": [_entry_json(e) for e in request.listed]}
        row.verification_code, row.issued_at, row.expires_at = code, issued_at, expires_at
        row.pdf_sha256, row.signature, row.key_id = hashlib.sha256(pdf).hexdigest(), signature.value, signature.key_id
        row.decided_by, row.decided_at = request.decided_by, issued_at
        row.omissions = dict(request.omissions)
        if request.approved_by is not None:
            row.approved_by, row.approved_at = request.approved_by, issued_at
        _tell(session, row, NotificationKind.certificate_issued)
        if request.approved_by is not None:  # four eyes: the second officer's approval, under their own name
            audit(session, _officer(request.approved_by), "certificate.approve", detail={
                "certificate_id": row.id, "proposed_by": request.decided_by, "omissions": request.omissions})
        audit(session, _officer(request.decided_by), "certificate.issue", detail={
            "certificate_id": row.id, "result": row.result, "listed": [e.record_id for e in request.listed],
            "omissions": request.omissions, "approved_by": request.approved_by,
            "sha256": row.pdf_sha256, "key_id": signature.key_id})


@activity.defn(name=REJECT_CERTIFICATE)
def reject_certificate(request: RejectCertificate) -> None:
    with session_scope() as session:
        row = _row(session, request.certificate_id)
        if row.status == CertificateRequestStatus.rejected:
            return
        row.status, row.rejection_reason = CertificateRequestStatus.rejected, request.reason
        row.decided_by, row.decided_at = request.decided_by, datetime.now(UTC)
        _tell(session, row, NotificationKind.certificate_rejected)
        audit(session, _officer(request.decided_by), "certificate.reject", outcome="rejected",
              detail={"certificate_id": row.id, "reason": request.reason})


@activity.defn(name=OPEN_APPROVAL)
def open_certificate_approval(request: OpenApproval) -> None:
    """Findings of the holder's own record were left off with their grounds: a second officer must approve."""
    with session_scope() as session:
        row = _row(session, request.certificate_id)
        if row.status == CertificateRequestStatus.awaiting_approval:
            return
        row.status, row.omissions = CertificateRequestStatus.awaiting_approval, dict(request.omissions)
        row.decided_by, row.decided_at = request.proposed_by, datetime.now(UTC)
        row.approved_by, row.approved_at = None, None
        audit(session, _officer(request.proposed_by), "certificate.propose_omission", detail={
            "certificate_id": row.id, "listed": request.listed, "omissions": request.omissions})


@activity.defn(name=DECLINE_APPROVAL)
def decline_certificate_approval(request: DeclineApproval) -> None:
    """The second officer did not approve: the request is under review again, the grounds kept in the audit."""
    with session_scope() as session:
        row = _row(session, request.certificate_id)
        if row.status != CertificateRequestStatus.awaiting_approval:
            return
        audit(session, _officer(request.declined_by), "certificate.decline_omission", outcome="declined", detail={
            "certificate_id": row.id, "proposed_by": row.decided_by, "omissions": row.omissions,
            "reason": request.reason})
        row.status, row.omissions = CertificateRequestStatus.in_review, {}
        row.decided_by, row.decided_at = None, None


CERTIFICATE_ACTIVITIES = (compute_certificate_record, open_certificate_review, escalate_certificate_review,
                          issue_certificate, reject_certificate, open_certificate_approval,
                          decline_certificate_approval)
