"""The audit log as the auditor reads it."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel


class AuditRecordPublic(BaseModel):
    id: int
    at: AwareDatetime
    username: str
    role: str
    agency: str
    action: str
    case_id: str | None
    outcome: str
    address: str | None
    detail: dict[str, Any]
    hash: str


class AuditPage(BaseModel):
    items: list[AuditRecordPublic]
    total: int
    offset: int
    limit: int
