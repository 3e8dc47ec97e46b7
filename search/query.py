"""The one query builder: every search goes through `build_query` or `build_people_query`, which AND
the caller's access filter with what they asked for. No search path reaches OpenSearch without it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.access import Viewer
from core.arabic import NamePart, name_forms
from core.text import NATIONAL_ID_DIGITS, PASSPORT_MAX, PASSPORT_MIN, normalize_national_id, normalize_passport_number
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


class Tier:
    """What one part of a name scores, by how it matched a part of a party's name (core.arabic's forms): exact
    above normalized above the dictionary above phonetic above partial. A person whose name holds every part
    asked for scores WHOLE_PERSON more, so that all parts in one party rank above parts spread over several;
    an identifier typed in whole comes before any name."""

    EXACT = 100.0
    NORMALIZED = 80.0
    DICTIONARY = 70.0
    DICTIONARY_NEAR = 60.0  # one letter from a listed spelling
    PHONETIC = 50.0
    WITHOUT_PARTICLE = 40.0  # خمادة for بوخمادة
    PARTIAL = 20.0  # a prefix being typed, or a key one letter off (a typo)
    WHOLE_PERSON = 200.0
    IDENTIFIER = 1000.0
    #: among equals, a shorter name is the closer one: up to this much for a name of one part (never a tier)
    SHORTER_NAME = 8.0
    #: free text (offence, narrative, charges) counts for less than any name part
    FREE_TEXT = 0.3


#: a part shorter than this is not matched by prefix or by a key one letter off
PARTIAL_MIN = 3


def _constant(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _part_matches(part: NamePart, path: str) -> list[tuple[dict[str, Any], float]]:
    """Every way a party's name may match this part, with its tier."""
    f = f"{path}." if path else ""
    found: list[tuple[dict[str, Any], float]] = [
        ({"term": {f"{f}n_exact": part.exact}}, Tier.EXACT),
        ({"term": {f"{f}n_norm": part.normalized}}, Tier.NORMALIZED),
        ({"terms": {f"{f}n_keys": sorted(part.keys)}}, Tier.PHONETIC),
    ]
    if part.canon:
        found.append(({"terms": {f"{f}n_canon": sorted(part.canon)}}, Tier.DICTIONARY))
        found.append(({"terms": {f"{f}n_near": sorted(part.canon)}}, Tier.DICTIONARY_NEAR))
    if part.canon_near:
        found.append(({"terms": {f"{f}n_canon": sorted(part.canon_near)}}, Tier.DICTIONARY_NEAR))
    free = {part.normalized, *(f"k:{k}" for k in part.keys)}
    found.append(({"terms": {f"{f}n_free": sorted(free)}}, Tier.WITHOUT_PARTICLE))
    if part.particle_free:
        without = sorted(part.particle_free)
        found.append(({"terms": {f"{f}n_norm": [w for w in without if not w.startswith("k:")]}},
                      Tier.WITHOUT_PARTICLE))
        found.append(({"terms": {f"{f}n_keys": [w[2:] for w in without if w.startswith("k:")]}},
                      Tier.WITHOUT_PARTICLE))
    if len(part.normalized) >= PARTIAL_MIN:
        found.append(({"prefix": {f"{f}n_norm": part.normalized}}, Tier.PARTIAL))
        for key in sorted(part.keys)[:4]:
            if len(key) >= PARTIAL_MIN:
                found.append(({"fuzzy": {f"{f}n_keys": {"value": key, "fuzziness": 1, "prefix_length": 1,
                                                        "max_expansions": 20}}}, Tier.PARTIAL))
    return found


def identifier_of(text: str) -> tuple[str | None, str | None]:
    """(a national ID, a passport number) when the text is one typed in whole, in any script's digits."""
    national = normalize_national_id(text)
    if national.isdigit() and len(national) == NATIONAL_ID_DIGITS:
        return national, None
    passport = normalize_passport_number(text)
    digits = sum(c.isdigit() for c in passport)
    if (PASSPORT_MIN <= len(passport) <= PASSPORT_MAX and passport.isalnum() and passport.isascii()
            and 0 < len(passport) - digits <= digits
            # a name typed with a number in it is not a passport: "Ahmed Abdullah 4a6372" has a word in it
            and not any(word.isalpha() and len(word) >= 3 for word in text.split())):
        return None, passport
    return None, None


