"""Explicit grants: what a client sends and gets back."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from api.params import Prose


class GrantCreate(BaseModel):
    agency: str = Field(examples=["cid"])
    reason: Prose = Field(min_length=3, max_length=2000, examples=["طلب النيابة العامة للاطلاع"])


class GrantPublic(BaseModel):
    case_id: str
    agency: str
    granted_by: str
    granted_at: AwareDatetime
    reason: str
