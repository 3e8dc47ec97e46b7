"""The name search Mizan had before issue 16 (case index v4), frozen here so that `mizan bench names` measures
it on the same documents in the same run: OpenSearch's analyzers with a table of 26 Latin spellings as
synonyms, fuzziness on the variants, names matched across all of a case's parties at once.

Copied from search/indices.py, search/names.py and search/query.py as they stood (commit ad5cffd); it is run
against an index of its own, straight on OpenSearch with the same access filter (search.query.access_filter):
the API no longer serves it.
"""

from __future__ import annotations

from typing import Any

V4_LATIN_SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("محمد", ("mohamed", "mohammed", "muhammad", "mohammad", "muhammed", "mohamad", "mhamed", "mehmed")),
    ("أحمد", ("ahmed", "ahmad", "ahmet")),
    ("محمود", ("mahmoud", "mahmud", "mahmood")),
    ("مصطفى", ("mustafa", "mostafa", "moustafa", "mustapha")),
    ("عبدالله", ("abdallah", "abdullah", "abdulla", "abdalla", "abdellah")),
    ("عبدالرحمن", ("abdelrahman", "abdulrahman", "abdurrahman", "abderrahmane", "abdalrahman")),
    ("عبدالسلام", ("abdelsalam", "abdulsalam", "abdessalam", "abdalsalam")),
    ("عبدالحميد", ("abdelhamid", "abdulhamid", "abdalhamid", "abdelhameed")),
    ("علي", ("ali", "aly")),
    ("عمر", ("omar", "umar", "omer")),
    ("خالد", ("khaled", "khalid")),
    ("إبراهيم", ("ibrahim", "ebrahim", "brahim")),
    ("يوسف", ("youssef", "yousef", "yusuf", "yousif", "youcef")),
    ("سالم", ("salem", "salim")),
    ("سليمان", ("suleiman", "sulaiman", "soliman", "slimane")),
    ("مفتاح", ("miftah", "muftah", "meftah")),
    ("فرج", ("faraj", "farag", "faredj")),
    ("ميلاد", ("milad", "meelad")),
    ("حسن", ("hassan", "hasan")),
    ("حسين", ("hussein", "husain", "hussain", "hossein")),
    ("خليفة", ("khalifa", "khalifah")),
    ("عائشة", ("aisha", "aicha", "aysha", "ayesha")),
    ("فاطمة", ("fatima", "fatma", "fatimah")),
    ("مريم", ("maryam", "mariam", "meriem")),
    ("المبروك", ("elmabrouk", "almabrouk", "mabrouk", "mabruk")),
    ("الورفلي", ("warfalli", "werfalli", "elwarfalli", "alwarfalli")),
)



V4_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "char_filter": {
            "name_letters": {"type": "mapping", "mappings": ["ؤ => و", "ئ => ي", "ٱ => ا"]},
            "name_abd": {"type": "pattern_replace", "pattern": "عبد\\s+ال", "replacement": "عبدال"},
        },
        "filter": {
            "name_ibn": {"type": "pattern_replace", "pattern": "^ابن$", "replacement": "بن"},
            "name_particles": {"type": "stop", "stopwords": ["بن", "بنت", "al", "el", "bin", "ben", "ibn", "bint"]},
            "name_latin": {"type": "synonym", "synonyms": [f"{', '.join(latin)} => {arabic}"
                                                            for arabic, latin in V4_LATIN_SPELLINGS]},
            "name_article": {"type": "pattern_replace", "pattern": "^ال(.{3,})$", "replacement": "$1"},
            "name_edge": {"type": "edge_ngram", "min_gram": 2, "max_gram": 15},
        },
        "analyzer": {
            "name_exact": {"tokenizer": "standard", "char_filter": ["name_letters", "name_abd"],
                           "filter": ["lowercase", "decimal_digit", "arabic_normalization", "name_ibn"]},
            "name_variant": {"tokenizer": "standard", "char_filter": ["name_letters", "name_abd"],
                             "filter": ["asciifolding", "lowercase", "decimal_digit", "arabic_normalization",
                                        "name_ibn", "name_particles", "name_latin", "name_article"]},
            "name_prefix": {"tokenizer": "standard", "char_filter": ["name_letters", "name_abd"],
                            "filter": ["lowercase", "decimal_digit", "arabic_normalization", "name_ibn",
                                       "name_edge"]},
        },
    },
}
_KEYWORD = {"type": "keyword"}
_NAME = {"type": "text", "analyzer": "name_exact",
         "fields": {"variants": {"type": "text", "analyzer": "name_variant"},
                    "prefix": {"type": "text", "analyzer": "name_prefix", "search_analyzer": "name_exact"}}}
