"""Data migrations on both databases, from the revision before them, with the data they were written for."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from store.codec import to_json
from store.database import _alembic_config, ensure_schema, make_engine
from tests.support.procedure import open_case

ARABIC_INDIC = "١١٩٨٥٠٠١٢٣٤٥"
ASCII = "119850012345"


def _upgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def test_national_ids_are_normalised_and_the_people_they_split_are_one(empty_db_engine: Engine) -> None:
    engine = empty_db_engine
    _upgrade(engine, "0005")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    # a case's whole state as the fold stores it (later migrations read it), its one party's ID unnormalised
    snapshot = to_json(open_case())
    snapshot["parties"][0].update({"name": "أحمد", "national_id": ARABIC_INDIC})
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO people (id, national_id, name) VALUES (1, :a, 'أحمد'), (2, :b, 'احمد')"),
                           {"a": ASCII, "b": ARABIC_INDIC})
        for case_id, person, national_id in (("c1", 1, ASCII), ("c2", 2, ARABIC_INDIC)):
            connection.execute(text(
                "INSERT INTO cases (id, number, stage, owner_agency, category, sensitivity, offence, stalled, "
                "in_transit, opened_at, updated_at, seq, snapshot, access_revision) VALUES (:id, :id, 'trial', 'x', "
                "'felony', 'normal', 'o', false, false, :now, :now, 1, :snapshot, 0)"),
                {"id": case_id, "now": now, "snapshot": json.dumps(snapshot)})
            connection.execute(text(
                "INSERT INTO parties (case_id, party_id, role, name, name_normalized, national_id, person_id) "
                "VALUES (:case, 'p1', 'accused', 'أحمد', 'احمد', :national_id, :person)"),
                {"case": case_id, "national_id": national_id, "person": person})
        connection.execute(text(
            "INSERT INTO criminal_records (id, case_id, party_id, person_id, national_id, name, name_normalized, "
            "offence, category, sensitivity, court, verdict_at, final_at, recorded_at) VALUES (1, 'c2', 'p1', 2, "
            ":national_id, 'احمد', 'احمد', 'o', 'felony', 'normal', 'court.tripoli', :now, :now, :now)"),
            {"national_id": ARABIC_INDIC, "now": now})
    ensure_schema(engine)  # to the newest revision
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, national_id FROM people")).all() == [(1, ASCII)]
        assert set(connection.execute(text("SELECT national_id, person_id FROM parties")).all()) == {(ASCII, 1)}
        assert connection.execute(text("SELECT national_id, person_id FROM criminal_records")).all() == [(ASCII, 1)]
        for (stored,) in connection.execute(text("SELECT snapshot FROM cases")).all():
            state = json.loads(stored) if isinstance(stored, str) else stored
            assert state["parties"][0]["national_id"] == ASCII


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_one_at_a_time(tmp_path: Path) -> None:
    """The API and the worker start together on a database three migrations behind (an SQLite file: its DDL takes
    no lock of its own): each process migrates in turn and all of them start."""
    url = f"sqlite:///{tmp_path / 'mizan.db'}"
    engine = make_engine(url)
    _upgrade(engine, "0008")
    engine.dispose()
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_migrate, args=(url,)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0, 0]
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    engine.dispose()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from store.database import MIGRATIONS

    return str(ScriptDirectory(str(MIGRATIONS)).get_current_head())
