"""Engines and sessions for the read model; SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from activities import audit as _audit_tables  # noqa: F401 - registers the audit tables
from activities.models import Base
from core.settings import get_settings


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # WAL lets the API read while the worker writes; foreign keys are off by default in SQLite
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10)


def ensure_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


@lru_cache
def default_engine() -> Engine:
    settings = get_settings()
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    return engine


@lru_cache
def _factory() -> sessionmaker[Session]:
    return sessionmaker(default_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    session = _factory()()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
