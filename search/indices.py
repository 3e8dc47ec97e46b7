"""Index definitions, versioned behind an alias: a mapping change is a new index, filled in bulk from
the read model, then an atomic alias swap (`search.maintenance.reindex`, run by `ensure_indices` when the
alias is behind). Searches always go to the alias, so they keep working throughout.

Physical indices are named `<prefix>-cases-v<mapping version>-<build>`; the mapping's `_meta`
carries its version, so a worker that starts with a newer definition knows the alias is behind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch, RequestError

from config.settings import get_settings

_KEYWORD = {"type": "keyword"}
CASES_VERSION = 5  # 5: every party's name parts in the forms core.arabic matches them by; passports, aliases

#: the same folding as core.arabic.normalize_name, done by OpenSearch at index and query time
_NAME_CHAR_FILTERS: dict[str, Any] = {
    # arabic_normalization folds أ/إ/آ, ة, ى, tatweel and diacritics; these two it leaves alone
    "name_letters": {"type": "mapping", "mappings": ["ؤ => و", "ئ => ي", "ٱ => ا"]},
    # "عبد الله" and "عبدالله" are one name: join before the tokenizer splits them
    "name_abd": {"type": "pattern_replace", "pattern": "عبد\\s+ال", "replacement": "عبدال"},
}

_NAME_FILTERS: dict[str, Any] = {
    "name_ibn": {"type": "pattern_replace", "pattern": "^ابن$", "replacement": "بن"},
    "name_edge": {"type": "edge_ngram", "min_gram": 2, "max_gram": 15},
}

_NAME_BASE = ["lowercase", "decimal_digit", "arabic_normalization", "name_ibn"]

CASES_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "analysis": {
        "char_filter": _NAME_CHAR_FILTERS,
        "filter": _NAME_FILTERS,
        "analyzer": {
            # exact: Arabic-normalised, never stemmed (a stem would merge different families)
            "name_exact": {"tokenizer": "standard", "char_filter": ["name_letters", "name_abd"],
                           "filter": _NAME_BASE},
            "name_prefix": {"tokenizer": "standard", "char_filter": ["name_letters", "name_abd"],
                            "filter": [*_NAME_BASE, "name_edge"]},
        },
    },
}

#: a name as written, for reading and highlighting; matching goes by the forms below (core.arabic, computed in
#: Python at index and query time alike: no phonetic or ICU plugin is served for this OpenSearch)
_NAME_FIELD = {"type": "text", "analyzer": "name_exact",
               "fields": {"prefix": {"type": "text", "analyzer": "name_prefix", "search_analyzer": "name_exact"}}}
#: a party's name parts in each form core.arabic matches them by (exact, normalized, dictionary, near, phonetic,
#: without particle): exact terms, scored by search.query's tiers, never by their frequency
_NAME_FORMS = {field: _KEYWORD for field in ("n_exact", "n_norm", "n_canon", "n_near", "n_keys", "n_free")}
_ARABIC_TEXT = {"type": "text", "analyzer": "arabic", "fields": {"en": {"type": "text", "analyzer": "english"}}}

CASES_MAPPINGS: dict[str, Any] = {
    "_meta": {"mapping_version": CASES_VERSION},
    "dynamic": "strict",
    "properties": {
        "case_id": _KEYWORD,
        "number": _KEYWORD,
        "stage": _KEYWORD,
        "outcome": _KEYWORD,
        "owner_agency": _KEYWORD,
        "agencies_involved": _KEYWORD,
        "directorate": _KEYWORD,
        "region": _KEYWORD,
        "category": _KEYWORD,
        "sensitivity": _KEYWORD,
        # the access fields: agencies that held the case or hold a grant (core.access.may_see)
        "access_agencies": _KEYWORD,
        "granted_agencies": _KEYWORD,
        "stalled": {"type": "boolean"},
        "offence": _ARABIC_TEXT,
        "narrative": _ARABIC_TEXT,
        "place": {"type": "text", "analyzer": "arabic"},
        "charges": _ARABIC_TEXT,
        "names": _NAME_FIELD,
        "national_ids": _KEYWORD,
        "passport_numbers": _KEYWORD,
        "parties": {"type": "nested", "properties": {
            "party_id": _KEYWORD,
            "role": _KEYWORD,
            "name": _NAME_FIELD,
            "name_normalized": _KEYWORD,
            "national_id": _KEYWORD,
            "passport_number": _KEYWORD,
            "nationality": _KEYWORD,
            "birth_date": {"type": "date"},
            "aliases": _NAME_FIELD,
            **_NAME_FORMS,
            "n_count": {"type": "integer"},
        }},
        "opened_at": {"type": "date"},
        "occurred_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "seq": {"type": "integer"},
        "access_revision": {"type": "integer"},
    },
}


def dynamic_settings() -> dict[str, Any]:
    """Settings that may change on a live index: applied at creation and again at every worker start."""
    settings = get_settings()
    # replicas are dynamic too: a single node has nowhere to put one, a cluster of three keeps one copy apart
    return {"number_of_replicas": settings.search_replicas,
            "translog": {"durability": settings.search_translog_durability, "sync_interval": "5s"}}


def cases_alias() -> str:
    return f"{get_settings().index_prefix}-cases"


def new_index_name(version: int = CASES_VERSION) -> str:
    build = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{cases_alias()}-v{version}-{build}"


def create_index(client: OpenSearch, version: int = CASES_VERSION, *, bulk_load: bool = False) -> str:
    """A new, empty physical index of the current definition (not yet behind the alias)."""
    if version != CASES_VERSION:
        raise ValueError(f"only the current definition (v{CASES_VERSION}) can be created")
    name = new_index_name(version)
    settings = {**CASES_SETTINGS, **dynamic_settings()}
    if bulk_load:
        settings["refresh_interval"] = "-1"  # no refresh while filling: set back by `finish_bulk_load`
    try:
        client.indices.create(index=name, body={"settings": settings, "mappings": CASES_MAPPINGS})
    except RequestError as error:
        # the name is this call's own (to the microsecond): "already exists" is our request retried by the
        # client on another node after a timeout, the first attempt having created it
        if error.error != "resource_already_exists_exception":
            raise
    return name


def finish_bulk_load(client: OpenSearch, index: str) -> None:
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    client.indices.refresh(index=index)


def alias_target(client: OpenSearch) -> str | None:
    alias = cases_alias()
    if not client.indices.exists_alias(name=alias):
        return None
    targets = list(client.indices.get_alias(name=alias))
    return targets[0] if targets else None


def mapping_version(client: OpenSearch, index: str) -> int:
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    return int(mapping.get("_meta", {}).get("mapping_version", 1))


def swap_alias(client: OpenSearch, new_index: str) -> str | None:
    """Point the alias at `new_index` in one atomic step; the previous index is returned, not deleted
    (searches already resolved to it finish there)."""
    alias, previous = cases_alias(), alias_target(client)
    actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
    if previous and previous != new_index:
        actions.insert(0, {"remove": {"index": previous, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    return previous


def drop_old_indices(client: OpenSearch, keep: set[str]) -> list[str]:
    """Delete this alias's physical indices other than `keep` (the live one and the one it replaced)."""
    existing = client.indices.get(index=f"{cases_alias()}-v*", ignore_unavailable=True)
    dropped = sorted(name for name in existing if name not in keep)
    for name in dropped:
        client.indices.delete(index=name, ignore_unavailable=True)
    return dropped
