"""Notifications and their deliveries: a notice (core.notifications) made durable, fanned out to one
delivery per recipient x channel, the postman's queue of emails, and each user's inbox.

Made in the same transaction as whatever gave rise to it (the fold of a case's events, a certificate's step),
so that a notice is kept exactly when its cause is: nothing is lost across a restart, and a notice whose key
was seen already (a retried fold, a sweep run twice) changes nothing. The email queue is leased: a delivery
the postman claimed and did not finish (it was killed) is sent again after its lease, under the same
Message-ID, so a relay or a mail client that has it already knows it for the same message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.notifications import Notice
from core.vocabulary import Channel, DeliveryStatus, NotificationKind
from store.directory import members
from store.models import DirectoryUser, Notification, NotificationDelivery

#: how many times an email is tried before it is failed for good, and how long between tries
EMAIL_ATTEMPTS = 10
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)


def notification_id(key: str) -> str:
    """A notice's id: stable for its key, short enough for a URL and a Message-ID."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------- fan-out


@dataclass(frozen=True)
class FanOut:
    notifications: int = 0
    deliveries: int = 0

    def __add__(self, other: FanOut) -> FanOut:
        return FanOut(self.notifications + other.notifications, self.deliveries + other.deliveries)


def record_notices(session: Session, notices: Iterable[Notice], now: datetime) -> FanOut:
    """Keep each notice not seen before, and one delivery per recipient x channel: the inbox always (it is
    in the inbox from now), email when the recipient has an address and has not turned that kind off."""
    total = FanOut()
    for notice in notices:
        total += _record(session, notice, now)
    return total


def _record(session: Session, notice: Notice, now: datetime) -> FanOut:
    identifier = notification_id(notice.key)
    if session.get(Notification, identifier) is not None:
        return FanOut()
    try:
        with session.begin_nested():
            session.add(Notification(id=identifier, key=notice.key, kind=notice.kind, case_id=notice.case_id,
                                     case_number=notice.case_number, certificate_id=notice.certificate_id,
                                     params=notice.params(), at=notice.at, created_at=now))
            session.flush()
    except IntegrityError:  # made meanwhile by another transaction: it fans out there
        return FanOut()
    deliveries = []
    for user in members(session, notice.audiences):
        deliveries.append(NotificationDelivery(notification_id=identifier, recipient=user.username,
                                               channel=Channel.inbox, status=DeliveryStatus.sent, created_at=now,
                                               sent_at=now))
        if _wants_email(user, notice.kind):
            deliveries.append(NotificationDelivery(notification_id=identifier, recipient=user.username,
                                                   channel=Channel.email, status=DeliveryStatus.pending,
                                                   address=user.email, created_at=now, next_attempt_at=now))
    session.add_all(deliveries)
    session.flush()
    return FanOut(1, len(deliveries))


def _wants_email(user: DirectoryUser, kind: NotificationKind) -> bool:
    return bool(user.email) and user.email_enabled and kind.value not in user.muted_kinds


# ---------------------------------------------------------------- the email queue


@dataclass(frozen=True)
class EmailJob:
    """One email to send: the delivery it settles, and what it is written from."""

    delivery_id: int
    notification_id: str
    address: str
    recipient: str
    display_name: str
    language: str
    kind: NotificationKind
    case_id: str | None
    case_number: str | None
    certificate_id: str | None
    params: dict[str, Any]
    at: datetime
    attempts: int


