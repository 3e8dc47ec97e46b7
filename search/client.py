"""The OpenSearch client, one per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from opensearchpy import OpenSearch

from config.settings import Settings, get_settings


@lru_cache
def get_client() -> OpenSearch:
    settings = get_settings()
    return OpenSearch(**connection_options(settings))


def connection_options(settings: Settings) -> dict[str, Any]:
    """Every node of the cluster (the client fails over between them), with credentials and TLS when set."""
    options: dict[str, Any] = {"hosts": settings.opensearch_urls, "timeout": 10, "max_retries": 2,
                               "retry_on_timeout": True}
    if settings.opensearch_username and settings.opensearch_password is not None:
        options["http_auth"] = (settings.opensearch_username, settings.opensearch_password.get_secret_value())
    if settings.opensearch_ca_file is not None:
        options.update(use_ssl=True, verify_certs=True, ca_certs=str(settings.opensearch_ca_file))
    return options
