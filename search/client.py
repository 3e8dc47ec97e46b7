"""The OpenSearch client, one per process."""

from __future__ import annotations

from functools import lru_cache

from opensearchpy import OpenSearch

from config.settings import get_settings


@lru_cache
def get_client() -> OpenSearch:
    settings = get_settings()
    return OpenSearch(hosts=[settings.opensearch_url], timeout=10, max_retries=2, retry_on_timeout=True)
