"""API models, layered: what a client sends (XCreate) and what it gets back (XPublic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class PartyCreate(BaseModel):
    role: str = Field(examples=["accused"])
    name: str = Field(examples=["أحمد عبد الله المبروك"])
    national_id: str | None = Field(default=None, examples=["119850012345"])


class CaseCreate(BaseModel):
    """open_case: the report (بلاغ / محضر)."""

    offence: str
    category: str = Field(examples=["misdemeanour"])
    sensitivity: str = "normal"
    occurred_at: datetime
    place: str
    narrative: str
    parties: list[PartyCreate] = []


class CaseCreated(BaseModel):
    id: str
    number: str
    stage: str


class ActionPublic(BaseModel):
    case_id: str
    seq: int
    stage: str
    owner_agency: str
    action: str


class EventPublic(BaseModel):
    seq: int
    name: str
    at: datetime
    actor: str | None
    role: str | None
    agency: str | None
    fields: dict[str, Any]


class ClockPublic(BaseModel):
    clock_id: str
    name: str
    label_ar: str
    label_en: str
    subject: str | None
    started_at: datetime
    expires_at: datetime
    expires_at_local: str
    status: str


class CasePublic(BaseModel):
    id: str
    number: str
    stage: str
    outcome: str | None
    owner_agency: str
    region: str | None
    category: str
    sensitivity: str
    offence: str
    place: str
    narrative: str
    opened_at: datetime
    in_transit: bool
    stalled: bool
    stalled_reasons: list[str]
    parties: list[dict[str, Any]]
    verdicts: list[dict[str, Any]]
    hearings: list[dict[str, Any]]
    charges: list[str]
    pending_handoff: dict[str, Any] | None
    open_clocks: list[ClockPublic]
    agencies_involved: list[str]
    allowed_actions: list[str]
    timeline: list[EventPublic]


class CaseSummary(BaseModel):
    id: str
    number: str
    stage: str
    owner_agency: str
    category: str
    offence: str
    outcome: str | None
    stalled: bool
    stalled_reasons: list[str] = []  # why: the expired clocks (police_custody, handoff_ack, stage_sla…) or idle
    in_transit: bool
    opened_at: datetime
    updated_at: datetime


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    offset: int
    limit: int


class SearchHit(BaseModel):
    id: str
    number: str
    stage: str
    outcome: str | None = None
    owner_agency: str
    directorate: str | None = None
    category: str
    sensitivity: str = "normal"
    offence: str
    opened_at: datetime | None = None
    score: float | None
    highlights: dict[str, list[str]] = Field(description="matched fragments, the match inside <mark>…</mark>")


class FacetBucket(BaseModel):
    value: str
    count: int


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int
    offset: int
    limit: int
    sort: str = "relevance"
    facets: dict[str, list[FacetBucket]] = {}


class PersonCase(BaseModel):
    case_id: str
    number: str
    stage: str
    owner_agency: str
    party_id: str
    role: str
    name: str


class PersonCandidate(BaseModel):
    """`identity`: one person by national ID, across cases. `name_match`: a party without an ID whose
    name matches; offered for a human to judge, never merged into an identity."""

    kind: str = Field(examples=["identity", "name_match"])
    national_id: str | None
    name: str
    name_normalized: str
    names_seen: list[str]
    score: float
    cases: list[PersonCase]


class PeoplePage(BaseModel):
    items: list[PersonCandidate]
    total: int


class GrantCreate(BaseModel):
    agency: str = Field(examples=["cid"])
    reason: str = Field(min_length=3, examples=["طلب النيابة العامة للاطلاع"])


class GrantPublic(BaseModel):
    case_id: str
    agency: str
    granted_by: str
    granted_at: datetime
    reason: str


class AuditRecordPublic(BaseModel):
    id: int
    at: datetime
    username: str
    role: str
    agency: str
    action: str
    case_id: str | None
    outcome: str
    address: str | None
    detail: dict[str, Any]
    hash: str


class AuditPage(BaseModel):
    items: list[AuditRecordPublic]
    total: int
    offset: int
    limit: int


class DocumentPublic(BaseModel):
    ref: str = Field(examples=["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    title: str | None = None
    size: int
    content_type: str
    filename: str
    uploaded_by: str
    uploaded_at: datetime


class DocumentAttached(BaseModel):
    document: DocumentPublic
    case_id: str
    seq: int
    stored: bool  # false when the same bytes were already in the store
