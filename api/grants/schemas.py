"""Explicit grants: what a client sends and gets back."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class GrantCreate(BaseModel):
    agency: str = Field(examples=["cid"])
    reason: str = Field(min_length=3, examples=["طلب النيابة العامة للاطلاع"])


class GrantPublic(BaseModel):
    case_id: str
    agency: str
    granted_by: str
    granted_at: datetime
    reason: str
