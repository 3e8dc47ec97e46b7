"""The append-only audit log: who did or read what, when, from where; each record chained to the
previous one by a keyed hash, so that a changed or deleted record is detected (`./mizan audit verify`).

The hash is an HMAC-SHA256 under a key held outside the database (`MIZAN_AUDIT_KEY_FILE`, made on first
use): someone who can write to the database but does not hold the key cannot recompute the chain after
an edit. The chain's head is anchored outside the database too (store.audit_anchors): cutting off the tail
and resetting the head is caught by the last checkpoint. Records written before keyed hashing (`key_id`
empty) keep their plain SHA-256 and are verified as such; no unkeyed record may follow a keyed one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from config.settings import get_settings
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
    #: the HMAC key that made `hash` (AuditKey.key_id); empty for the plain SHA-256 of early records
    key_id: Mapped[str | None] = mapped_column(String(16), default=None)


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


@dataclass(frozen=True)
class AuditKey:
    secret: bytes

    @property
    def key_id(self) -> str:
        """Names the key without revealing it: the first 16 hex digits of its SHA-256."""
        return hashlib.sha256(self.secret).hexdigest()[:16]

    def mac(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: when the API and the worker start together, one key wins and both use it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as file:
        file.write(os.urandom(32).hex() + "\n")


def load_audit_key(path: Path) -> AuditKey:
    if not path.exists():
        _create_key(path)
    return AuditKey(bytes.fromhex(path.read_text().strip()))


@lru_cache
def audit_key() -> AuditKey:
    """This installation's audit key (settings.audit_key_path), made on first use."""
    return load_audit_key(get_settings().audit_key_path)


def _body(prev_hash: str, record: AuditRecord) -> bytes:
    return json.dumps({
        "prev": prev_hash, "at": record.at.astimezone(UTC).isoformat(), "username": record.username,
        "role": record.role, "agency": record.agency, "action": record.action, "case_id": record.case_id,
        "outcome": record.outcome, "address": record.address, "detail": record.detail,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(prev_hash: str, record: AuditRecord, key: AuditKey | None) -> str:
    """The record's hash: keyed (HMAC) when `key` is given, plain SHA-256 for the early, unkeyed records."""
    body = _body(prev_hash, record)
    return key.mac(body) if key is not None else hashlib.sha256(body).hexdigest()


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
          detail: dict[str, Any] | None = None, at: datetime | None = None, key: AuditKey | None = None) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction; keyed with this installation's key
    unless another is given."""
    key = key or audit_key()
    head = _lock_head(session)
    record = AuditRecord(at=at or datetime.now(UTC),
                         username=who.username, role=who.role, agency=who.agency, action=action, case_id=case_id,
                         outcome=outcome, address=who.address, detail=detail or {}, prev_hash=head.last_hash,
                         hash="", key_id=key.key_id)
    record.hash = _digest(head.last_hash, record, key)
    session.add(record)
    session.flush()
    head.last_id, head.last_hash = record.id, record.hash
    return record


@dataclass(frozen=True)
class ChainProblem:
    record_id: int
    problem: str


def verify_chain(session: Session, key: AuditKey | None = None) -> list[ChainProblem]:
    """Every record's hash recomputed (keyed ones with `key`, by default this installation's) and linked to
    its predecessor; no unkeyed record after a keyed one; the head names the last record. The checkpoints
    outside the database are checked by store.audit_anchors.verify_anchors."""
    key = key or audit_key()
    problems: list[ChainProblem] = []
    prev_hash, prev_id, keyed_since = GENESIS, 0, 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(1000):
        if record.prev_hash != prev_hash:
            problems.append(ChainProblem(record.id, f"does not follow record {prev_id} (a record was removed "
                                                    "or altered before it)"))
        if record.key_id is None:
            if keyed_since:
                problems.append(ChainProblem(record.id, f"carries an unkeyed hash after keyed record {keyed_since} "
                                                        "(altered and re-hashed without the key)"))
            elif _digest(record.prev_hash, record, None) != record.hash:
                problems.append(ChainProblem(record.id, "its content does not match its hash (altered)"))
        else:
            keyed_since = keyed_since or record.id
            if record.key_id != key.key_id:
                problems.append(ChainProblem(record.id, f"is keyed with key {record.key_id}, not this installation's "
                                                        f"key {key.key_id}"))
            elif not hmac.compare_digest(_digest(record.prev_hash, record, key), record.hash):
                problems.append(ChainProblem(record.id, "its content does not match its hash (altered)"))
        prev_hash, prev_id = record.hash, record.id
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.last_id != prev_id or head.last_hash != prev_hash):
        problems.append(ChainProblem(prev_id, f"the chain ends at {prev_id} but its head names {head.last_id} "
                                              "(records were removed from the end)"))
    return problems
