"""The one query builder: every search goes through `build_query` or `build_people_query`, which AND
the caller's access filter with what they asked for. No search path reaches OpenSearch without it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.access import Viewer
from core.vocabulary import Sensitivity

#: how a result page may be ordered
SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"opened_at": "desc"}, {"case_id": "asc"}],
    "newest": [{"opened_at": "desc"}, {"case_id": "asc"}],
    "oldest": [{"opened_at": "asc"}, {"case_id": "asc"}],
    "updated": [{"updated_at": "desc"}, {"case_id": "asc"}],
}

#: facet name -> indexed keyword field (counted within what the caller may see)
FACETS: dict[str, str] = {
    "stage": "stage",
    "category": "category",
    "agency": "agencies_involved",
    "directorate": "directorate",
    "sensitivity": "sensitivity",
}

DATE_FIELDS = ("opened_at", "occurred_at")
#: OpenSearch's default window (index.max_result_window): deeper pages need search_after
MAX_WINDOW = 10_000

_SOURCE = ["case_id", "number", "stage", "outcome", "owner_agency", "category", "sensitivity", "offence",
           "directorate", "opened_at", "occurred_at"]


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    stage: str | None = None
    category: str | None = None
    agency: str | None = None
    directorate: str | None = None
    date_field: str = "opened_at"
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True


def access_filter(viewer: Viewer) -> dict[str, Any]:
    """core.access.may_see, as an OpenSearch filter (parity tested in tests/test_search_access.py)."""
    if viewer.sees_nothing:
        return {"bool": {"must_not": {"match_all": {}}}}
    should: list[dict[str, Any]] = []
    if viewer.agencies:
        should.append({"terms": {"access_agencies": sorted(viewer.agencies)}})
    if viewer.national:
        should.append({"bool": {"must_not": {"term": {"sensitivity": Sensitivity.sealed.value}}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def name_clauses(text: str, field: str) -> list[dict[str, Any]]:
    """A name as typed: exact (Arabic-normalised) scores highest, spelling variants and prefixes lower."""
    return [
        {"match_phrase": {field: {"query": text, "boost": 6}}},
        {"match": {field: {"query": text, "operator": "and", "boost": 3}}},
        {"match": {f"{field}.variants": {"query": text, "operator": "and", "fuzziness": "AUTO",
                                         "prefix_length": 1, "boost": 2}}},
        {"match": {f"{field}.prefix": {"query": text, "operator": "and", "boost": 0.5}}},
    ]


def _text_clause(text: str) -> dict[str, Any]:
    return {"bool": {"should": [
        {"term": {"number": {"value": text, "boost": 20}}},
        {"term": {"national_ids": {"value": text, "boost": 20}}},
        *name_clauses(text, "names"),
        {"multi_match": {"query": text, "fields": ["offence^2", "offence.en", "narrative", "narrative.en", "place",
                                                  "charges", "charges.en"]}},
    ], "minimum_should_match": 1}}


def _date_range(query: CaseQuery) -> dict[str, Any] | None:
    if query.date_from is None and query.date_to is None:
        return None
    if query.date_field not in DATE_FIELDS:
        raise ValueError(f"date_field must be one of {DATE_FIELDS}")
    bounds: dict[str, Any] = {"time_zone": "Africa/Tripoli"}  # days as a Libyan clerk counts them
    if query.date_from is not None:
        bounds["gte"] = query.date_from.isoformat()
    if query.date_to is not None:
        bounds["lte"] = query.date_to.isoformat()  # a whole day: lte rounds up a date-only bound
    return {"range": {query.date_field: bounds}}


def build_query(viewer: Viewer, query: CaseQuery) -> dict[str, Any]:
    if query.sort not in SORTS:
        raise ValueError(f"sort must be one of {sorted(SORTS)}")
    filters: list[dict[str, Any]] = [access_filter(viewer)]
    for field, value in (("stage", query.stage), ("category", query.category),
                         ("agencies_involved", query.agency), ("directorate", query.directorate)):
        if value:
            filters.append({"term": {field: value}})
    date_range = _date_range(query)
    if date_range:
        filters.append(date_range)
    text = query.text.strip()
    body: dict[str, Any] = {
        "query": {"bool": {"must": [_text_clause(text)] if text else [{"match_all": {}}], "filter": filters}},
        "from": query.offset,
        "size": query.limit,
        "sort": SORTS[query.sort],
        "track_total_hits": True,
        "_source": _SOURCE,
    }
    if text:
        body["highlight"] = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {
            "names": {"number_of_fragments": 0}, "names.variants": {"number_of_fragments": 0},
            "narrative": {"fragment_size": 160, "number_of_fragments": 2},
            "offence": {"number_of_fragments": 0}, "charges": {"number_of_fragments": 0},
        }}
    if query.facets:
        # the access filter is in the query, so the counts never reveal what the caller may not see
        body["aggs"] = {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()}
        body["aggs"]["opened_year"] = {"date_histogram": {"field": "opened_at", "calendar_interval": "year",
                                                          "time_zone": "Africa/Tripoli", "min_doc_count": 1}}
    return body


def build_people_query(viewer: Viewer, *, name: str = "", national_ids: Sequence[str] = (),
                       size: int = 200) -> dict[str, Any]:
    """Cases with a party matching the name or one of the national IDs; `inner_hits` name the parties."""
    party_should: list[dict[str, Any]] = []
    ids = sorted({i.strip() for i in national_ids if i.strip()})
    if ids:
        party_should.append({"terms": {"parties.national_id": ids, "boost": 20}})
    if name.strip():
        party_should.extend(name_clauses(name.strip(), "parties.name"))
    if not party_should:
        raise ValueError("a name or a national ID is required")
    return {
        "query": {"bool": {
            "must": [{"nested": {"path": "parties", "score_mode": "max", "query": {
                "bool": {"should": party_should, "minimum_should_match": 1}},
                "inner_hits": {"size": 20, "_source": ["parties.party_id", "parties.role", "parties.name",
                                                       "parties.name_normalized", "parties.national_id"]}}}],
            "filter": [access_filter(viewer)],
        }},
        "size": size,
        "_source": ["case_id", "number", "stage", "owner_agency", "opened_at"],
        "sort": ["_score", {"opened_at": "desc"}, {"case_id": "asc"}],
    }
