"""Shared fixtures. Section 1 (services, settings) comes first; later sections add to it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from config.settings import Settings, get_settings
from infra.test_profile import apply_test_profile

# ======================================================================================
# 1. Services and settings
#
# The suite runs against its own services (infra.test_profile: its own state directory and ports),
# never a developer's `./mizan up`. `./mizan test` starts them itself and sets MIZAN_SERVICES_READY=1;
# a plain `pytest` starts them here instead (reusing ones kept running by `./mizan test --keep`) and
# stops, at the end, only those it started. Only tests marked `stack` need the services: a run that
# selects none of them starts none.
# ======================================================================================

apply_test_profile()
get_settings.cache_clear()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session", autouse=True)
def _mizan_services(request: pytest.FixtureRequest, settings: Settings) -> Iterator[None]:
    needs_stack = any(item.get_closest_marker("stack") is not None for item in request.session.items)
    if os.environ.get("MIZAN_SERVICES_READY") or not needs_stack:
        yield
        return
    from infra.launcher import Launcher

    launcher = Launcher(settings)
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

from tests.support import Api, Tokens  # noqa: E402


@pytest.fixture(scope="session")
def tokens(settings: Settings) -> Tokens:
    return Tokens(settings)


@pytest.fixture(scope="session")
def api(settings: Settings, tokens: Tokens) -> Iterator[Api]:
    client = Api(settings, tokens)
    yield client
    client.close()


# ======================================================================================
# 3. A database engine per backend: SQLite always, PostgreSQL when MIZAN_TEST_POSTGRES_URL is set
#
# `db_engine` runs the test once per backend, on an empty schema of Mizan's tables. Each
# PostgreSQL run gets a schema of its own (dropped afterwards), so runs never see each other's rows.
# ======================================================================================

POSTGRES_URL_VARIABLE = "MIZAN_TEST_POSTGRES_URL"


def _postgres_engine(url: str, schema: str) -> Engine:
    from sqlalchemy.engine import make_url

    from store.database import make_engine

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return make_engine(scoped.render_as_string(hide_password=False))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of each backend (no tables yet)."""
    from sqlalchemy import create_engine, text

    from store.database import make_engine

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'mizan.db'}")
        yield engine
        engine.dispose()
        return
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL run skipped: {POSTGRES_URL_VARIABLE} is not set (.ci/run sets it)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = _postgres_engine(url, schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_engine(empty_db_engine: Engine) -> Engine:
    """An engine on a database of each backend, with Mizan's schema at the newest migration."""
    from store.database import ensure_schema

    ensure_schema(empty_db_engine)
    return empty_db_engine
