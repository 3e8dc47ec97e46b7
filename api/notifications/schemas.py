"""The inbox, its preferences and a supervisor's reminder: what a client sends and gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.params import Prose
from core.vocabulary import NotificationKind


class NotificationPublic(BaseModel):
    id: str
    kind: NotificationKind
    case_id: str | None
    case_number: str | None
    certificate_id: str | None
    at: datetime = Field(description="when what it tells of happened")
    created_at: datetime
    read_at: datetime | None
    unread: bool
    title: str
    title_ar: str
    message: str
    message_ar: str
    note: str | None = Field(default=None, description="a supervisor's own words (a reminder)")
    sender: str | None = None
    level: int = Field(default=0, description="0: for those who act; 1, 2…: the escalation level it was sent at")
    link: str = Field(description="the web page to act from")


class NotificationPage(BaseModel):
    items: list[NotificationPublic]
    total: int
    unread: int


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int


class PreferencesPublic(BaseModel):
    language: Literal["ar", "en"] = Field(description="the language of one's emails")
    email_enabled: bool
    muted_kinds: list[NotificationKind] = Field(description="kinds one wants no email about (the inbox keeps all)")
    email: str | None = Field(default=None, description="the address the identity provider gave (read-only)")


class PreferencesUpdate(BaseModel):
    language: Literal["ar", "en"]
    email_enabled: bool
    muted_kinds: list[NotificationKind] = Field(default_factory=list, max_length=len(NotificationKind))


class ReminderCreate(BaseModel):
    note: Prose = Field(min_length=3, max_length=2000, examples=["يرجى استلام الملف وإحالته اليوم"])


class ReminderSent(BaseModel):
    notification_id: str
    recipients: int
