"""The audit log, for auditors only; reading it is itself audited. A time given without an offset is read
as Tripoli time, like every other time a person types into Mizan (core.fields.parse_instant)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from api import audit_trail
from api.audit.schemas import AuditPage, AuditRecordPublic
from api.deps import CurrentUser, SessionDep
from api.params import Offset
from core.fields import parse_instant
from core.refusal import Refusal
from core.roles import Capability, may
from store.audit import AuditRecord

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, operation_id="list_audit_records")
def list_audit_records(
    user: CurrentUser, session: SessionDep, request: Request,
    case_id: str | None = None, username: str | None = None, action: str | None = None,
    since: Annotated[datetime | None, Query(alias="from", description="records at or after this time")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="records before this time")] = None,
    offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    filters = {"case_id": case_id, "username": username, "action": action,
               "from": since.isoformat() if since else None, "to": until.isoformat() if until else None,
               "offset": offset}
    if not may(user.roles, Capability.read_audit_log):
        audit_trail.record(user, request, "audit.read", outcome="refused:forbidden_role", detail=filters)
        raise Refusal("forbidden_role", 403, "only an auditor may read the audit log",
                      "الاطلاع على سجل التدقيق للمدقق فقط")
    statement = select(AuditRecord)
    if case_id:
        statement = statement.where(AuditRecord.case_id == case_id)
    if username:
        statement = statement.where(AuditRecord.username == username)
    if action:
        statement = statement.where(AuditRecord.action == action)
    if since is not None:
        statement = statement.where(AuditRecord.at >= parse_instant(since, "from"))
    if until is not None:
        statement = statement.where(AuditRecord.at < parse_instant(until, "to"))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    # oldest first: pages stay put while new records (this read among them) are appended
    rows = session.scalars(statement.order_by(AuditRecord.id).offset(offset).limit(limit))
    items = [AuditRecordPublic(id=r.id, at=r.at, username=r.username, role=r.role, agency=r.agency,
                               action=r.action, case_id=r.case_id, outcome=r.outcome, address=r.address,
                               detail=r.detail, hash=r.hash) for r in rows]
    # the filters go in the detail, not in case_id: reading the log is not a read of the case file
    audit_trail.record(user, request, "audit.read", detail={**filters, "hits": total})
    return AuditPage(items=items, total=total, offset=offset, limit=limit)
