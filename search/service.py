"""Running searches: the query from search.query (access filter included), the answer as search.results.

The REST routers and the benchmark call these; nothing else sends a search to OpenSearch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from opensearchpy import OpenSearch

from core.access import Viewer
from core.arabic import normalize_name
from core.vocabulary import Category, Outcome, PartyRole, Sensitivity, Stage
from search.indices import cases_alias
from search.query import FACETS, CaseQuery, build_people_query, build_query
from search.results import FacetBucket, PeoplePage, PersonCandidate, PersonCase, SearchHit, SearchPage


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _facets(aggregations: Mapping[str, Any]) -> dict[str, list[FacetBucket]]:
    facets = {name: [FacetBucket(value=str(b["key"]), count=b["doc_count"])
                     for b in aggregations.get(name, {}).get("buckets", [])] for name in FACETS}
    facets["opened_year"] = [FacetBucket(value=b["key_as_string"][:4], count=b["doc_count"])
                             for b in aggregations.get("opened_year", {}).get("buckets", [])]
    return facets


def shape_cases(response: Mapping[str, Any], query: CaseQuery) -> SearchPage:
    hits = response["hits"]
    items = []
    for hit in hits["hits"]:
        source = hit["_source"]
        items.append(SearchHit(
            id=source["case_id"], number=source["number"], stage=Stage(source["stage"]),
            outcome=Outcome(source["outcome"]) if source.get("outcome") else None,
            owner_agency=source["owner_agency"], directorate=source.get("directorate"),
            category=Category(source["category"]), sensitivity=Sensitivity(source["sensitivity"]),
            offence=source["offence"],
            opened_at=_instant(source.get("opened_at")), score=hit.get("_score"), highlights=hit.get("highlight", {})))
    return SearchPage(items=items, total=hits["total"]["value"], offset=query.offset, limit=query.limit,
                      sort=query.sort, facets=_facets(response.get("aggregations", {})))


def search_cases(client: OpenSearch, viewer: Viewer, query: CaseQuery) -> SearchPage:
    return shape_cases(client.search(index=cases_alias(), body=build_query(viewer, query)), query)


class _Candidate:
    def __init__(self, kind: str, national_id: str | None, name: str, name_normalized: str) -> None:
        self.kind, self.national_id, self.name, self.name_normalized = kind, national_id, name, name_normalized
        self.names_seen: list[str] = []
        self.score = 0.0
        self.cases: dict[str, PersonCase] = {}

    def add(self, source: Mapping[str, Any], party: Mapping[str, Any], score: float) -> None:
        self.score = max(self.score, score)
        if party["name"] not in self.names_seen:
            self.names_seen.append(party["name"])
        self.cases.setdefault(source["case_id"], PersonCase(
            case_id=source["case_id"], number=source["number"], stage=Stage(source["stage"]),
            owner_agency=source["owner_agency"], party_id=party["party_id"], role=PartyRole(party["role"]),
            name=party["name"]))

    def public(self) -> PersonCandidate:
        return PersonCandidate(kind=self.kind, national_id=self.national_id, name=self.name,
                               name_normalized=self.name_normalized, names_seen=self.names_seen, score=self.score,
                               cases=list(self.cases.values()))


def _matching_parties(response: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any], float]]:
    found = []
    for hit in response["hits"]["hits"]:
        for inner in hit["inner_hits"]["parties"]["hits"]["hits"]:
            found.append((hit["_source"], inner["_source"], float(inner.get("_score") or hit.get("_score") or 0)))
    return found


def search_people(client: OpenSearch, viewer: Viewer, *, name: str = "", national_id: str = "") -> PeoplePage:
    """Candidate identities: a national ID is one person in every case; a party without an ID whose
    name matches is its own candidate (never merged). Only cases the viewer may see are used, for the
    cases and for the names alike: an identity is named as the best-matching case the viewer sees spells it,
    never as a case hidden from them does (the people registry keeps the name first seen, which may be a
    sealed case's)."""
    first = client.search(index=cases_alias(), body=build_people_query(
        viewer, name=name, national_ids=[national_id] if national_id else []))
    matches = _matching_parties(first)
    ids = sorted({p["national_id"] for _, p, _ in matches if p.get("national_id")})
    if ids:
        # one identity is all of that person's visible cases, however their name was spelled there
        every_case = client.search(index=cases_alias(), body=build_people_query(viewer, national_ids=ids))
        scores = {p["national_id"]: s for _, p, s in matches if p.get("national_id")}
        matches += [(c, p, scores.get(p.get("national_id") or "", 0.0)) for c, p, _ in _matching_parties(every_case)]
    candidates: dict[tuple[str, str], _Candidate] = {}
    for source, party, score in matches:
        national = party.get("national_id")
        if national:
            key = ("identity", national)
            candidate = candidates.setdefault(key, _Candidate("identity", national, party["name"],
                                                              normalize_name(party["name"])))
        else:
            key = ("name_match", f"{source['case_id']}/{party['party_id']}")
            candidate = candidates.setdefault(key, _Candidate("name_match", None, party["name"],
                                                              party["name_normalized"]))
        candidate.add(source, party, score)
    items = sorted((c.public() for c in candidates.values()), key=lambda c: (-c.score, c.kind, c.name))
    return PeoplePage(items=items, total=len(items))