_ARABIC = {"type": "text", "analyzer": "arabic", "fields": {"en": {"type": "text", "analyzer": "english"}}}
V4_MAPPINGS: dict[str, Any] = {"properties": {
    "case_id": _KEYWORD, "number": _KEYWORD, "opened_at": {"type": "date"}, "sensitivity": _KEYWORD,
    "access_agencies": _KEYWORD, "offence": _ARABIC, "narrative": _ARABIC, "place": {"type": "text", "analyzer": "arabic"},
    "charges": _ARABIC, "names": _NAME, "national_ids": _KEYWORD,
    "parties": {"type": "nested", "properties": {"party_id": _KEYWORD, "role": _KEYWORD, "name": _NAME,
                                                  "national_id": _KEYWORD}},
}}


def v4_document(document: dict[str, Any]) -> dict[str, Any]:
    """A v4 document from a current one: the fields v4 had, names without aliases."""
    parties = [{k: p.get(k) for k in ("party_id", "role", "name", "national_id")} for p in document["parties"]]
    kept = {k: document.get(k) for k in ("case_id", "number", "opened_at", "sensitivity", "access_agencies",
                                         "offence", "narrative", "place", "charges", "national_ids")}
    return {**kept, "names": [p["name"] for p in parties], "parties": parties}


def _name_clauses(text: str, field: str) -> list[dict[str, Any]]:
    return [
        {"match_phrase": {field: {"query": text, "boost": 6}}},
        {"match": {field: {"query": text, "operator": "and", "boost": 3}}},
        {"match": {f"{field}.variants": {"query": text, "operator": "and", "fuzziness": "AUTO",
                                         "prefix_length": 1, "boost": 2}}},
        {"match": {f"{field}.prefix": {"query": text, "operator": "and", "boost": 0.5}}},
    ]


def v4_case_query(text: str, access: dict[str, Any], size: int = 10) -> dict[str, Any]:
    should = [
        {"term": {"number": {"value": text, "boost": 20}}},
        {"term": {"national_ids": {"value": text, "boost": 20}}},
        *_name_clauses(text, "names"),
        {"multi_match": {"query": text, "fields": ["offence^2", "offence.en", "narrative", "narrative.en", "place",
                                                  "charges", "charges.en"]}},
    ]
    return {"query": {"bool": {"must": [{"bool": {"should": should, "minimum_should_match": 1}}],
                               "filter": [access]}},
            "size": size, "_source": ["case_id"], "sort": ["_score", {"opened_at": "desc"}, {"case_id": "asc"}]}


def v4_people_query(name: str, access: dict[str, Any], size: int = 200) -> dict[str, Any]:
    return {"query": {"bool": {
        "must": [{"nested": {"path": "parties", "score_mode": "max", "query": {
            "bool": {"should": _name_clauses(name, "parties.name"), "minimum_should_match": 1}},
            "inner_hits": {"size": 20, "_source": ["parties.party_id", "parties.national_id"]}}}],
        "filter": [access]}},
        "size": size, "_source": ["case_id"], "sort": ["_score", {"opened_at": "desc"}, {"case_id": "asc"}]}
