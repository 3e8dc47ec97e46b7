"""Idempotency keys: a client's retry of the same request is answered with the first result, however
much later it comes (the workflow's own Update-id deduplication lasts only as long as one run's history);
the same key sent with another request is refused. Kept per user and key, in the read model's database,
for as long as the database keeps them (at least the 24 hours a client may retry within)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import IdempotencyKey


def fingerprint(request: dict[str, Any]) -> str:
    """The request as a hash: the same JSON, whatever the order of its keys."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KeyReused(Exception):
    """The key was first sent with another request."""


@dataclass(frozen=True)
class Claim:
    """A key held for a request: `result` is the first answer when the request was answered already."""

    result: str | None


def claim(session: Session, username: str, key: str, request_fingerprint: str) -> Claim:
    """Hold `key` for this request (committed at once, so a concurrent retry sees it), or find the first
    answer to the same request. Raises KeyReused when the key was sent with another request."""
    row = session.get(IdempotencyKey, (username, key), populate_existing=True)
    if row is None:
        try:
            session.add(IdempotencyKey(username=username, key=key, fingerprint=request_fingerprint,
                                       created_at=datetime.now(UTC)))
            session.commit()
            return Claim(None)
        except IntegrityError:
            # a concurrent retry claimed it first. Roll the whole transaction back, not to a savepoint: on
            # SQLite the failed insert holds the write lock until the transaction ends, and this request is
            # about to wait on the workflow, whose worker needs that lock to record the first request's answer
            session.rollback()
            row = session.get(IdempotencyKey, (username, key), populate_existing=True)
            assert row is not None
    if row.fingerprint != request_fingerprint:
        raise KeyReused(key)
    return Claim(row.result)


def remember(session: Session, username: str, key: str, result: str) -> None:
    row = session.get(IdempotencyKey, (username, key))
    if row is not None and row.result is None:
        row.result = result
        session.commit()


def release(session: Session, username: str, key: str) -> None:
    """A request that was refused leaves its key free for a corrected one."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.username == username, IdempotencyKey.key == key,
                                                 IdempotencyKey.result.is_(None)))
    session.commit()
