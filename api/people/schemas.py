"""The person registry: what a client sends and gets back."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from api.params import Line, Prose
from core.vocabulary import PartyRole, PersonDecisionKind, Stage

#: a person record's id in a body (a path's is api.params.RowId)
PERSON_ID_MAX = 2**63 - 1


class PartyRef(BaseModel):
    case_id: Line = Field(max_length=64)
    party_id: Line = Field(max_length=16, examples=["p1"])


class MergeCreate(BaseModel):
    """The other record is the same person: it is merged into this one."""

    other_person_id: int = Field(ge=1, le=PERSON_ID_MAX)
    reason: Prose = Field(min_length=3, max_length=2000, examples=["نفس الشخص: رقم جواز السفر في ملف الجوازات"])


class UnmergeCreate(BaseModel):
    """A merge undone: the record merged into this one stands on its own again."""

    merged_person_id: int = Field(ge=1, le=PERSON_ID_MAX)
    reason: Prose = Field(min_length=3, max_length=2000)


class LinkCreate(PartyRef):
    """The party is this person."""

    reason: Prose = Field(min_length=3, max_length=2000)


class SplitCreate(BaseModel):
    """These parties of this person are another person: they get a record of their own."""

    parties: list[PartyRef] = Field(min_length=1, max_length=50)
    reason: Prose = Field(min_length=3, max_length=2000)


class PersonParty(BaseModel):
    case_id: str
    number: str
    stage: Stage
    party_id: str
    role: PartyRole
    name: str
    national_id: str | None = None
    passport_number: str | None = None
    nationality: str | None = None
    birth_date: str | None = None
    #: the record the party's own identifier or a decision ties it to (this one, or one merged into it)
    record_id: int | None = None


class DecisionPublic(BaseModel):
    id: int
    kind: PersonDecisionKind
    person_id: int
    other_person_id: int | None
    #: the parties it named, those in cases the caller may see
    parties: list[PartyRef]
    reason: str
    decided_by: str
    decided_role: str
    decided_at: AwareDatetime


class PersonPublic(BaseModel):
    """A person record as the caller may know it: the parties of the cases they may see, the records merged into
    it, and what people decided about it. Nothing from a case hidden from the caller."""

    person_id: int
    #: the record this one was merged into, when it was (its parties are that person's)
    merged_into: int | None = None
    merged_records: list[int] = []
    parties: list[PersonParty]
    #: the names of its parties are not all spellings of one name: check them
    names_differ: bool = False
    decisions: list[DecisionPublic] = []


class DecisionResult(BaseModel):
    decision: DecisionPublic
    person_id: int
    #: a split's new record
    new_person_id: int | None = None
