"""The one query builder: every search goes through `build_query`, which ANDs the caller's access
filter with what they asked for. No search path reaches OpenSearch without it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.access import Viewer
from core.arabic import normalize_name


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    stage: str | None = None
    category: str | None = None
    agency: str | None = None
    offset: int = 0
    limit: int = 20


def access_filter(viewer: Viewer) -> dict[str, Any]:
    """core.access.may_see, as an OpenSearch filter."""
    if viewer.sees_nothing:
        return {"bool": {"must_not": {"match_all": {}}}}
    should: list[dict[str, Any]] = []
    if viewer.agencies:
        should.append({"terms": {"agencies_involved": sorted(viewer.agencies)}})
    if viewer.national:
        should.append({"bool": {"must_not": {"term": {"sensitivity": "sealed"}}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def build_query(viewer: Viewer, query: CaseQuery) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [access_filter(viewer)]
    for field, value in (("stage", query.stage), ("category", query.category),
                         ("agencies_involved", query.agency)):
        if value:
            filters.append({"term": {field: value}})
    must: list[dict[str, Any]] = []
    text = query.text.strip()
    if text:
        must.append({"bool": {"should": [
            {"term": {"number": {"value": text, "boost": 10}}},
            {"term": {"national_ids": {"value": text, "boost": 10}}},
            {"match_phrase": {"names": {"query": normalize_name(text), "boost": 5}}},
            {"match": {"names": {"query": normalize_name(text), "operator": "and", "boost": 3,
                                 "fuzziness": "AUTO"}}},
            {"match": {"names.prefix": {"query": normalize_name(text), "operator": "and"}}},
            {"multi_match": {"query": text, "fields": ["offence^2", "offence.en", "narrative", "narrative.en",
                                                      "place", "charges"]}},
        ], "minimum_should_match": 1}})
    return {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "from": query.offset,
        "size": query.limit,
        "sort": ["_score", {"opened_at": "desc"}],
        "highlight": {"fields": {"names": {}, "narrative": {}, "offence": {}}},
        "_source": ["case_id", "number", "stage", "owner_agency", "category", "offence", "opened_at", "sensitivity"],
    }
