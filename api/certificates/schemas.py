"""API models of the criminal-status certificate and the criminal record (XCreate / XPublic)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from api.params import Line, Prose
from core.vocabulary import CertificateRequestStatus


class CertificateCreate(BaseModel):
    purpose: Line = Field(min_length=2, max_length=300, examples=["تقديم على وظيفة"])
    english: bool = Field(default=False, description="add an English page to the Arabic certificate")


class ConvictionPublic(BaseModel):
    record_id: int
    case_number: str
    name: str
    national_id: str | None
    offence: str
    category: str
    sentence: str | None
    court: str
    court_name_ar: str
    court_name_en: str
    final_at: AwareDatetime


class CertificatePublic(BaseModel):
    """What the holder sees of their request and certificate."""

    id: str
    status: CertificateRequestStatus
    purpose: str
    english: bool
    holder_name: str
    national_id: str
    requested_at: AwareDatetime
    result: str | None  # clean | convictions
    listed: list[ConvictionPublic]
    rejection_reason: str | None
    verification_code: str | None
    issued_at: AwareDatetime | None
    expires_at: AwareDatetime | None
    revoked: bool
    download_url: str | None


class CertificateReview(CertificatePublic):
    """What a records officer sees: the computed record, doubtful name matches, the review clock."""

    requested_by: str
    entries: list[ConvictionPublic]
    doubtful: list[ConvictionPublic]
    excluded: dict[str, str]
    rules_version: str
    review_due_at: AwareDatetime | None
    escalated: bool
    decided_by: str | None
    decided_at: AwareDatetime | None


class CertificatePage(BaseModel):
    items: list[CertificatePublic]


class ReviewQueue(BaseModel):
    items: list[CertificateReview]


class CertificateIssue(BaseModel):
    record_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default=[], max_length=500, description="the convictions to list; none for a clean certificate")


class CertificateReject(BaseModel):
    reason: Prose = Field(min_length=3, max_length=1000)


class CertificateRevoke(BaseModel):
    reason: Prose = Field(min_length=3, max_length=1000)


class SignaturePublic(BaseModel):
    algorithm: str
    key_id: str
    public_key_pem: str
    signature: str  # base64, over the exact bytes of the PDF
    sha256: str


class VerificationPublic(BaseModel):
    """The public answer about a code: validity, dates and the holder's name, nothing else."""

    status: str  # valid | expired | revoked
    valid: bool
    holder_name: str
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    message: str
    message_ar: str


class DocumentCheck(BaseModel):
    signature_valid: bool
    verification: VerificationPublic | None
    message: str
    message_ar: str


class PublicKey(BaseModel):
    algorithm: str
    key_id: str
    public_key_pem: str


class RecordPublic(ConvictionPublic):
    case_id: str
    rehabilitated: bool


class RecordPage(BaseModel):
    items: list[RecordPublic]


class RehabilitationCreate(BaseModel):
    order_number: Line = Field(min_length=1, max_length=64, examples=["رد اعتبار 12/2026"])
    ordered_at: AwareDatetime
    court: Line = Field(min_length=2, max_length=200)
    note: Prose = Field(default="", max_length=2000)


class RehabilitationPublic(BaseModel):
    id: int
    record_id: int
    order_number: str
    ordered_at: AwareDatetime
    court: str
    recorded_by: str
    recorded_at: AwareDatetime
