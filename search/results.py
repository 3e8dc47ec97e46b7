"""What a search answers, as search's own types (the API serves them as they are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.vocabulary import Category, Outcome, PartyRole, Sensitivity, Stage


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


@dataclass
class PersonCandidate:
    """`identity`: one person by national ID, across cases. `name_match`: a party without an ID whose
    name matches; offered for a human to judge, never merged into an identity."""

    kind: str  # identity | name_match
    national_id: str | None
    name: str
    name_normalized: str
    names_seen: list[str]
    score: float
    cases: list[PersonCase]


@dataclass
class PeoplePage:
    items: list[PersonCandidate]
    total: int
