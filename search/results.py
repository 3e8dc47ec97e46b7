"""What a search answers, as search's own types (the API serves them as they are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.vocabulary import Category, Outcome, PartyRole, Sensitivity, Stage


@dataclass
class MatchedPerson:
    """A person a hit matched, once, as the case (which the caller may see) names them."""

    party_id: str
    name: str
    role: PartyRole
    national_id: str | None = None
    passport_number: str | None = None
    nationality: str | None = None


@dataclass
class SearchHit:
    id: str
    number: str
    stage: Stage
    owner_agency: str
    category: Category
    offence: str
    score: float | None
    #: matched fragments, the match inside <mark>…</mark>
    highlights: dict[str, list[str]] = field(default_factory=dict)
    outcome: Outcome | None = None
    directorate: str | None = None
    sensitivity: Sensitivity = Sensitivity.normal
    opened_at: datetime | None = None
    #: the people of the case the query matched, best first, each once, with their role and identifiers
    people: list[MatchedPerson] = field(default_factory=list)


@dataclass
class FacetBucket:
    value: str
    count: int


@dataclass
class SearchPage:
    items: list[SearchHit]
    total: int
    offset: int
    limit: int
    sort: str = "relevance"
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)


@dataclass
class PersonCase:
    case_id: str
    number: str
    stage: Stage
    owner_agency: str
    party_id: str
    role: PartyRole
    name: str
    national_id: str | None = None
    passport_number: str | None = None
    nationality: str | None = None


@dataclass
class PersonCandidate:
    """`identity`: one person record (by national ID, by passport and nationality, or as people decided by
    merging records), across cases. `name_match`: a party with no person record whose name matches; offered
    for a human to judge, never merged into an identity. Everything said of a person comes from the cases the
    caller may see: names, identifiers, date of birth."""

    kind: str  # identity | name_match
    national_id: str | None
    name: str
    name_normalized: str
    names_seen: list[str]
    score: float
    cases: list[PersonCase]
    person_id: int | None = None
    passport_numbers: list[str] = field(default_factory=list)  # "EGY A1234567"
    birth_dates: list[str] = field(default_factory=list)


@dataclass
class PeoplePage:
    items: list[PersonCandidate]
    total: int
