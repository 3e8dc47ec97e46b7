"""Index definitions, versioned behind an alias: a mapping change is a new index and an alias swap."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from core.settings import get_settings

CASES_VERSION = 1

CASES_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "filter": {
            "name_edge": {"type": "edge_ngram", "min_gram": 2, "max_gram": 15},
        },
        "analyzer": {
            # names: Arabic-normalised, never stemmed (a stem would merge different families)
            "arabic_name": {
                "tokenizer": "standard",
                "filter": ["lowercase", "decimal_digit", "arabic_normalization"],
            },
            "arabic_name_prefix": {
                "tokenizer": "standard",
                "filter": ["lowercase", "decimal_digit", "arabic_normalization", "name_edge"],
            },
        },
    },
}

CASES_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "case_id": {"type": "keyword"},
        "number": {"type": "keyword"},
        "stage": {"type": "keyword"},
        "outcome": {"type": "keyword"},
        "owner_agency": {"type": "keyword"},
        "agencies_involved": {"type": "keyword"},
        "region": {"type": "keyword"},
        "category": {"type": "keyword"},
        "sensitivity": {"type": "keyword"},
        "stalled": {"type": "boolean"},
        "offence": {"type": "text", "analyzer": "arabic", "fields": {"en": {"type": "text", "analyzer": "english"}}},
        "narrative": {"type": "text", "analyzer": "arabic",
                      "fields": {"en": {"type": "text", "analyzer": "english"}}},
        "place": {"type": "text", "analyzer": "arabic"},
        "names": {"type": "text", "analyzer": "arabic_name",
                  "fields": {"prefix": {"type": "text", "analyzer": "arabic_name_prefix",
                                        "search_analyzer": "arabic_name"}}},
        "national_ids": {"type": "keyword"},
        "charges": {"type": "text", "analyzer": "arabic"},
        "opened_at": {"type": "date"},
        "occurred_at": {"type": "date"},
        "seq": {"type": "integer"},
    },
}


def cases_alias() -> str:
    return f"{get_settings().index_prefix}-cases"


def cases_index(version: int = CASES_VERSION) -> str:
    return f"{cases_alias()}-v{version}"


def ensure_indices(client: OpenSearch) -> None:
    """Create the current index and point the alias at it, if not done yet (idempotent)."""
    alias, index = cases_alias(), cases_index()
    if not client.indices.exists(index=index):
        client.indices.create(index=index, body={"settings": CASES_SETTINGS, "mappings": CASES_MAPPINGS})
    if not client.indices.exists_alias(name=alias):
        client.indices.put_alias(index=index, name=alias)
