"""API models, layered: what a client sends (XCreate) and what it gets back (XPublic)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from core.vocabulary import Category, ClockStatus, OffenceClass, Outcome, PartyRole, Sensitivity, Stage


class PartyCreate(BaseModel):
    role: PartyRole = Field(examples=["accused"])
    name: str = Field(examples=["أحمد عبد الله المبروك"])
    national_id: str | None = Field(default=None, examples=["119850012345"])
    #: a foreigner: the passport's number with the ISO 3166-1 alpha-3 code of the country that issued it
    passport_number: str | None = Field(default=None, examples=["A12345678"])
    nationality: str | None = Field(default=None, examples=["EGY"])
    birth_date: str | None = Field(default=None, examples=["1985-03-14"], description="YYYY-MM-DD")
    birth_place: str | None = Field(default=None, examples=["طرابلس"])
    mother_name: str | None = Field(default=None, examples=["فاطمة علي الزوي"])
    aliases: list[str] = Field(default=[], description="other names the person goes by")


class IdentityWarningPublic(BaseModel):
    """Accepted, with something to check: the same identifier already names someone under another name."""

    code: str
    field: str
    message: str
    message_ar: str
    #: the names it carries in cases the caller may see
    known_names: list[str] = []


class CaseCreate(BaseModel):
    """open_case: the report (بلاغ / محضر)."""

    offence: str
    category: Category = Field(examples=["misdemeanour"])
    sensitivity: Sensitivity = Sensitivity.normal
    #: where the law sets a special regime (state security…), the classification that chooses its periods
    classification: OffenceClass | None = Field(default=None, examples=["ordinary"])
    occurred_at: AwareDatetime
    place: str
    narrative: str
    parties: list[PartyCreate] = []


class CaseCreated(BaseModel):
    id: str
    number: str
    stage: Stage
    warnings: list[IdentityWarningPublic] = []


class ActionPublic(BaseModel):
    case_id: str
    seq: int
    stage: Stage
    owner_agency: str
    action: str
    #: `not_yet_on_record`: the action is accepted and in the case's history, its log and read model behind
    notices: list[str] = []
    warnings: list[IdentityWarningPublic] = []


class EventPublic(BaseModel):
    seq: int
    name: str
    at: AwareDatetime
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
    started_at: AwareDatetime
    expires_at: AwareDatetime
    expires_at_local: str
    #: a deadline counted in days ends at the end of its last day, in Tripoli: shown as that day ("until the end
    #: of 10 Feb"), never as the next midnight; None for a clock counted in hours
    last_day: date | None = None
    status: ClockStatus


class SentencePublic(BaseModel):
    """What the system computes from a convict's sentence (core.sentences), beside the judge's wording."""

    party_id: str
    kind: str | None
    credited_days: int
    expected_release: date | None
    over_detention: bool
    awaits_confirmation: bool


class SupervisionNotePublic(BaseModel):
    seq: int
    at: AwareDatetime
    by: str
    agency: str
    text: str


class CasePublic(BaseModel):
    id: str
    number: str
    stage: Stage
    outcome: Outcome | None
    owner_agency: str
    region: str | None
    category: Category
    sensitivity: Sensitivity
    offence: str
    place: str
    narrative: str
    opened_at: AwareDatetime
    in_transit: bool
    stalled: bool
    stalled_reasons: list[str]
    parties: list[dict[str, Any]]
    verdicts: list[dict[str, Any]]
    hearings: list[dict[str, Any]]
    charges: list[str]
    pending_handoff: dict[str, Any] | None
    open_clocks: list[ClockPublic]
    #: deadlines past and not resolved since (core.supervision: their expiry on the case's record): a page keeps
    #: them in sight, marked expired, until what they waited for is done
    expired_clocks: list[ClockPublic] = []
    agencies_involved: list[str]
    allowed_actions: list[str]
    #: per allowed action, the values its party and agency fields may take (party ids, agency codes)
    action_choices: dict[str, dict[str, list[str]]] = {}
    timeline: list[EventPublic]
    #: notes by the case's supervisors and chiefs (add_supervision_note), oldest first
    supervision_notes: list[SupervisionNotePublic] = []
    #: the facts' legal description through the case: the report's, then each requalification (empty: never
    #: requalified)
    qualifications: list[dict[str, Any]] = []
    #: a case severed from another: that case's id and number (each severed accused's own case is their
    #: party's `severed_to`)
    severed_from: str | None = None
    severed_from_number: str | None = None
    #: per convict (and per person acquitted while still held): credit, expected release, over-detention, and a
    #: death sentence awaiting the Supreme Court's confirmation
    sentences: list[SentencePublic] = []


class CaseSummary(BaseModel):
    id: str
    number: str
    stage: Stage
    owner_agency: str
    category: Category
    offence: str
    outcome: Outcome | None
    stalled: bool
    #: why: the deadlines past now (police_custody, handoff_ack, stage_sla…, idle), their expiry on record or not
    stalled_reasons: list[str] = []
    in_transit: bool
    opened_at: AwareDatetime
    updated_at: AwareDatetime


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    offset: int
    limit: int
