"""The inbox and a supervisor's reminder, over store.notifications and store.directory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.cases.service import visible_case
from api.notifications.schemas import NotificationPage, NotificationPublic, PreferencesPublic, PreferencesUpdate
from core.agencies import AgencyTree
from core.case import Actor
from core.case_numbers import readable_number
from core.notifications import reminder_notice
from core.refusal import Refusal
from core.roles import Capability, may
from core.vocabulary import Channel, NotificationKind
from i18n.notices import notice_text
from store.agencies import load_agency_tree
from store.directory import Preferences, preferences_of, set_preferences
from store.models import DirectoryUser, NotificationDelivery
from store.notifications import (
    InboxItem,
    inbox,
    mark_all_read,
    mark_read,
    notification_id,
    record_notices,
    unread_count,
)

#: the most a page of the inbox holds
PAGE_LIMIT = 100


def not_found() -> Refusal:
    """One answer for a notification that does not exist and for someone else's."""
    return Refusal("notification_not_found", 404, "no such notification in your inbox",
                   "لا يوجد هذا الإشعار في صندوقك")


def link_of(item: InboxItem) -> str:
    if item.case_id:
        return f"/web/cases/{item.case_id}"
    if item.kind in (NotificationKind.certificate_to_review, NotificationKind.certificate_review_overdue):
        return "/web/certificates/reviews"
    if item.certificate_id:
        return "/web/certificates"
    return "/web/notifications"


def public(item: InboxItem, tree: AgencyTree) -> NotificationPublic:
    def names(language: str) -> Any:
        return lambda code: tree.by_code[code].name(language) if code in tree.by_code else code

    # the case as people say its number (core.case_numbers); the machine number stays in the answer's case_number
    said = readable_number(item.case_number, tree) if item.case_number else None
    texts = {language: notice_text(item.kind, item.params, case_number=said,
                                   certificate_id=item.certificate_id, language=language,
                                   agency_name=names(language)) for language in ("ar", "en")}
    return NotificationPublic(
        id=item.notification_id, kind=item.kind, case_id=item.case_id, case_number=item.case_number,
        certificate_id=item.certificate_id, at=item.at, created_at=item.created_at, read_at=item.read_at,
        unread=item.read_at is None, title=texts["en"].title, title_ar=texts["ar"].title,
        message=texts["en"].sentence, message_ar=texts["ar"].sentence, note=item.params.get("note"),
        sender=item.params.get("sender"), level=int(item.params.get("level") or 0), link=link_of(item))


def page_of(actor: Actor, session: Session, *, unread_only: bool, offset: int, limit: int) -> NotificationPage:
    items, total = inbox(session, actor.username, unread_only=unread_only, offset=offset, limit=limit)
    tree = load_agency_tree(session)
    return NotificationPage(items=[public(i, tree) for i in items], total=total,
                            unread=unread_count(session, actor.username))


def read_one(actor: Actor, session: Session, identifier: str) -> NotificationPublic:
    item = mark_read(session, actor.username, identifier, datetime.now(UTC))
    if item is None:
        raise not_found()
    return public(item, load_agency_tree(session))


def read_all(actor: Actor, session: Session) -> int:
    return mark_all_read(session, actor.username, datetime.now(UTC))


def preferences(actor: Actor, session: Session) -> PreferencesPublic:
    found = preferences_of(session, actor.username)
    row = session.get(DirectoryUser, actor.username)
    if found is None or row is None:  # the directory learns of every caller (api.deps): not reached in practice
        raise Refusal("not_in_directory", 404, "you are not in the directory yet", "لست مدرجاً في الدليل بعد")
    return PreferencesPublic(language="en" if found.language == "en" else "ar", email_enabled=found.email_enabled,
                             muted_kinds=sorted(found.muted_kinds), email=row.email)


def update_preferences(actor: Actor, session: Session, body: PreferencesUpdate) -> PreferencesPublic:
    if not set_preferences(session, actor.username, Preferences(body.language, body.email_enabled,
                                                                frozenset(body.muted_kinds)), datetime.now(UTC)):
        raise Refusal("not_in_directory", 404, "you are not in the directory yet", "لست مدرجاً في الدليل بعد")
    session.flush()
    return preferences(actor, session)


def send_reminder(actor: Actor, session: Session, case_id: str, note: str, request_id: str | None) -> tuple[str, int]:
    """A supervisor's reminder to those who hold a case they may see: (notification id, recipients)."""
    if not may(actor.roles, Capability.watch_stalled_cases):
        raise Refusal("forbidden_role", 403, "only supervisors and chiefs send reminders",
                      "إرسال التذكير من صلاحية المشرفين والرؤساء")
    _, state = visible_case(actor, case_id, session)
    if state.outcome is not None:
        raise Refusal("case_closed", 409, "the case is closed: there is nothing to remind of",
                      "القضية مقفلة فلا محل للتذكير")
    now = datetime.now(UTC)
    notice = reminder_notice(state, request_id or uuid.uuid4().hex, now, actor.username, note)
    record_notices(session, [notice], now)
    identifier = notification_id(notice.key)
    recipients = session.scalar(select(func.count()).select_from(NotificationDelivery).where(
        NotificationDelivery.notification_id == identifier, NotificationDelivery.channel == Channel.inbox)) or 0
    return identifier, recipients
