"""The audit chain on both databases: tampering is detected, concurrent appends stay one chain."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from config.settings import ROOT
from store.audit import (
    GENESIS,
    AuditChainHead,
    AuditKey,
    AuditRecord,
    Who,
    _digest,
    audit,
    audit_key,
    verify_chain,
)
from store.audit_anchors import read_checkpoints, verify_anchors, write_checkpoint

WHO = Who("auditor", "auditor", "moi", "10.0.0.7")


def _append(engine: Engine, count: int, *, prefix: str = "r") -> None:
    factory = sessionmaker(engine)
    for i in range(count):
        with factory.begin() as session:
            audit(session, WHO, "case.read", case_id=f"{prefix}{i}", detail={"i": i})


def _problems(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [f"{p.record_id}: {p.problem}" for p in verify_chain(session)]


def _ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)))


def test_an_untouched_chain_verifies(db_engine: Engine) -> None:
    _append(db_engine, 5)
    assert _problems(db_engine) == []
    with Session(db_engine) as session:
        records = list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    assert records[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(records))


def test_an_empty_log_verifies(db_engine: Engine) -> None:
    assert _problems(db_engine) == []


def test_an_altered_detail_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 5)
    target = _ids(db_engine)[2]
    with db_engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET detail = :detail WHERE id = :id"),
                           {"detail": '{"i": 99}', "id": target})
    problems = _problems(db_engine)
    assert problems == [f"{target}: its content does not match its hash (altered)"]


def test_an_altered_field_with_a_recomputed_hash_breaks_the_next_link(db_engine: Engine) -> None:
    _append(db_engine, 4)
    ids = _ids(db_engine)
    with Session(db_engine) as session:
        record = session.get(AuditRecord, ids[1])
        assert record is not None
        record.username = "someone.else"
        # a forger who holds the key and recomputes the record's own hash still breaks the link to its successor
        record.hash = _digest(record.prev_hash, record, audit_key())
        session.commit()
    problems = _problems(db_engine)
    assert len(problems) == 1 and problems[0].startswith(f"{ids[2]}: does not follow record {ids[1]}")


def _rewrite_from(engine: Engine, index: int, key: AuditKey | None) -> None:
    """A forger edits one record and recomputes it and every later hash and link, and the head, with `key`
    (None: plain SHA-256; a key of their own otherwise), as someone with write access to the database can."""
    with Session(engine) as session:
        records = list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
        records[index].detail = {"i": "rewritten"}
        prev_hash = records[index].prev_hash
        for record in records[index:]:
            record.prev_hash = prev_hash
            if key is None:
                record.key_id = None
            record.hash = prev_hash = _digest(record.prev_hash, record, key)
        head = session.get(AuditChainHead, 1)
        assert head is not None
        head.last_hash = prev_hash
        session.commit()


def test_a_rewrite_with_every_later_hash_recomputed_needs_the_key(db_engine: Engine) -> None:
    _append(db_engine, 6)
    ids = _ids(db_engine)
    _rewrite_from(db_engine, 2, AuditKey(b"a key the forger made up"))
    problems = _problems(db_engine)
    assert problems == [f"{i}: its content does not match its hash (altered)" for i in ids[2:]]


def test_a_rewrite_down_to_plain_hashes_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 6)
    ids = _ids(db_engine)
    _rewrite_from(db_engine, 3, None)
    problems = _problems(db_engine)
    assert problems == [f"{i}: carries an unkeyed hash after keyed record {ids[0]} (altered and re-hashed without "
                        "the key)" for i in ids[3:]]


def test_records_from_before_keyed_hashing_still_verify(db_engine: Engine) -> None:
    """An installation upgraded from plain SHA-256: its early records verify as they were written."""
    _append(db_engine, 3)
    _rewrite_from(db_engine, 0, None)  # the same chain as the first version wrote it (one edited detail)
    _append(db_engine, 2)
    assert _problems(db_engine) == []


def test_a_removed_middle_record_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 5)
    ids = _ids(db_engine)
    with db_engine.begin() as connection:
        connection.execute(delete(AuditRecord).where(AuditRecord.id == ids[2]))
    problems = _problems(db_engine)
    assert problems == [f"{ids[3]}: does not follow record {ids[1]} (a record was removed or altered before it)"]


def test_a_removed_last_record_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 5)
    ids = _ids(db_engine)
    with db_engine.begin() as connection:
        connection.execute(delete(AuditRecord).where(AuditRecord.id == ids[-1]))
    problems = _problems(db_engine)
    assert problems == [f"{ids[-2]}: the chain ends at {ids[-2]} but its head names {ids[-1]} "
                        "(records were removed from the end)"]


def test_a_removed_first_record_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 3)
    ids = _ids(db_engine)
    with db_engine.begin() as connection:
        connection.execute(delete(AuditRecord).where(AuditRecord.id == ids[0]))
    assert _problems(db_engine) == [f"{ids[1]}: does not follow record 0 (a record was removed or altered before it)"]


def test_a_wiped_log_is_detected(db_engine: Engine) -> None:
    _append(db_engine, 3)
    with db_engine.begin() as connection:
        connection.execute(delete(AuditRecord))
    assert len(_problems(db_engine)) == 1


def test_concurrent_appends_keep_one_linear_chain(db_engine: Engine) -> None:
    threads, per_thread = 8, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        try:
            start.wait()
            _append(db_engine, per_thread, prefix=f"t{n}-")
        except BaseException as error:  # reported below: a lost append must fail the test
            errors.append(error)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    with Session(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditRecord)) == threads * per_thread
        prev_hashes = list(session.scalars(select(AuditRecord.prev_hash)))
        head = session.get(AuditChainHead, 1)
    assert len(set(prev_hashes)) == len(prev_hashes), "two records claim the same predecessor: the chain forked"
    assert head is not None and head.last_id == max(_ids(db_engine))
    assert _problems(db_engine) == []


def test_the_first_appends_race_for_the_head(db_engine: Engine) -> None:
    # no head row yet: concurrent first appends must not fail on creating it
    threads = 6
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            _append(db_engine, 1, prefix=f"first{n}-")
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert len(_ids(db_engine)) == threads
    assert _problems(db_engine) == []


def test_audit_keeps_the_given_time_in_utc(db_engine: Engine) -> None:
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC) + timedelta(microseconds=123)
    with sessionmaker(db_engine).begin() as session:
        audit(session, WHO, "case.read", at=at)
    assert _problems(db_engine) == []
    with db_engine.begin() as connection:
        connection.execute(update(AuditRecord).values(address="10.9.9.9"))
    assert len(_problems(db_engine)) == 1


def _anchor_problems(engine: Engine, anchors: Path) -> list[str]:
    with Session(engine) as session:
        return [f"{p.record_id}: {p.problem}" for p in verify_anchors(session, anchors, audit_key())]


def _checkpoint(engine: Engine, anchors: Path) -> None:
    with Session(engine) as session:
        assert write_checkpoint(session, anchors, audit_key()) is not None


def test_a_tail_cut_with_the_head_reset_is_caught_by_the_last_checkpoint(db_engine: Engine, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _append(db_engine, 6)
    _checkpoint(db_engine, anchors)
    ids = _ids(db_engine)
    with Session(db_engine) as session:
        session.execute(delete(AuditRecord).where(AuditRecord.id.in_(ids[-2:])))
        kept = session.get(AuditRecord, ids[-3])
        head = session.get(AuditChainHead, 1)
        assert kept is not None and head is not None
        head.last_id, head.last_hash = kept.id, kept.hash
        session.commit()
    assert _problems(db_engine) == []  # the chain alone looks whole: this is what the checkpoint is for
    assert _anchor_problems(db_engine, anchors) == [
        f"{ids[-1]}: is gone, but the checkpoint of {read_checkpoints(anchors)[0].at.isoformat()} names it "
        "(records were removed from the end)"]


def test_a_rewrite_by_someone_holding_the_key_is_caught_by_a_checkpoint(db_engine: Engine, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _append(db_engine, 5)
    _checkpoint(db_engine, anchors)
    _rewrite_from(db_engine, 1, audit_key())
    assert _problems(db_engine) == []
    problems = _anchor_problems(db_engine, anchors)
    assert len(problems) == 1 and "(the chain was rewritten)" in problems[0]


def test_an_edited_checkpoint_is_not_genuine(db_engine: Engine, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _append(db_engine, 3)
    _checkpoint(db_engine, anchors)
    anchors.write_text(anchors.read_text().replace('"record_id": ', '"record_id": 1'), encoding="utf-8")
    problems = _anchor_problems(db_engine, anchors)
    assert len(problems) == 1 and "is not genuine (the anchor file was edited)" in problems[0]


def test_a_checkpoint_is_written_only_when_the_head_moved(db_engine: Engine, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    with Session(db_engine) as session:
        assert write_checkpoint(session, anchors, audit_key()) is None  # nothing to anchor yet
    _append(db_engine, 2)
    _checkpoint(db_engine, anchors)
    with Session(db_engine) as session:
        assert write_checkpoint(session, anchors, audit_key()) is None
    _append(db_engine, 1)
    _checkpoint(db_engine, anchors)
    assert [c.record_id for c in read_checkpoints(anchors)] == _ids(db_engine)[1:]
    assert anchors.stat().st_mode & 0o777 == 0o600


def _cli(engine: Engine, anchors: Path, command: str = "verify") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MIZAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
                        "MIZAN_AUDIT_ANCHOR_FILE": str(anchors)}
    return subprocess.run([sys.executable, "-m", "infra.cli", "audit", command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_cli_reports_an_intact_chain(db_engine: Engine, tmp_path: Path) -> None:
    _append(db_engine, 4)
    result = _cli(db_engine, tmp_path / "anchors.jsonl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 records, chain intact; no checkpoint yet" in result.stdout
    assert _cli(db_engine, tmp_path / "anchors.jsonl", "anchor").stdout.startswith("checkpoint at record")
    result = _cli(db_engine, tmp_path / "anchors.jsonl")
    assert result.returncode == 0 and "last checkpoint" in result.stdout and f"at record {_ids(db_engine)[-1]}" in \
        result.stdout


def test_the_cli_lists_every_problem_and_fails(db_engine: Engine, tmp_path: Path) -> None:
    _append(db_engine, 6)
    ids = _ids(db_engine)
    with db_engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET outcome = 'ok-ish' WHERE id = :id"), {"id": ids[1]})
        connection.execute(delete(AuditRecord).where(AuditRecord.id.in_([ids[3], ids[-1]])))
    result = _cli(db_engine, tmp_path / "anchors.jsonl")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"record {ids[1]}: its content does not match its hash (altered)" in out
    assert f"record {ids[4]}: does not follow record {ids[2]}" in out
    assert f"the chain ends at {ids[-2]} but its head names {ids[-1]}" in out
    assert "3 problems" in out
