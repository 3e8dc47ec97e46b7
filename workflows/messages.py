"""The messages between Mizan's workflows, their activities and the API: one dataclass per message,
and the activity names they travel under."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.case import CaseEvent
from core.clocks import RuleBook
from core.records import RecordEntry
from core.vocabulary import Stage

# ---------------------------------------------------------------- the case workflow


@dataclass
class RecordEvents:
    """Append events to the case's permanent log and fold them into the read model's state.

    Only the events travel: the projection is the fold of the log (core.effects.apply), so the
    read model can always be rebuilt from the log. `number` and `rules` start the fold of a new case.
    """

    case_id: str
    number: str
    rules: RuleBook
    events: list[CaseEvent]


@dataclass
class Recorded:
    """What `record_and_index` did: how many events it wrote, and whether the case reached the index."""

    written: int
    indexed: bool


@dataclass
class IndexCase:
    case_id: str
    seq: int


@dataclass
class ActionResult:
    case_id: str
    seq: int
    stage: Stage
    owner_agency: str
    event: CaseEvent
    notices: list[str] = field(default_factory=list)


RECORD_EVENTS = "record_events"
RECORD_AND_INDEX = "record_and_index"
INDEX_CASE = "index_case"
DELIVER_MERGE = "deliver_merge"
#: a severed accused's case of their own, started from the file the severance carried (activities.severing)
START_SEVERED_CASE = "start_severed_case"
ANCHOR_AUDIT = "anchor_audit_chain"

# ---------------------------------------------------------------- the certificate workflow


@dataclass
class CertificateStart:
    certificate_id: str
    national_id: str
    holder_name: str
    review_hours: float  # the records officer's clock, fixed at request time (the workflow stays deterministic)


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
    #: findings of the holder's own record left off, by record id, each with its ground (core.records)
    omissions: dict[str, str] = field(default_factory=dict)


@dataclass
class ReviewApproval:
    """A second records officer's answer to findings another officer left off: approve, or decline with a reason
    (the request goes back to review)."""

    officer: str
    officer_roles: list[str]
    approve: bool
    reason: str = ""


@dataclass
class OpenApproval:
    certificate_id: str
    proposed_by: str
    listed: list[int]
    omissions: dict[str, str]


@dataclass
class DeclineApproval:
    certificate_id: str
    declined_by: str
    reason: str


@dataclass
class IssueCertificate:
    certificate_id: str
    listed: list[RecordEntry]
    decided_by: str  # a username, or "system" when issued at once
    omissions: dict[str, str] = field(default_factory=dict)
    approved_by: str | None = None  # the second officer who approved what was left off


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
OPEN_APPROVAL = "open_certificate_approval"
DECLINE_APPROVAL = "decline_certificate_approval"


# ---------------------------------------------------------------- notifications

DELIVER_EMAILS = "deliver_emails"
SWEEP_REMINDERS = "sweep_reminders"


@dataclass
class PostRound:
    """One round of the postman's activity: it sends what is due, and waits for more, for `seconds`."""

    seconds: int = 300
    batch: int = 50
    idle_poll_seconds: float = 1.0


@dataclass
class PostReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass
class SweepReport:
    hearing_reminders: int = 0
    escalations: int = 0


@dataclass
class SeveredCase:
    """An accused's proceedings severed from `source_case_id` (sever_accused): their new case, its id decided with
    the severance, numbered by the agency that held the file, starting from the file the severance logged."""

    case_id: str
    source_case_id: str
    agency: str
    rules: RuleBook
    file: dict[str, Any]
