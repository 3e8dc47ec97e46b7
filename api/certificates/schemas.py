"""API models of the criminal-status certificate and the criminal record (XCreate / XPublic)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from api.params import Line, Prose
from core.vocabulary import CertificateRequestStatus, Disclosure, RecordRemovalGround


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
    disclosure: Disclosure = Disclosure.listed  # a sealed case's conviction is printed without its offence


class HolderIdentity(BaseModel):
    """The holder as the criminal records know them (their person record's case files), not their login."""

    name: str
    birth_date: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None


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
    holder: HolderIdentity | None = None


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
    omissions: dict[str, str] = Field(default={}, description="record id -> the ground for leaving it off")
    approved_by: str | None = None
    approved_at: AwareDatetime | None = None


class CertificatePage(BaseModel):
    items: list[CertificatePublic]


class ReviewQueue(BaseModel):
    items: list[CertificateReview]


Ground = Annotated[str, Field(min_length=3, max_length=1000)]


class CertificateIssue(BaseModel):
    record_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default=[], max_length=500, description="the convictions to list; none for a clean certificate")
    omissions: dict[str, Ground] = Field(
        default={}, max_length=500,
        description="each finding of the holder's own record left off, by record id, with its ground; a second "
                    "records officer must then approve")


class CertificateApproval(BaseModel):
    """The second records officer's answer to findings left off: approve (the certificate is issued) or
    decline with a reason (the request goes back to review)."""

    approve: bool
    reason: Prose = Field(default="", max_length=1000)


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
    national_id: str  # printed on the certificate: a printout with another ID is caught
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
    juvenile: bool = False
    sealed: bool = False
    removed: RecordRemovalGround | None = None


class RemovalCreate(BaseModel):
    """A judgment quashed after it was final, or an amnesty: the entry leaves the record with its ground."""

    ground: RecordRemovalGround
    reference: Line = Field(min_length=2, max_length=200, examples=["الطعن 123/70 ق"],
                            description="the quashing judgment's number, or the amnesty law's")
    decided_at: AwareDatetime
    authority: Line = Field(min_length=2, max_length=200, description="the court, or the legislature")
    note: Prose = Field(default="", max_length=2000)


class RemovalPublic(BaseModel):
    id: int
    record_id: int
    ground: RecordRemovalGround
    reference: str
    decided_at: AwareDatetime
    authority: str
    recorded_by: str
    recorded_at: AwareDatetime


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
