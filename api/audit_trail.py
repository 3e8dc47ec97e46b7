"""Audit from the API: every action and every read of a case file, refused ones included.

Written in a transaction of its own, so a refusal (whose request transaction is rolled back) is
still on record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from core.case import Actor
from core.refusal import Refusal
from core.roles import primary_role
from store.audit import Who, audit
from store.database import session_scope

Found = TypeVar("Found")


def who(actor: Actor, request: Request | None) -> Who:
    role = primary_role(actor.roles) or ""
    address = request.client.host if request is not None and request.client else None
    return Who(actor.username, role, actor.agency, address)


def record(actor: Actor, request: Request | None, action: str, *, case_id: str | None = None,
           outcome: str = "ok", detail: dict[str, Any] | None = None) -> None:
    with session_scope() as session:
        audit(session, who(actor, request), action, case_id=case_id, outcome=outcome, detail=detail)


async def record_async(actor: Actor, request: Request | None, action: str, *, case_id: str | None = None,
                       outcome: str = "ok", detail: dict[str, Any] | None = None) -> None:
    """`record` for async endpoints: the database write must not block the event loop."""
    await run_in_threadpool(record, actor, request, action, case_id=case_id, outcome=outcome, detail=detail)


def refused(refusal: Refusal) -> str:
    """A refusal as the audit's outcome. The audit, unlike the caller, learns when "no such case" was said of a
    case that exists but is hidden from them."""
    return f"refused:{refusal.audit_code}"


def audited(actor: Actor, request: Request | None, action: str, detail: dict[str, Any] | None,
            run: Callable[[], Found], *, adds: Callable[[Found], dict[str, Any]] | None = None,
            case_id: str | None = None) -> Found:
    """`run()`, audited either way: a refusal is recorded with `detail` as it stands when raised (`run` may
    fill it in) and raised again; an answer is recorded with `detail` followed by what `adds` takes from it
    (a list's hits, say), and returned. Whatever `run` does, a commit included, comes before its record.

    Why: every read is on record, refused or answered, and the pair of records was written out as the same
    try block at endpoint after endpoint; written once here, the pair stays alike."""
    try:
        found = run()
    except Refusal as error:
        record(actor, request, action, case_id=case_id, outcome=refused(error), detail=detail)
        raise
    record(actor, request, action, case_id=case_id,
           detail=detail if adds is None else {**(detail or {}), **adds(found)})
    return found
