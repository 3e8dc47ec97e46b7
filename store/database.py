"""Engines and sessions for the read model; SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from config.settings import get_settings
from store import audit as _audit_tables  # noqa: F401 - registers the audit tables
from store.models import Base


def _private_sqlite_file(url: str) -> None:
    """An SQLite database holds web sessions' tokens and every case: readable by its owner only. SQLite gives
    its -wal and -shm files the database file's permissions."""
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        _private_sqlite_file(url)
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


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def all_metadata() -> MetaData:
    """Every read-model table (the audit tables live in their own module)."""
    return Base.metadata


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """On an SQLite file, one migrating process at a time (a lock file beside the database): its DDL runs
    outside any transaction, so the API and the worker starting together would both rebuild the same table.
    PostgreSQL takes an advisory lock inside the migration's transaction instead."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    lock = os.open(f"{database}.migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # closing lets the lock go


def ensure_schema(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; safe with several processes starting).

    On SQLite, a migration that changes a table rebuilds it (copy, drop, rename): foreign keys are off while it
    runs, as SQLite requires (the pragma has no effect inside a transaction), and checked whole before they are
    on again."""
    with _one_migrator(engine):
        _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # pysqlite opens no transaction for a pragma: this only ends SQLAlchemy's
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    # one migrator at a time when the API and the worker start together
                    connection.execute(text("SELECT pg_advisory_xact_lock(7243001)"))
                command.upgrade(_alembic_config(connection), "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def pending_model_changes(engine: Engine) -> list[object]:
    """Differences between the models and the migrated schema: empty when a migration covers them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                     all_metadata()))


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
