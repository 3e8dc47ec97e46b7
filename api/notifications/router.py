"""The caller's own notifications (newest first), their preferences, and a supervisor's reminder to those who
hold a case. A notification is only ever its recipient's: someone else's answers as one that does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api import audit_trail
from api.deps import CurrentUser, SessionDep
from api.idempotency import checked_key
from api.notifications import service
from api.notifications.schemas import (
    MarkedRead,
    NotificationPage,
    NotificationPublic,
    PreferencesPublic,
    PreferencesUpdate,
    ReminderCreate,
    ReminderSent,
    UnreadCount,
)
from api.params import IdempotencyKeyHeader, Offset
from core.refusal import Refusal
from store.notifications import unread_count

router = APIRouter(prefix="/api/v1", tags=["notifications"])

NotificationId = Annotated[str, Path(min_length=1, max_length=64, pattern="^[0-9a-f]+$")]


@router.get("/notifications", response_model=NotificationPage, operation_id="list_notifications")
def list_notifications(user: CurrentUser, session: SessionDep, unread: bool = False, offset: Offset = 0,
                       limit: Annotated[int, Query(ge=1, le=service.PAGE_LIMIT)] = 50) -> NotificationPage:
    return service.page_of(user, session, unread_only=unread, offset=offset, limit=limit)


@router.get("/notifications/unread-count", response_model=UnreadCount, operation_id="count_unread_notifications")
def count_unread(user: CurrentUser, session: SessionDep) -> UnreadCount:
    return UnreadCount(unread=unread_count(session, user.username))


@router.post("/notifications/{notification_id}/read", response_model=NotificationPublic,
             operation_id="mark_notification_read")
def mark_read(notification_id: NotificationId, user: CurrentUser, session: SessionDep) -> NotificationPublic:
    return service.read_one(user, session, notification_id)


@router.post("/notifications/read-all", response_model=MarkedRead, operation_id="mark_all_notifications_read")
def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedRead:
    return MarkedRead(marked=service.read_all(user, session))


@router.get("/notifications/preferences", response_model=PreferencesPublic,
            operation_id="get_notification_preferences")
def get_preferences(user: CurrentUser, session: SessionDep) -> PreferencesPublic:
    return service.preferences(user, session)


@router.put("/notifications/preferences", response_model=PreferencesPublic,
            operation_id="set_notification_preferences")
def set_preferences(body: PreferencesUpdate, user: CurrentUser, session: SessionDep) -> PreferencesPublic:
    return service.update_preferences(user, session, body)


@router.post("/cases/{case_id}/reminders", status_code=201, response_model=ReminderSent,
             operation_id="send_case_reminder")
def send_reminder(case_id: Annotated[str, Path(max_length=64)], body: ReminderCreate, user: CurrentUser,
                  session: SessionDep, request: Request,
                  idempotency_key: IdempotencyKeyHeader = None) -> ReminderSent:
    """A reminder to those who hold the case, from a supervisor or chief who may see it. The same
    Idempotency-Key sends it once."""
    try:
        key = checked_key(idempotency_key)
        identifier, recipients = service.send_reminder(user, session, case_id, body.note,
                                                       f"{user.username}:{key}" if key else None)
    except Refusal as error:
        audit_trail.record(user, request, "case.reminder", case_id=case_id, outcome=audit_trail.refused(error))
        raise
    session.commit()  # before the audit's own transaction: SQLite has one writer at a time
    audit_trail.record(user, request, "case.reminder", case_id=case_id,
                       detail={"notification_id": identifier, "recipients": recipients})
    return ReminderSent(notification_id=identifier, recipients=recipients)
