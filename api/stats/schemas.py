"""The supervision figures as a client reads them: every number with its label and the list it counts."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, Field

from core.vocabulary import AgeBucket, Category, Stage, StallReason


class CountPublic(BaseModel):
    """One number, and where to read the cases it counts (the same filters, as a list: `href`, with CSV)."""

    key: str
    label_ar: str
    label_en: str
    count: int
    href: str = Field(description="the list of the cases counted (GET; the same path with .csv for an export)")


class ScopePublic(BaseModel):
    national: bool
    agencies: list[str] = Field(description="the agencies whose cases are counted (empty when national)")


class OpenCasesPublic(BaseModel):
    total: CountPublic
    by_stage: list[CountPublic]
    by_agency: list[CountPublic]


class StalledFiguresPublic(BaseModel):
    total: CountPublic
    by_reason: list[CountPublic] = Field(description="a case past two kinds of deadline counts under each")
    by_age: list[CountPublic] = Field(description="by how long the case has been past its longest past deadline")


class HandoffsAtPublic(BaseModel):
    agency: str
    label_ar: str
    label_en: str
    waiting: CountPublic
    overdue: CountPublic = Field(description="past the acknowledgement clock")
    waiting_since: AwareDatetime
    hours_waiting: int = Field(description="the longest wait, in whole hours")


class HandoffsPublic(BaseModel):
    waiting: CountPublic
    overdue: CountPublic
    by_agency: list[HandoffsAtPublic]


class EndingSoonItem(BaseModel):
    case_id: str
    number: str
    owner_agency: str
    reason: StallReason
    subject: str | None
    person: str | None
    due_at: AwareDatetime
    hours_left: int


class EndingSoonPublic(BaseModel):
    hours: int = Field(description="how far ahead: custody and detention ending within this many hours")
    total: CountPublic
    by_reason: list[CountPublic]
    items: list[EndingSoonItem] = Field(description="the soonest first (at most 100)")


class StageTimePublic(BaseModel):
    stage: Stage
    label_ar: str
    label_en: str
    sla_days: int | None = Field(description="the stage's SLA in the rules in force")
    within: CountPublic
    near: CountPublic = Field(description="past the SLA's warning point")
    over: CountPublic = Field(description="past the SLA")
    longest_days: int | None = Field(description="the longest any case has been in this stage, in days")


class PendencyPublic(BaseModel):
    total: CountPublic
    by_age: list[CountPublic]


class AgencyFlowPublic(BaseModel):
    agency: str
    label_ar: str
    label_en: str
    opened: list[CountPublic] = Field(description="per week, in the order of `weeks`")
    closed: list[CountPublic]


class FlowPublic(BaseModel):
    weeks: list[date] = Field(description="the first day (Sunday, Tripoli) of each week, oldest first")
    opened: list[CountPublic]
    closed: list[CountPublic]
    by_agency: list[AgencyFlowPublic]


class DashboardPublic(BaseModel):
    as_of: AwareDatetime
    scope: ScopePublic
    open_cases: OpenCasesPublic
    stalled: StalledFiguresPublic
    handoffs: HandoffsPublic
    ending_soon: EndingSoonPublic
    time_in_stage: list[StageTimePublic]
    pendency: PendencyPublic
    flow: FlowPublic


class CaseRowPublic(BaseModel):
    """A case behind a number."""

    id: str
    number: str
    stage: Stage
    category: Category
    offence: str
    owner_agency: str
    opening_agency: str | None
    in_transit: bool
    opened_at: AwareDatetime
    updated_at: AwareDatetime
    closed_at: AwareDatetime | None
    days_open: int
    pending: AgeBucket | None
    past_deadlines: list[StallReason] = Field(description="the deadlines it is past now, most urgent first")


class CaseRowPage(BaseModel):
    items: list[CaseRowPublic]
    total: int
    offset: int
    limit: int
    as_of: AwareDatetime
