"""Notifications in the database, on both backends: a notice fans out once to each recipient x channel
(preferences applied), the email queue is leased and settled, the inbox is one's own."""

from __future__ import annotations

import threading
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
    renew_lease,
    return_untried,
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


def test_a_slow_sender_keeps_what_is_still_its_own_and_gives_back_what_it_did_not_try(db_engine: Engine) -> None:
    lease = timedelta(seconds=20)
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        record_notices(session, [_notice()], NOW)
    with Session(db_engine) as session, session.begin():
        first, second = claim_emails(session, NOW, 10, lease)
    with Session(db_engine) as session, session.begin():  # halfway through its lease: renewed, both still its own
        assert renew_lease(session, [first, second], NOW + timedelta(seconds=10), lease) == [first, second]
        assert claim_emails(session, NOW + timedelta(seconds=25), 10, lease) == []  # the renewed lease holds
    with Session(db_engine) as session, session.begin():  # it stalled past the lease: another takes `second`
        [taken] = claim_emails(session, NOW + timedelta(seconds=31), 1, lease)
        assert taken.delivery_id == first.delivery_id and taken.attempts == 2
        assert renew_lease(session, [first, second], NOW + timedelta(seconds=32), lease) == [second]
    with Session(db_engine) as session, session.begin():  # its round ends: `second` back, its attempt uncounted
        return_untried(session, [second], NOW + timedelta(seconds=33), "the round ended")
        return_untried(session, [first], NOW + timedelta(seconds=33), "not its own any more: nothing changes")
        rows = {row.id: row for row in session.scalars(select(NotificationDelivery)
                                                       .where(NotificationDelivery.channel == Channel.email))}
        assert (rows[second.delivery_id].status, rows[second.delivery_id].attempts) == (DeliveryStatus.pending, 0)
        assert (rows[first.delivery_id].status, rows[first.delivery_id].attempts) == (DeliveryStatus.sending, 2)
        [again] = claim_emails(session, NOW + timedelta(seconds=33), 10, lease)
        assert again.delivery_id == second.delivery_id and again.attempts == 1


def test_claimers_at_once_never_take_the_same_email(db_engine: Engine) -> None:
    """Eight claimers racing over 300 emails: each email is claimed by exactly one of them, once."""
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
        record_notices(session, [_notice(f"case:c1:{n}:handoff_arrived") for n in range(150)], NOW)
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        while True:
            with Session(db_engine) as session, session.begin():
                jobs = claim_emails(session, NOW, 7, timedelta(minutes=5))
            if not jobs:
                return
            with lock:
                claimed.extend(job.delivery_id for job in jobs)

    racers = [threading.Thread(target=claimer) for _ in range(8)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert len(claimed) == 300 and len(set(claimed)) == 300
    with Session(db_engine) as session:
        attempts = session.scalars(select(NotificationDelivery.attempts)
                                   .where(NotificationDelivery.channel == Channel.email)).all()
    assert set(attempts) == {1}


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


def test_notices_kept_by_two_transactions_at_once_fan_out_once(db_engine: Engine) -> None:
    """Two folds keeping overlapping notices at the same moment (two workers): the second waits for the first's
    key, falls back to one by one, and keeps only what is new; every notice fans out exactly once."""
    with Session(db_engine) as session, session.begin():
        upsert_identities(session, PEOPLE, NOW)
    first_keys = ["case:c1:2:handoff_arrived", "case:c1:3:handoff_arrived"]
    second_keys = ["case:c1:3:handoff_arrived", "case:c1:4:handoff_arrived"]
    outcome: dict[str, object] = {}
    with Session(db_engine) as first:
        first.begin()
        record_notices(first, [_notice(key) for key in first_keys], NOW)
        first.flush()

        def second_fold() -> None:
            try:
                with Session(db_engine) as second, second.begin():
                    outcome["fan_out"] = record_notices(second, [_notice(key) for key in second_keys], NOW)
            except Exception as error:  # the assertion below names it
                outcome["error"] = error

        racer = threading.Thread(target=second_fold)
        racer.start()
        racer.join(timeout=1.0)  # on PostgreSQL it waits on the first's uncommitted key; SQLite on its lock
        first.commit()
        racer.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    fan_out = outcome["fan_out"]
    assert (fan_out.notifications, fan_out.deliveries) == (1, 4)  # type: ignore[attr-defined]
    with Session(db_engine) as session:
        per_notification = session.execute(
            select(NotificationDelivery.notification_id, func.count()).group_by(NotificationDelivery.notification_id)
        ).all()
    assert sorted(count for _, count in per_notification) == [4, 4, 4]
    assert {identifier for identifier, _ in per_notification} == {
        notification_id(key) for key in first_keys + second_keys}
