"""The certificate service: the one path that the REST API and the certificate web pages call."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from api.auth import TokenUser
from api.certificates.schemas import (
    CertificateCreate,
    CertificatePublic,
    CertificateReview,
    ConvictionPublic,
    DocumentCheck,
    HolderIdentity,
    SignaturePublic,
    VerificationPublic,
)
from certificates import signing as certificate_signing
from certificates.paper import pdf_path
from config.settings import get_settings
from core.case import Actor
from core.refusal import Refusal
from core.roles import Capability, may
from core.vocabulary import CertificateRequestStatus
from store.models import Certificate, CriminalRecord
from store.records import holder_identity
from workflows.certificate import CertificateWorkflow
from workflows.client import APPROVE, DECIDE, SETTLED, certificate_workflow_id, send_update
from workflows.messages import CertificateStart, CertificateStatus, ReviewApproval, ReviewDecision

CODE_IN_KEYWORDS = re.compile(r"mizan-verification:(MZN-[A-Z0-9-]+)")


@dataclass(frozen=True)
class Requester:
    """The caller: their verified roles (Actor) and, for a citizen, the national ID of their account."""

    actor: Actor
    national_id: str | None
    name: str


def requester(actor: Actor, user: TokenUser) -> Requester:
    return Requester(actor, user.national_id, user.name)


def _not_found() -> Refusal:
    return Refusal("certificate_not_found", 404, "no such certificate", "الشهادة غير موجودة")


# ---------------------------------------------------------------- the citizen's request


async def request_certificate(who: Requester, body: CertificateCreate, session: Session,
                              temporal: Client) -> Certificate:
    """Start the request's workflow and return once it is issued or sent to a records officer."""
    if not may(who.actor.roles, Capability.request_certificate):
        raise Refusal("forbidden_role", 403, "only a citizen asks for their own certificate",
                      "يطلب المواطن شهادته بنفسه")
    if not who.national_id:
        raise Refusal("no_national_id", 403, "your account carries no national ID", "لا يحمل حسابك رقماً وطنياً")
    # the holder as the records name them (four-part name, birth date and place, mother's name), not the login's
    identity = holder_identity(session, who.national_id, who.name or "")
    holder_name = identity.name
    if not holder_name:
        raise Refusal("no_name", 422, "your account carries no name", "لا يحمل حسابك اسماً")
    settings = get_settings()
    row = Certificate(id=uuid.uuid4().hex, national_id=who.national_id, holder_name=holder_name,
                      holder=asdict(identity),
                      requested_by=who.actor.username, purpose=body.purpose.strip(), english=body.english,
                      status=CertificateRequestStatus.computing, requested_at=datetime.now(UTC), finding={}, listed={})
    session.add(row)
    session.commit()
    start = WithStartWorkflowOperation(
        CertificateWorkflow.run,
        CertificateStart(row.id, who.national_id, holder_name, settings.certificate_review_hours),
        id=certificate_workflow_id(row.id), task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    await temporal.execute_update_with_start_workflow(SETTLED, start_workflow_operation=start,
                                                      result_type=CertificateStatus)
    session.refresh(row)
    return row


def visible_certificate(who: Requester, certificate_id: str, session: Session) -> Certificate:
    """The holder sees their own; records officers and auditors see every one; nobody else any."""
    row = session.get(Certificate, certificate_id)
    if row is None:
        raise _not_found()
    if may(who.actor.roles, Capability.read_every_certificate):
        return row
    if may(who.actor.roles, Capability.request_certificate) and who.national_id and who.national_id == row.national_id:
        return row
    raise Refusal("forbidden", 403, "this is not your certificate", "هذه الشهادة ليست لك")


def own_certificates(who: Requester, session: Session) -> list[Certificate]:
    if not who.national_id or not may(who.actor.roles, Capability.request_certificate):
        return []
    return list(session.scalars(select(Certificate).where(Certificate.national_id == who.national_id)
                                .order_by(Certificate.requested_at.desc()).limit(100)))


def _convictions(items: list[dict[str, Any]]) -> list[ConvictionPublic]:
    return [ConvictionPublic.model_validate(item) for item in items]


def certificate_public(row: Certificate) -> CertificatePublic:
    issued = row.status == CertificateRequestStatus.issued
    return CertificatePublic(
        id=row.id, status=CertificateRequestStatus(row.status), purpose=row.purpose, english=row.english,
        holder_name=row.holder_name,
        national_id=row.national_id, requested_at=row.requested_at, result=row.result,
        listed=_convictions(row.listed.get("entries", [])), rejection_reason=row.rejection_reason,
        verification_code=row.verification_code, issued_at=row.issued_at,
        expires_at=row.expires_at,
        revoked=row.revoked_at is not None, download_url=f"/api/v1/certificates/{row.id}/pdf" if issued else None,
        holder=HolderIdentity.model_validate(row.holder) if row.holder else None)


def certificate_review(row: Certificate) -> CertificateReview:
    finding = row.finding or {}
    return CertificateReview(
        **certificate_public(row).model_dump(), requested_by=row.requested_by,
        entries=_convictions(finding.get("entries", [])), doubtful=_convictions(finding.get("doubtful", [])),
        excluded=finding.get("excluded", {}), rules_version=finding.get("rules_version", ""),
        review_due_at=row.review_due_at, escalated=row.escalated, decided_by=row.decided_by,
        decided_at=row.decided_at, omissions=row.omissions or {}, approved_by=row.approved_by,
        approved_at=row.approved_at)


def certificate_view(who: Requester, row: Certificate) -> CertificatePublic:
    if may(who.actor.roles, Capability.read_every_certificate):
        return certificate_review(row)
    return certificate_public(row)


def issued_pdf(row: Certificate) -> bytes:
    if row.status != CertificateRequestStatus.issued:
        raise Refusal("not_issued", 409, "the certificate has not been issued", "لم تصدر الشهادة بعد")
    return pdf_path(row.id).read_bytes()


def signature_of(row: Certificate) -> SignaturePublic:
    if (row.status != CertificateRequestStatus.issued or row.signature is None or row.pdf_sha256 is None
            or row.key_id is None):
        raise Refusal("not_issued", 409, "the certificate has not been issued", "لم تصدر الشهادة بعد")
    return SignaturePublic(algorithm=certificate_signing.ALGORITHM, key_id=row.key_id,
                           public_key_pem=certificate_signing.public_key_pem(row.key_id), signature=row.signature,
                           sha256=row.pdf_sha256)


# ---------------------------------------------------------------- the records officer


def require_officer(who: Requester) -> None:
    if not may(who.actor.roles, Capability.review_certificates):
        raise Refusal("forbidden_role", 403, "only a records officer may do this", "هذا من اختصاص موظف السجل الجنائي")


def review_queue(who: Requester, session: Session) -> list[Certificate]:
    if not may(who.actor.roles, Capability.read_every_certificate):
        raise Refusal("forbidden_role", 403, "only a records officer may see the review queue",
                      "قائمة المراجعة لموظف السجل الجنائي فقط")
    # escalated first, then the oldest review clock; those awaiting a second officer's approval among them
    waiting = (CertificateRequestStatus.in_review, CertificateRequestStatus.awaiting_approval)
    return list(session.scalars(select(Certificate).where(Certificate.status.in_(waiting))
                                .order_by(Certificate.escalated.desc(), Certificate.review_due_at).limit(200)))


async def decide(who: Requester, certificate_id: str, decision: ReviewDecision, session: Session,
                 temporal: Client) -> Certificate:
    return await _officers_update(who, certificate_id, DECIDE, decision, Refusal(
        "not_in_review", 409, "this certificate request is not awaiting review", "طلب الشهادة هذا ليس قيد المراجعة"),
        session, temporal)


async def approve(who: Requester, certificate_id: str, approval: ReviewApproval, session: Session,
                  temporal: Client) -> Certificate:
    """The second records officer approves (or declines) the findings another officer left off."""
    return await _officers_update(who, certificate_id, APPROVE, approval, Refusal(
        "not_awaiting_approval", 409, "this certificate is not awaiting approval", "هذه الشهادة ليست بانتظار الموافقة"),
        session, temporal)


async def _officers_update(who: Requester, certificate_id: str, update: str, message: ReviewDecision | ReviewApproval,
                           when_finished: Refusal, session: Session, temporal: Client) -> Certificate:
    """A records officer's decision sent to the certificate's workflow (`when_finished`: the answer once it has
    ended); the row as the workflow left it."""
    require_officer(who)
    row = session.get(Certificate, certificate_id)
    if row is None:
        raise _not_found()
    handle = temporal.get_workflow_handle(certificate_workflow_id(certificate_id))
    status = await send_update(handle, update, message, result_type=CertificateStatus, when_finished=when_finished)
    session.refresh(row)
    assert row.status == status.status
    return row


def revoke(who: Requester, certificate_id: str, reason: str, session: Session) -> Certificate:
    require_officer(who)
    row = session.get(Certificate, certificate_id)
    if row is None:
        raise _not_found()
    if row.status != CertificateRequestStatus.issued:
        raise Refusal("not_issued", 409, "only an issued certificate can be revoked", "لا تلغى إلا شهادة صادرة")
    if row.revoked_at is None:
        row.revoked_at, row.revocation_reason = datetime.now(UTC), reason
    return row


# ---------------------------------------------------------------- public verification




def verification_of(row: Certificate, now: datetime) -> VerificationPublic:
    assert row.issued_at is not None and row.expires_at is not None
    expires_at = row.expires_at
    if row.revoked_at is not None:
        status, message, message_ar = "revoked", "This certificate has been revoked.", "هذه الشهادة ملغاة."
    elif expires_at <= now:
        status, message, message_ar = "expired", "This certificate has expired.", "انتهت صلاحية هذه الشهادة."
    else:
        status, message, message_ar = "valid", "This certificate is valid.", "هذه الشهادة صالحة."
    return VerificationPublic(status=status, valid=status == "valid", holder_name=row.holder_name,
                              national_id=row.national_id,
                              issued_at=row.issued_at, expires_at=expires_at, message=message,
                              message_ar=message_ar)


def verify_code(code: str, session: Session) -> VerificationPublic:
    row = session.scalar(select(Certificate).where(Certificate.verification_code == code.strip().upper()))
    if row is None or row.status != CertificateRequestStatus.issued:
        raise Refusal("certificate_not_found", 404, "no certificate has this verification code",
                      "لا توجد شهادة بهذا الرمز")
    return verification_of(row, datetime.now(UTC))


def _code_in(pdf: bytes) -> str | None:
    try:
        metadata = PdfReader(io.BytesIO(pdf)).metadata
        keywords = str(metadata.get("/Keywords") or "") if metadata else ""
    except (PyPdfError, ValueError, KeyError, OSError):
        return None
    found = CODE_IN_KEYWORDS.search(keywords)
    return found.group(1) if found else None


def check_document(pdf: bytes, session: Session) -> DocumentCheck:
    """Is this file, byte for byte, a certificate Mizan signed? Then what is its status now."""
    code = _code_in(pdf)
    row = session.scalar(select(Certificate).where(Certificate.verification_code == code)) if code else None
    if row is None or row.signature is None:
        return DocumentCheck(signature_valid=False, verification=None,
                             message="This file is not a certificate issued by Mizan, or it was altered.",
                             message_ar="هذا الملف ليس شهادة صادرة عن ميزان، أو عُدّل بعد إصدارها.")
    if not certificate_signing.verify(pdf, row.signature, row.key_id):
        return DocumentCheck(signature_valid=False, verification=None,
                             message="The signature does not match: the file was altered after it was issued.",
                             message_ar="التوقيع لا يطابق: عُدّل الملف بعد إصداره.")
    verification = verification_of(row, datetime.now(UTC))
    return DocumentCheck(signature_valid=True, verification=verification,
                         message="The signature is valid. " + verification.message,
                         message_ar="التوقيع صحيح. " + verification.message_ar)


def records_of(session: Session, national_id: str) -> list[CriminalRecord]:
    return list(session.scalars(select(CriminalRecord).where(CriminalRecord.national_id == national_id)
                                .order_by(CriminalRecord.final_at)))