def person_query(text: str, *, national_ids: Sequence[str] = (), passport_numbers: Sequence[str] = ()
                 ) -> dict[str, Any] | None:
    """One party (a nested `parties` document) matching a name as typed, or an identifier: every part of the
    name scored by its best tier, the whole-person bonus, the shorter name among equals. None: nothing to ask."""
    path = "parties"
    should: list[dict[str, Any]] = []
    if national_ids:
        should.append(_constant({"terms": {f"{path}.national_id": sorted(set(national_ids))}}, Tier.IDENTIFIER))
    if passport_numbers:
        should.append(_constant({"terms": {f"{path}.passport_number": sorted(set(passport_numbers))}},
                                Tier.IDENTIFIER))
    parts = name_forms(text) if text.strip() else []
    if parts:
        per_part = [[_constant(query, tier) for query, tier in _part_matches(part, path)] for part in parts]
        should.append({"bool": {
            "must": [{"bool": {"should": [{"dis_max": {"queries": queries}} for queries in per_part],
                               "minimum_should_match": 1}}],
            "should": [
                _constant({"bool": {"filter": [{"bool": {"should": [q["constant_score"]["filter"] for q in queries],
                                                         "minimum_should_match": 1}} for queries in per_part]}},
                          Tier.WHOLE_PERSON),
                {"function_score": {"query": {"match_all": {}}, "boost_mode": "replace", "functions": [
                    {"field_value_factor": {"field": f"{path}.n_count", "modifier": "reciprocal", "missing": 4},
                     "weight": Tier.SHORTER_NAME}]}},
            ],
        }})
    if not should:
        return None
    return {"bool": {"should": should, "minimum_should_match": 1}}


#: what a hit says of each person it matched
PERSON_SOURCE = ["parties.party_id", "parties.role", "parties.name", "parties.national_id", "parties.passport_number",
                 "parties.nationality", "parties.birth_date", "parties.aliases"]


def _people_clause(text: str, national_id: str | None, passport: str | None, size: int) -> dict[str, Any] | None:
    query = person_query(text, national_ids=[national_id] if national_id else [],
                         passport_numbers=[passport] if passport else [])
    if query is None:
        return None
    return {"nested": {"path": "parties", "score_mode": "max", "query": query,
                       "inner_hits": {"name": "people", "size": size, "_source": PERSON_SOURCE}}}


def _text_clause(text: str) -> dict[str, Any]:
    national_id, passport = identifier_of(text)
    should: list[dict[str, Any]] = [
        {"term": {"number": {"value": text, "boost": Tier.IDENTIFIER}}},
        {"multi_match": {"query": text, "boost": Tier.FREE_TEXT,
                         "fields": ["offence^2", "offence.en", "narrative", "narrative.en", "place", "charges",
                                    "charges.en"]}},
    ]
    # what looks like a passport number is searched as a name too (it comes first if it is one: Tier.IDENTIFIER);
    # a case number (station.tripoli.central/2026/00011) is not: its words would match names by their keys
    is_number = "/" in text
    people = _people_clause(text if national_id is None and not is_number else "", national_id, passport, 5)
    if people is not None:
        should.insert(1, people)
    return {"bool": {"should": should, "minimum_should_match": 1}}


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
        # names are not highlighted: a hit names the people it matched, each once (search.service)
        body["highlight"] = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {
            "narrative": {"fragment_size": 160, "number_of_fragments": 2},
            "offence": {"number_of_fragments": 0}, "charges": {"number_of_fragments": 0},
        }}
    if query.facets:
        # the access filter is in the query, so the counts never reveal what the caller may not see
        body["aggs"] = {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()}
        body["aggs"]["opened_year"] = {"date_histogram": {"field": "opened_at", "calendar_interval": "year",
                                                          "time_zone": "Africa/Tripoli", "min_doc_count": 1}}
    return body


PEOPLE_CASE_SOURCE = ["case_id", "number", "stage", "owner_agency", "opened_at"]


def build_people_query(viewer: Viewer, *, name: str = "", national_ids: Sequence[str] = (),
                       passport_numbers: Sequence[str] = (), size: int = 200) -> dict[str, Any]:
    """Cases with a party matching the name or one of the identifiers, best first; `inner_hits` name the
    parties, each with its score (the same person query as case search: search.query.person_query)."""
    ids = sorted({i.strip() for i in national_ids if i.strip()})
    passports = sorted({p.strip() for p in passport_numbers if p.strip()})
    query = person_query(name, national_ids=ids, passport_numbers=passports)
    if query is None:
        raise ValueError("a name or an identifier is required")
    return {
        "query": {"bool": {
            "must": [{"nested": {"path": "parties", "score_mode": "max", "query": query,
                                 "inner_hits": {"size": 20, "_source": [*PERSON_SOURCE, "parties.name_normalized"]}}}],
            "filter": [access_filter(viewer)],
        }},
        "size": size,
        "_source": PEOPLE_CASE_SOURCE,
        "sort": ["_score", {"opened_at": "desc"}, {"case_id": "asc"}],
    }


def build_parties_query(viewer: Viewer, parties: Sequence[tuple[str, str]], size: int = 200) -> dict[str, Any]:
    """The cases of these (case id, party id) the viewer may see, with their parties of those ids as inner hits
    (the caller keeps the pairs it asked for): a person record's cases, under the same access filter as every
    search."""
    cases = sorted({case_id for case_id, _ in parties})
    party_ids = sorted({party_id for _, party_id in parties})
    return {
        "query": {"bool": {
            "must": [{"nested": {"path": "parties", "query": {"terms": {"parties.party_id": party_ids}},
                                 "inner_hits": {"size": 20, "_source": [*PERSON_SOURCE, "parties.name_normalized"]}}}],
            "filter": [access_filter(viewer), {"terms": {"case_id": cases}}],
        }},
        "size": size,
        "_source": PEOPLE_CASE_SOURCE,
        "sort": [{"opened_at": "desc"}, {"case_id": "asc"}],
    }
