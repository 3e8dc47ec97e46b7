"""The append-only audit log: who did or read what, when, from where; each record chained to the
previous one by a hash, so that a changed or deleted record is detected (`./mizan audit verify`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base, BigId

GENESIS = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(128), index=True)
    role: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. case.read, case.action, search
    case_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    outcome: Mapped[str] = mapped_column(String(32))  # ok | refused:<code> | error
    address: Mapped[str | None] = mapped_column(String(64), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """One row: the last record's id and hash. Locked while appending, so the chain stays linear."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Who:
    username: str
    role: str
    agency: str
    address: str | None = None


def _digest(prev_hash: str, record: AuditRecord) -> str:
    body = json.dumps({
        "prev": prev_hash, "at": record.at.astimezone(UTC).isoformat(), "username": record.username,
        "role": record.role, "agency": record.agency, "action": record.action, "case_id": record.case_id,
        "outcome": record.outcome, "address": record.address, "detail": record.detail,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _lock_head(session: Session) -> AuditChainHead:
    """The chain's head, locked until the caller's transaction ends: appenders queue here, one at a time."""
    # Write before reading: SQLite ignores FOR UPDATE and its driver begins a transaction only at the first
    # write, so a read-then-write would let two appenders read the same head and fork the chain. A write
    # first takes SQLite's database lock (PostgreSQL's row lock) before the head is read.
    touched = session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                              .values(last_id=AuditChainHead.last_id)).rowcount  # type: ignore[attr-defined]
    if not touched:
        try:
            with session.begin_nested():
                session.add(AuditChainHead(id=1, last_id=0, last_hash=GENESIS))
        except IntegrityError:
            pass  # another appender created it first; the lock below waits for it
    head = session.get(AuditChainHead, 1, with_for_update=True, populate_existing=True)
    assert head is not None
    return head


def audit(session: Session, who: Who, action: str, *, case_id: str | None = None, outcome: str = "ok",
          detail: dict[str, Any] | None = None, at: datetime | None = None) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction."""
    head = _lock_head(session)
    record = AuditRecord(at=at or datetime.now(UTC),
                         username=who.username, role=who.role, agency=who.agency, action=action, case_id=case_id,
                         outcome=outcome, address=who.address, detail=detail or {}, prev_hash=head.last_hash,
                         hash="")
    record.hash = _digest(head.last_hash, record)
    session.add(record)
    session.flush()
    head.last_id, head.last_hash = record.id, record.hash
    return record


@dataclass(frozen=True)
class ChainProblem:
    record_id: int
    problem: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Every record's hash recomputed and linked to its predecessor; the head names the last one."""
    problems: list[ChainProblem] = []
    prev_hash, prev_id = GENESIS, 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(1000):
        if record.prev_hash != prev_hash:
            problems.append(ChainProblem(record.id, f"does not follow record {prev_id} (a record was removed "
                                                    "or altered before it)"))
        if _digest(record.prev_hash, record) != record.hash:
            problems.append(ChainProblem(record.id, "its content does not match its hash (altered)"))
        prev_hash, prev_id = record.hash, record.id
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.last_id != prev_id or head.last_hash != prev_hash):
        problems.append(ChainProblem(prev_id, f"the chain ends at {prev_id} but its head names {head.last_id} "
                                              "(records were removed from the end)"))
    return problems