def claim_emails(session: Session, now: datetime, limit: int, lease: timedelta) -> list[EmailJob]:
    """Up to `limit` emails due now, leased to the caller until now + `lease` (committed by the caller before
    it sends: a delivery is `sending` while anyone may be sending it)."""
    due = or_(and_(NotificationDelivery.status == DeliveryStatus.pending, NotificationDelivery.next_attempt_at <= now),
              and_(NotificationDelivery.status == DeliveryStatus.sending, NotificationDelivery.lease_until < now))
    statement = (select(NotificationDelivery, Notification, DirectoryUser)
                 .join(Notification, Notification.id == NotificationDelivery.notification_id)
                 .outerjoin(DirectoryUser, DirectoryUser.username == NotificationDelivery.recipient)
                 .where(NotificationDelivery.channel == Channel.email, due)
                 .order_by(NotificationDelivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=NotificationDelivery)
    jobs = []
    for delivery, notification, user in session.execute(statement).all():
        delivery.status = DeliveryStatus.sending
        delivery.lease_until = now + lease
        delivery.attempts += 1
        jobs.append(EmailJob(
            delivery_id=delivery.id, notification_id=notification.id, address=delivery.address or "",
            recipient=delivery.recipient, display_name=user.display_name if user else delivery.recipient,
            language=user.language if user else "ar", kind=NotificationKind(notification.kind),
            case_id=notification.case_id, case_number=notification.case_number,
            certificate_id=notification.certificate_id, params=dict(notification.params), at=notification.at,
            attempts=delivery.attempts))
    session.flush()
    return jobs


def mark_sent(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
                    .values(status=DeliveryStatus.sent, sent_at=now, lease_until=None, last_error=None))


def mark_undelivered(session: Session, delivery_id: int, attempts: int, error: str, now: datetime, *,
                     permanent: bool) -> DeliveryStatus:
    """A try that did not deliver: again later with a growing wait, or failed for good (refused by the relay
    for good, or attempts spent). The reason is kept either way."""
    if permanent or attempts >= EMAIL_ATTEMPTS:
        status, next_at = DeliveryStatus.failed, None
    else:
        status, next_at = DeliveryStatus.pending, now + min(RETRY_CAP, RETRY_BASE * 2 ** (attempts - 1))
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
                    .values(status=status, next_attempt_at=next_at, lease_until=None, last_error=error[:2000]))
    return status


def queue_counts(session: Session) -> dict[str, int]:
    """Email deliveries by status (for `./mizan mail` and the benchmark)."""
    rows = session.execute(select(NotificationDelivery.status, func.count())
                           .where(NotificationDelivery.channel == Channel.email)
                           .group_by(NotificationDelivery.status)).all()
    return {status: count for status, count in rows}


# ---------------------------------------------------------------- the inbox


@dataclass(frozen=True)
class InboxItem:
    notification_id: str
    kind: NotificationKind
    case_id: str | None
    case_number: str | None
    certificate_id: str | None
    params: dict[str, Any]
    at: datetime
    created_at: datetime
    read_at: datetime | None


def _inbox_of(username: str) -> Any:
    return and_(NotificationDelivery.recipient == username, NotificationDelivery.channel == Channel.inbox)


def inbox(session: Session, username: str, *, unread_only: bool, offset: int,
          limit: int) -> tuple[list[InboxItem], int]:
    """The user's own notifications, newest first, and how many there are in all (with the same filter)."""
    where = [_inbox_of(username)]
    if unread_only:
        where.append(NotificationDelivery.status != DeliveryStatus.read)
    total = session.scalar(select(func.count()).select_from(NotificationDelivery).where(*where)) or 0
    rows = session.execute(select(NotificationDelivery, Notification)
                           .join(Notification, Notification.id == NotificationDelivery.notification_id)
                           .where(*where)
                           .order_by(NotificationDelivery.created_at.desc(), NotificationDelivery.id.desc())
                           .offset(offset).limit(limit)).all()
    items = [InboxItem(notification.id, NotificationKind(notification.kind), notification.case_id,
                       notification.case_number, notification.certificate_id, dict(notification.params),
                       notification.at, delivery.created_at, delivery.read_at) for delivery, notification in rows]
    return items, total


def unread_count(session: Session, username: str) -> int:
    return session.scalar(select(func.count()).select_from(NotificationDelivery)
                          .where(_inbox_of(username), NotificationDelivery.status != DeliveryStatus.read)) or 0


def mark_read(session: Session, username: str, identifier: str, now: datetime) -> InboxItem | None:
    """Mark one of the user's own notifications read (again: no change); None when they have no such one."""
    row = session.execute(select(NotificationDelivery, Notification)
                          .join(Notification, Notification.id == NotificationDelivery.notification_id)
                          .where(_inbox_of(username), NotificationDelivery.notification_id == identifier)).first()
    if row is None:
        return None
    delivery, notification = row
    if delivery.status != DeliveryStatus.read:
        delivery.status, delivery.read_at = DeliveryStatus.read, now
        session.flush()
    return InboxItem(notification.id, NotificationKind(notification.kind), notification.case_id,
                     notification.case_number, notification.certificate_id, dict(notification.params),
                     notification.at, delivery.created_at, delivery.read_at)


def mark_all_read(session: Session, username: str, now: datetime) -> int:
    result = session.execute(update(NotificationDelivery)
                             .where(_inbox_of(username), NotificationDelivery.status != DeliveryStatus.read)
                             .values(status=DeliveryStatus.read, read_at=now))
    return int(getattr(result, "rowcount", 0) or 0)
