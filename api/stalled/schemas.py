"""The stalled list as a client reads it: each case past a deadline, why, since when, most urgent first."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from core.vocabulary import AgeBucket, Category, Stage, StallReason, Urgency


class PastDeadlinePublic(BaseModel):
    """One deadline the case is past (core.supervision.Deadline)."""

    reason: StallReason
    label_ar: str
    label_en: str
    urgency: Urgency
    subject: str | None = Field(description="the person held, for custody and detention (a party id of the case)")
    started_at: AwareDatetime
    due_at: AwareDatetime = Field(description="when it fell due: past since then")
    days_past: int
    on_record: bool = Field(description="false: past, but its expiry is not yet in the case's log (shown all the "
                                        "same; the case's workflow records it when it runs)")
    release_due: bool = Field(default=False, description="a person's custody or detention period past with no "
                                                         "extension: they are due for release")


class StalledCasePublic(BaseModel):
    id: str
    number: str
    stage: Stage
    category: Category
    offence: str
    owner_agency: str
    in_transit: bool
    urgency: Urgency = Field(description="of its most urgent past deadline: liberty, then hand-off, then other")
    urgent_since: AwareDatetime
    stalled_since: AwareDatetime = Field(description="its longest past deadline's due instant")
    days_stalled: int
    age: AgeBucket
    on_record: bool = Field(description="every deadline it is past is in the case's log")
    deadlines: list[PastDeadlinePublic]


class StalledPage(BaseModel):
    items: list[StalledCasePublic]
    total: int
    offset: int
    limit: int
    as_of: AwareDatetime = Field(description="the instant the list was read at: what is past is past then")
