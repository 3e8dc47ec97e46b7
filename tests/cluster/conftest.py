"""The cluster profile's tests: run by `./mizan test --cluster` against `up --cluster`'s services (PostgreSQL,
the real Temporal server, Keycloak in production mode, three OpenSearch nodes, two APIs behind HAProxy, two
workers). Elsewhere (`./mizan test`, plain pytest) they are skipped: the default suite stays as quick."""

from __future__ import annotations

import pytest

from config.settings import Settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from config.settings import get_settings

    if get_settings().cluster:
        return
    skip = pytest.mark.skip(reason="the cluster profile's test: ./mizan test --cluster")
    for item in items:
        if item.get_closest_marker("cluster") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cluster_settings(settings: Settings) -> Settings:
    assert settings.cluster, "run with ./mizan test --cluster"
    return settings
