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

from core.notifications import Audience, Notice
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
    in the inbox from now), email when the recipient has an address and has not turned that kind off.

    All at once (one query for the keys already seen, one for each audience, one flush), and one by one only
    when another transaction made one of them meanwhile (PostgreSQL: the key is unique)."""
    fresh = _unseen(session, list(notices))
    if not fresh:
        return FanOut()
    try:
        with session.begin_nested():
            return _record_all(session, fresh, now)
    except IntegrityError:  # one of them was made meanwhile: each on its own, what is still unseen
        total = FanOut()
        for notice in _unseen(session, fresh):
            try:
                with session.begin_nested():
                    total += _record_all(session, [notice], now)
            except IntegrityError:  # made meanwhile by another transaction: it fans out there
                continue
        return total


#: keys looked up in one query (well under every engine's limit on bound parameters)
KEYS_PER_QUERY = 500


def _unseen(session: Session, notices: list[Notice]) -> list[Notice]:
    by_id: dict[str, Notice] = {}
    for notice in notices:
        by_id.setdefault(notification_id(notice.key), notice)
    identifiers = list(by_id)
    for first in range(0, len(identifiers), KEYS_PER_QUERY):
        chunk = identifiers[first:first + KEYS_PER_QUERY]
        for seen in session.scalars(select(Notification.id).where(Notification.id.in_(chunk))):
            by_id.pop(seen, None)
    return list(by_id.values())


def _record_all(session: Session, notices: list[Notice], now: datetime) -> FanOut:
    audiences: dict[tuple[Audience, ...], list[DirectoryUser]] = {}
    deliveries: list[NotificationDelivery] = []
    for notice in notices:
        identifier = notification_id(notice.key)
        session.add(Notification(id=identifier, key=notice.key, kind=notice.kind, case_id=notice.case_id,
                                 case_number=notice.case_number, certificate_id=notice.certificate_id,
                                 params=notice.params(), at=notice.at, created_at=now))
        if notice.audiences not in audiences:
            audiences[notice.audiences] = members(session, notice.audiences)
        deliveries += _deliveries(identifier, audiences[notice.audiences], notice.kind, now)
    session.flush()  # the notifications first: a delivery names one
    session.add_all(deliveries)
    session.flush()
    return FanOut(len(notices), len(deliveries))


def _deliveries(identifier: str, users: list[DirectoryUser], kind: NotificationKind,
                now: datetime) -> list[NotificationDelivery]:
    deliveries = []
    for user in users:
        deliveries.append(NotificationDelivery(notification_id=identifier, recipient=user.username,
                                               channel=Channel.inbox, status=DeliveryStatus.sent, created_at=now,
                                               sent_at=now))
        if _wants_email(user, kind):
            deliveries.append(NotificationDelivery(notification_id=identifier, recipient=user.username,
                                                   channel=Channel.email, status=DeliveryStatus.pending,
                                                   address=user.email, created_at=now, next_attempt_at=now))
    return deliveries


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
    it sends: a delivery is `sending` while anyone may be sending it).

    Each is taken by an update that holds only if nobody took it since it was read (the same status and
    attempt count): two claimers reading the same rows at once (SQLite reads take no lock) never both win
    one. PostgreSQL also skips rows another claimer has locked."""
    due = or_(and_(NotificationDelivery.status == DeliveryStatus.pending, NotificationDelivery.next_attempt_at <= now),
              and_(NotificationDelivery.status == DeliveryStatus.sending, NotificationDelivery.lease_until < now))
    statement = (select(NotificationDelivery.id, NotificationDelivery.status, NotificationDelivery.attempts,
                        NotificationDelivery.address, NotificationDelivery.recipient, Notification, DirectoryUser)
                 .join(Notification, Notification.id == NotificationDelivery.notification_id)
                 .outerjoin(DirectoryUser, DirectoryUser.username == NotificationDelivery.recipient)
                 .where(NotificationDelivery.channel == Channel.email, due)
                 .order_by(NotificationDelivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=NotificationDelivery)
    jobs = []
    for delivery_id, status, attempts, address, recipient, notification, user in session.execute(statement).all():
        taken = session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.id == delivery_id, NotificationDelivery.status == status,
                   NotificationDelivery.attempts == attempts)
            .values(status=DeliveryStatus.sending, lease_until=now + lease, attempts=attempts + 1))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another claimer's now
        jobs.append(EmailJob(
            delivery_id=delivery_id, notification_id=notification.id, address=address or "",
            recipient=recipient, display_name=user.display_name if user else recipient,
            language=user.language if user else "ar", kind=NotificationKind(notification.kind),
            case_id=notification.case_id, case_number=notification.case_number,
            certificate_id=notification.certificate_id, params=dict(notification.params), at=notification.at,
            attempts=attempts + 1))
    return jobs


def mark_sent(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(update(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
                    .values(status=DeliveryStatus.sent, sent_at=now, lease_until=None, last_error=None))


def renew_lease(session: Session, jobs: list[EmailJob], now: datetime, lease: timedelta) -> list[EmailJob]:
    """Extend the lease of claimed emails that are still the caller's, and return those. An email is still
    the caller's while it is `sending` under the attempt the caller claimed: a claim by anyone else (after the
    lease ran out) counts another attempt, and the caller must then leave it to them."""
    ours = []
    for job in jobs:
        renewed = session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.id == job.delivery_id, NotificationDelivery.status == DeliveryStatus.sending,
                   NotificationDelivery.attempts == job.attempts)
            .values(lease_until=now + lease))
        if renewed.rowcount == 1:  # type: ignore[attr-defined]
            ours.append(job)
    return ours


def return_untried(session: Session, jobs: list[EmailJob], due: datetime, reason: str) -> None:
    """Claimed emails the caller did not try (its round ended, or the relay went away before their turn):
    pending again from `due`, and their attempt not counted, so an outage of the relay wears no email out."""
    for job in jobs:
        session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.id == job.delivery_id, NotificationDelivery.status == DeliveryStatus.sending,
                   NotificationDelivery.attempts == job.attempts)
            .values(status=DeliveryStatus.pending, attempts=job.attempts - 1, next_attempt_at=due, lease_until=None,
                    last_error=reason[:2000]))


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
