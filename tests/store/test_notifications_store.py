"""Notifications in the database, on both backends: a notice fans out once to each recipient x channel
(preferences applied), the email queue is leased and settled, the inbox is one's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.notifications import AgencyRoles, Notice, Person
from core.vocabulary import Channel, DeliveryStatus, NotificationKind, Role
from store.directory import Identity, Preferences, set_preferences, upsert_identities, upsert_identity
from store.models import NotificationDelivery
from store.notifications import (
    EMAIL_ATTEMPTS,
    claim_emails,
    inbox,
    mark_all_read,
    mark_read,
    mark_sent,
    mark_undelivered,
    notification_id,
    record_notices,
    unread_count,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PEOPLE = [
    Identity("prosecutor.tripoli", "نوري القماطي", "pros.tripoli", ("prosecutor",), "p@mizan.example"),
    Identity("chiefpros.tripoli", "عبد الحميد الصيد", "pros.tripoli", ("chief_prosecutor",), "c@mizan.example"),
    Identity("clerk.tripoli", "هدى بن عمران", "court.tripoli", ("court_clerk",), "k@mizan.example"),
    Identity("citizen1", "أحمد المبروك", "", ("citizen",), None),
]
PROSECUTION = AgencyRoles("pros.tripoli", frozenset({Role.prosecutor, Role.chief_prosecutor}))


def _notice(key: str = "case:c1:2:handoff_arrived", *audiences: AgencyRoles | Person) -> Notice:
    return Notice(key, NotificationKind.handoff_arrived, NOW, audiences or (PROSECUTION,), case_id="c1",
                  case_number="TRP-2026-000001", agency="station.tripoli.central", due_at=NOW + timedelta(hours=24))


def _deliveries(session: Session, channel: Channel) -> list[NotificationDelivery]:
    return list(session.scalars(select(NotificationDelivery).where(NotificationDelivery.channel == channel)
                                .order_by(NotificationDelivery.recipient)))


def test_a_notice_fans_out_once_per_recipient_and_channel(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        first = record_notices(session, [_notice()], NOW)
        again = record_notices(session, [_notice()], NOW + timedelta(minutes=5))  # a retried fold
        assert (first.notifications, first.deliveries) == (1, 4)  # two prosecutors x inbox and email
        assert (again.notifications, again.deliveries) == (0, 0)
        inboxes = _deliveries(session, Channel.inbox)
        assert [(d.recipient, d.status) for d in inboxes] == [("chiefpros.tripoli", DeliveryStatus.sent),
                                                             ("prosecutor.tripoli", DeliveryStatus.sent)]
        emails = _deliveries(session, Channel.email)
        assert [(d.address, d.status) for d in emails] == [("c@mizan.example", DeliveryStatus.pending),
                                                          ("p@mizan.example", DeliveryStatus.pending)]


def test_preferences_and_addresses_decide_the_email_not_the_inbox(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        set_preferences(session, "chiefpros.tripoli", Preferences("en", True,
                                                                  frozenset({NotificationKind.handoff_arrived})), NOW)
        set_preferences(session, "prosecutor.tripoli", Preferences("ar", False, frozenset()), NOW)
        record_notices(session, [_notice(), _notice("certificate:x:certificate_issued", Person("citizen1"))], NOW)
        assert {d.recipient for d in _deliveries(session, Channel.inbox)} == {
            "chiefpros.tripoli", "prosecutor.tripoli", "citizen1"}
        assert _deliveries(session, Channel.email) == []  # one muted the kind, one all email, one has no address


def test_a_token_without_an_address_keeps_the_directorys(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        changed = upsert_identity(session, Identity("clerk.tripoli", "هدى بن عمران", "court.tripoli",
                                                    ("court_clerk",), None), NOW)
        assert not changed
        record_notices(session, [_notice("k2", AgencyRoles("court.tripoli", frozenset({Role.court_clerk})))], NOW)
        assert [d.address for d in _deliveries(session, Channel.email)] == ["k@mizan.example"]


def test_the_email_queue_is_leased_then_settled(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        record_notices(session, [_notice()], NOW)
    with Session(db_engine) as session, session.begin():
        jobs = claim_emails(session, NOW, 10, timedelta(seconds=60))
        assert len(jobs) == 2 and {j.attempts for j in jobs} == {1}
        assert jobs[0].notification_id == notification_id("case:c1:2:handoff_arrived")
    with Session(db_engine) as session, session.begin():
        assert claim_emails(session, NOW + timedelta(seconds=30), 10, timedelta(seconds=60)) == []  # leased
        mark_sent(session, jobs[0].delivery_id, NOW)
    with Session(db_engine) as session, session.begin():
        # the other's claimer died: after its lease it is claimed again, once
        [again] = claim_emails(session, NOW + timedelta(seconds=61), 10, timedelta(seconds=60))
        assert again.delivery_id == jobs[1].delivery_id and again.attempts == 2
        assert mark_undelivered(session, again.delivery_id, again.attempts, "451 busy", NOW,
                                permanent=False) == DeliveryStatus.pending
    with Session(db_engine) as session, session.begin():
        assert claim_emails(session, NOW + timedelta(seconds=1), 10, timedelta(seconds=60)) == []  # waits
        [later] = claim_emails(session, NOW + timedelta(minutes=5), 10, timedelta(seconds=60))
        assert mark_undelivered(session, later.delivery_id, EMAIL_ATTEMPTS, "451 busy", NOW,
                                permanent=False) == DeliveryStatus.failed
        statuses = session.execute(select(NotificationDelivery.status, func.count())
                                   .where(NotificationDelivery.channel == Channel.email)
                                   .group_by(NotificationDelivery.status)).all()
        assert dict(statuses) == {DeliveryStatus.sent: 1, DeliveryStatus.failed: 1}


def test_the_inbox_is_ones_own_newest_first(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        record_notices(session, [_notice("n1")], NOW)
        record_notices(session, [_notice("n2")], NOW + timedelta(minutes=1))
        items, total = inbox(session, "prosecutor.tripoli", unread_only=False, offset=0, limit=10)
        assert total == 2 and [i.notification_id for i in items] == [notification_id("n2"), notification_id("n1")]
        assert mark_read(session, "clerk.tripoli", notification_id("n1"), NOW) is None  # someone else's
        read = mark_read(session, "prosecutor.tripoli", notification_id("n1"), NOW)
        assert read is not None and read.read_at == NOW
        assert unread_count(session, "prosecutor.tripoli") == 1
        assert unread_count(session, "chiefpros.tripoli") == 2  # read by one, not by the other
        unread, total_unread = inbox(session, "prosecutor.tripoli", unread_only=True, offset=0, limit=10)
        assert total_unread == 1 and unread[0].notification_id == notification_id("n2")
        assert mark_all_read(session, "chiefpros.tripoli", NOW) == 2
        assert unread_count(session, "chiefpros.tripoli") == 0
