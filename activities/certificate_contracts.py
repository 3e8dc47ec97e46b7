"""The messages between the certificate workflow, its activities and the API (one dataclass each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class CertificateStart:
    certificate_id: str
    national_id: str
    holder_name: str
    review_hours: float  # the records officer's clock, fixed at request time (the workflow stays deterministic)


@dataclass
class RecordEntry:
    """One final conviction as the review and the certificate show it."""

    record_id: int
    case_id: str
    case_number: str
    name: str
    national_id: str | None
    offence: str
    category: str
    sentence: str | None
    court: str
    court_name_ar: str
    court_name_en: str
    final_at: datetime


@dataclass
class RecordFinding:
    entries: list[RecordEntry]  # listed convictions of this national ID
    doubtful: list[RecordEntry]  # convictions of people without a national ID whose name may be this citizen's
    excluded: dict[str, str] = field(default_factory=dict)  # record id -> why it is left off (core.records.Exclusion)
    rules_version: str = ""

    @property
    def clean(self) -> bool:
        return not self.entries and not self.doubtful


@dataclass
class OpenReview:
    certificate_id: str
    due_at: datetime


@dataclass
class ReviewDecision:
    """A records officer's decision: issue (listing `record_ids`, none for clean) or reject with a reason."""

    kind: str  # issue | reject
    officer: str
    officer_roles: list[str]
    record_ids: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class IssueCertificate:
    certificate_id: str
    listed: list[RecordEntry]
    decided_by: str  # a username, or "system" when issued at once


@dataclass
class RejectCertificate:
    certificate_id: str
    reason: str
    decided_by: str


@dataclass
class CertificateStatus:
    certificate_id: str
    status: str  # computing | in_review | issued | rejected
    escalated: bool = False


COMPUTE_RECORD = "compute_certificate_record"
OPEN_REVIEW = "open_certificate_review"
ESCALATE_REVIEW = "escalate_certificate_review"
ISSUE_CERTIFICATE = "issue_certificate"
REJECT_CERTIFICATE = "reject_certificate"
