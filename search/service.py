"""Running searches: the query from search.query (access filter included), the answer as search.results.

The REST routers and the benchmark call these; nothing else sends a search to OpenSearch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from opensearchpy import OpenSearch

from core.access import Viewer
from core.arabic import normalize_name
from core.vocabulary import Category, Outcome, PartyRole, Sensitivity, Stage
from search.indices import cases_alias
from search.query import FACETS, CaseQuery, build_parties_query, build_people_query, build_query
from search.results import (
    FacetBucket,
    MatchedPerson,
    PeoplePage,
    PersonCandidate,
    PersonCase,
    SearchHit,
    SearchPage,
)


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _facets(aggregations: Mapping[str, Any]) -> dict[str, list[FacetBucket]]:
    facets = {name: [FacetBucket(value=str(b["key"]), count=b["doc_count"])
                     for b in aggregations.get(name, {}).get("buckets", [])] for name in FACETS}
    facets["opened_year"] = [FacetBucket(value=b["key_as_string"][:4], count=b["doc_count"])
                             for b in aggregations.get("opened_year", {}).get("buckets", [])]
    return facets


#: a matched person is named in a hit when their party scores at least this share of the best one's
PEOPLE_SHOWN_SHARE = 0.5
PEOPLE_SHOWN = 5


def _matched_people(hit: Mapping[str, Any]) -> list[MatchedPerson]:
    """Each person the hit's case matched, once (one person by their identifier, else by party), best first;
    a weak match beside a strong one is left out."""
    inner = hit.get("inner_hits", {}).get("people", {}).get("hits", {}).get("hits", [])
    best = max((float(i.get("_score") or 0) for i in inner), default=0.0)
    people: list[MatchedPerson] = []
    seen: set[str] = set()
    for item in inner:
        if best and float(item.get("_score") or 0) < PEOPLE_SHOWN_SHARE * best:
            continue
        party = item["_source"]
        identity = party.get("national_id") or (f"{party.get('nationality')}:{party['passport_number']}"
                                                if party.get("passport_number") else f"party:{party['party_id']}")
        if identity in seen:
            continue
        seen.add(identity)
        people.append(MatchedPerson(party_id=party["party_id"], name=party["name"], role=PartyRole(party["role"]),
                                    national_id=party.get("national_id"),
                                    passport_number=party.get("passport_number"),
                                    nationality=party.get("nationality")))
    return people[:PEOPLE_SHOWN]


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
            opened_at=_instant(source.get("opened_at")), score=hit.get("_score"), highlights=hit.get("highlight", {}),
            people=_matched_people(hit)))
    return SearchPage(items=items, total=hits["total"]["value"], offset=query.offset, limit=query.limit,
                      sort=query.sort, facets=_facets(response.get("aggregations", {})))


def search_cases(client: OpenSearch, viewer: Viewer, query: CaseQuery) -> SearchPage:
    return shape_cases(client.search(index=cases_alias(), body=build_query(viewer, query)), query)


PartyKey = tuple[str, str]  # (case id, party id)


class PersonDirectory(Protocol):
    """The person registry, as people search asks it (store.people implements it over the read model)."""

    def persons_of(self, parties: list[PartyKey]) -> dict[PartyKey, int]:
        """The person record (after merges) of each party that has one."""
        ...

    def parties_of(self, persons: list[int]) -> dict[int, list[PartyKey]]:
        """Every party of each person record (after merges and splits)."""
        ...


class _ByIdentifier:
    """Without the registry: a person is their national ID, or passport and nationality."""

    def __init__(self, matches: list[tuple[Mapping[str, Any], Mapping[str, Any], float]]) -> None:
        self._keys: dict[PartyKey, str] = {}
        for source, party, _ in matches:
            key = _identifier(party)
            if key:
                self._keys[(source["case_id"], party["party_id"])] = key
        self._ids = {key: n for n, key in enumerate(sorted(set(self._keys.values())), start=1)}

    def persons_of(self, parties: list[PartyKey]) -> dict[PartyKey, int]:
        return {p: self._ids[self._keys[p]] for p in parties if p in self._keys}

    def parties_of(self, persons: list[int]) -> dict[int, list[PartyKey]]:
        return {}


def _identifier(party: Mapping[str, Any]) -> str | None:
    if party.get("national_id"):
        return f"nid:{party['national_id']}"
    if party.get("passport_number"):
        return f"passport:{party.get('nationality')}:{party['passport_number']}"
    return None


class _Candidate:
    def __init__(self, kind: str, person_id: int | None) -> None:
        self.kind, self.person_id = kind, person_id
        self.score = 0.0
        self.best = -1.0
        self.name = ""
        self.names_seen: list[str] = []
        self.national_ids: list[str] = []
        self.passports: list[str] = []
        self.birth_dates: list[str] = []
        self.cases: dict[str, PersonCase] = {}

    def add(self, source: Mapping[str, Any], party: Mapping[str, Any], score: float, *, matched: bool) -> None:
        if matched and score > self.best:
            self.best, self.name = score, party["name"]
        self.score = max(self.score, score)
        for name in (party["name"], *(party.get("aliases") or [])):
            if name not in self.names_seen:
                self.names_seen.append(name)
        if party.get("national_id") and party["national_id"] not in self.national_ids:
            self.national_ids.append(party["national_id"])
        if party.get("passport_number"):
            passport = f"{party.get('nationality') or ''} {party['passport_number']}".strip()
            if passport not in self.passports:
                self.passports.append(passport)
        if party.get("birth_date") and party["birth_date"] not in self.birth_dates:
            self.birth_dates.append(party["birth_date"])
        self.cases.setdefault(source["case_id"], PersonCase(
            case_id=source["case_id"], number=source["number"], stage=Stage(source["stage"]),
            owner_agency=source["owner_agency"], party_id=party["party_id"], role=PartyRole(party["role"]),
            name=party["name"], national_id=party.get("national_id"), passport_number=party.get("passport_number"),
            nationality=party.get("nationality")))

    def public(self) -> PersonCandidate:
        name = self.name or (self.names_seen[0] if self.names_seen else "")
        return PersonCandidate(kind=self.kind, national_id=self.national_ids[0] if self.national_ids else None,
                               name=name, name_normalized=normalize_name(name), names_seen=self.names_seen,
                               score=self.score, cases=list(self.cases.values()), person_id=self.person_id,
                               passport_numbers=self.passports, birth_dates=self.birth_dates)


Match = tuple[Mapping[str, Any], Mapping[str, Any], float]


def _matching_parties(response: Mapping[str, Any]) -> list[Match]:
    found = []
    for hit in response["hits"]["hits"]:
        for inner in hit["inner_hits"]["parties"]["hits"]["hits"]:
            found.append((hit["_source"], inner["_source"], float(inner.get("_score") or hit.get("_score") or 0)))
    return found


def search_people(client: OpenSearch, viewer: Viewer, *, name: str = "", national_id: str = "",
                  passport_number: str = "", directory: PersonDirectory | None = None) -> PeoplePage:
    """Candidate people: a person record (national ID, passport and nationality, or people's decision to merge)
    is one person in every case; a party without one whose name matches is its own candidate (never merged).
    Only cases the viewer may see are used, for the cases and for everything said of the person alike: a person
    is named as the best-matching case the viewer sees spells it, never as a case hidden from them does (the
    registry keeps the name first seen, which may be a sealed case's)."""
    body = build_people_query(viewer, name=name, national_ids=[national_id] if national_id else [],
                              passport_numbers=[passport_number] if passport_number else [])
    matches = _matching_parties(client.search(index=cases_alias(), body=body))
    registry: PersonDirectory = directory if directory is not None else _ByIdentifier(matches)
    persons = registry.persons_of([(source["case_id"], party["party_id"]) for source, party, _ in matches])
    scores: dict[int, float] = {}
    for source, party, score in matches:
        person = persons.get((source["case_id"], party["party_id"]))
        if person is not None:
            scores[person] = max(scores.get(person, 0.0), score)
    everything = [(source, party, score, True) for source, party, score in matches]
    if scores:
        # one person is all of their visible cases, however their name was spelled there
        wanted = registry.parties_of(sorted(scores))
        pairs = {pair: person for person, parties in wanted.items() for pair in parties}
        if pairs:
            response = client.search(index=cases_alias(), body=build_parties_query(viewer, sorted(pairs)))
            for source, party, _ in _matching_parties(response):
                pair = (source["case_id"], party["party_id"])
                if pair in pairs:
                    persons[pair] = pairs[pair]
                    everything.append((source, party, scores[pairs[pair]], False))
        elif directory is None:
            ids = sorted({p["national_id"] for _, p, _ in matches if p.get("national_id")})
            if ids:
                response = client.search(index=cases_alias(), body=build_people_query(viewer, national_ids=ids))
                for source, party, _ in _matching_parties(response):
                    pair = (source["case_id"], party["party_id"])
                    key = registry.persons_of([pair]).get(pair)
                    if key is not None:
                        persons[pair] = key
                        everything.append((source, party, scores.get(key, 0.0), False))
    candidates: dict[tuple[str, str], _Candidate] = {}
    for source, party, score, matched in everything:
        pair = (source["case_id"], party["party_id"])
        person = persons.get(pair)
        if person is not None:
            candidate = candidates.setdefault(("identity", str(person)), _Candidate("identity", person))
        else:
            candidate = candidates.setdefault(("name_match", f"{pair[0]}/{pair[1]}"), _Candidate("name_match", None))
        candidate.add(source, party, score, matched=matched)
    items = sorted((c.public() for c in candidates.values()), key=lambda c: (-c.score, c.kind, c.name))
    if directory is None:
        for item in items:
            item.person_id = None  # numbered for this answer only
    return PeoplePage(items=items, total=len(items))
