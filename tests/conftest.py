"""Shared fixtures. Section 1 (services, settings) comes first; later sections add to it."""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Iterator

import pytest

from core.settings import Settings, get_settings

# ======================================================================================
# 1. Services and settings
#
# `./mizan test` starts the services itself and sets MIZAN_SERVICES_READY=1. A plain `pytest`
# starts them here instead (reusing running ones) and stops, at the end, only those it started.
# Tests marked `no_stack` (unit tests) need no services: a run selecting only those starts none.
# ======================================================================================


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_stack: the test needs none of Mizan's services running")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session", autouse=True)
def _mizan_services(request: pytest.FixtureRequest, settings: Settings) -> Iterator[None]:
    needs_stack = any(item.get_closest_marker("no_stack") is None for item in request.session.items)
    if os.environ.get("MIZAN_SERVICES_READY") or not needs_stack:
        yield
        return
    from infra.launcher import Launcher

    os.environ.setdefault("MIZAN_RULES", str(Path(__file__).parent / "fast_rules.yaml"))
    get_settings.cache_clear()
    launcher = Launcher(get_settings())
    launcher.up()
    # Subprocesses the tests spawn (e.g. the CLI) must not try to start the services again.
    os.environ["MIZAN_SERVICES_READY"] = "1"
    try:
        yield
    finally:
        del os.environ["MIZAN_SERVICES_READY"]
        launcher.stop_started()


# ======================================================================================
# 2. Real tokens and the API
# ======================================================================================

from support import Api, Tokens  # noqa: E402


@pytest.fixture(scope="session")
def tokens(settings: Settings) -> Tokens:
    return Tokens(settings)


@pytest.fixture(scope="session")
def api(settings: Settings, tokens: Tokens) -> Iterator[Api]:
    client = Api(settings, tokens)
    yield client
    client.close()
