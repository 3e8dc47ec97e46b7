"""Notifications through the real services: a hand-off arrives in the receiving agency's inboxes at once;
left unacknowledged (the test profile's clock is 4 seconds), it reaches the receivers again and, by
escalation, their supervisor, and each is emailed to the development sink. Each arrives exactly once,
although the worker is killed with SIGKILL in between. And a worker killed while the postman is sending
loses no email: the one in flight may be sent again, under its Message-ID, which mail stores keep once."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from config.settings import Settings
from core.vocabulary import Channel, DeliveryStatus, NotificationKind
from infra import procs
from infra.launcher import Launcher
from infra.mizan_services import WorkerService
from mail.compose import message_id
from mail.sink import mailbox, received
from store.database import session_scope
from store.models import Notification, NotificationDelivery
from tests.support import Api, wait_for

K = NotificationKind
STATION = ("officer.tripoli", "chief.tripoli")
PROSECUTION = ("prosecutor.tripoli", "chiefpros.tripoli")


def _report() -> dict[str, object]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "اختبار الإشعارات",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(), "parties": []}


def _inbox(api: Api, user: str, case_id: str) -> list[dict]:
    response = api.as_(user)("GET", "/api/v1/notifications", params={"limit": 100})
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item["case_id"] == case_id]


def _kinds(api: Api, user: str, case_id: str) -> Counter[tuple[str, int]]:
    return Counter((item["kind"], item["level"]) for item in _inbox(api, user, case_id))


def _kill_worker(settings: Settings) -> None:
    pid = procs.live_pid(settings.run_dir, "worker")
    assert pid is not None, "the worker is not running"
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: not procs.alive(pid), timeout=30)


def _start_worker(settings: Settings) -> None:
    """What `./mizan up`'s supervision does after a crash."""
    Launcher(settings, stages=[[WorkerService(settings)]], say=lambda _: None).up()


def _emails_of(case_id: str) -> tuple[list[NotificationDelivery], set[str]]:
    with session_scope() as session:
        rows = list(session.scalars(
            select(NotificationDelivery).join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(Notification.case_id == case_id, NotificationDelivery.channel == Channel.email)))
        session.expunge_all()
    return rows, {row.notification_id for row in rows}


def _all_sent(case_id: str) -> bool:
    rows, _ = _emails_of(case_id)
    return bool(rows) and all(row.status == DeliveryStatus.sent for row in rows)


@pytest.mark.stack
@pytest.mark.reliability
def test_an_unacknowledged_hand_off_is_told_at_once_then_escalated_each_exactly_once(api: Api,
                                                                                   settings: Settings) -> None:
    officer, chief = api.as_("officer.tripoli"), api.as_("chief.tripoli")
    prosecutor = api.as_("prosecutor.tripoli")
    created = officer("POST", "/api/v1/cases", json=_report())
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    def act(who: object, action: str, body: dict[str, object] | None = None) -> None:
        response = who("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body or {})  # type: ignore[operator]
        assert response.status_code == 200, response.text

    # a hand-off is in the receiving agency's inboxes as soon as it is answered
    act(chief, "refer_to_prosecution", {"to_agency": "pros.tripoli"})
    for user in PROSECUTION:
        assert _kinds(api, user, case_id)[(K.handoff_arrived, 0)] == 1, user
    assert not _inbox(api, "supervisor.tripoli", case_id)
    act(prosecutor, "acknowledge_receipt")

    # the prosecution sends it back to the station, which does not acknowledge it: the worker dies at once
    act(prosecutor, "request_further_inquiry", {"instructions": "استكمال أقوال الشهود"})
    for user in STATION:
        assert _kinds(api, user, case_id)[(K.handoff_arrived, 0)] == 1, user
    wait_for(lambda: _all_sent(case_id), timeout=120)  # the hand-off's emails are out: the worker dies now
    _kill_worker(settings)
    _start_worker(settings)

    # past the 4-second clock: the station is told it is late, and the directorate's supervisor above it
    wait_for(lambda: _kinds(api, "supervisor.tripoli", case_id)[(K.handoff_unacknowledged, 1)], timeout=120)
    for user in STATION:
        kinds = _kinds(api, user, case_id)
        assert kinds[(K.handoff_arrived, 0)] == 1 and kinds[(K.handoff_unacknowledged, 0)] == 1, (user, kinds)
    supervisor = _kinds(api, "supervisor.tripoli", case_id)
    assert supervisor == Counter({(K.handoff_unacknowledged, 1): 1}), supervisor
    assert not _inbox(api, "supervisor", case_id)  # the national level comes only if it stays stalled (48 h)

    # every email of the case's notifications is sent, and the sink received each exactly once
    wait_for(lambda: _all_sent(case_id), timeout=180)
    rows, notification_ids = _emails_of(case_id)
    in_sink = Counter((entry.notification, entry.to[0]) for entry in received(settings)
                      if entry.notification in notification_ids)
    expected = Counter((row.notification_id, row.address) for row in rows)
    assert in_sink == expected, (in_sink, expected)
    assert {"supervisor.tripoli@mizan.example", "chief.tripoli@mizan.example"} <= {row.address for row in rows}
    # an email names the case as people say its number, never by the machine's
    number = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["number"]
    subjects = {entry.subject for entry in received(settings) if entry.notification in notification_ids}
    assert subjects and all(number not in s and f"{int(number.rsplit('/', 1)[1])}/" in s for s in subjects), subjects


@pytest.mark.stack
def test_the_inbox_is_ones_own_marked_read_one_or_all(api: Api) -> None:
    officer, chief = api.as_("officer.tripoli"), api.as_("chief.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    assert chief("POST", f"/api/v1/cases/{case_id}/actions/refer_to_prosecution",
                 json={"to_agency": "pros.tripoli"}).status_code == 200
    [arrived] = [i for i in _inbox(api, "prosecutor.tripoli", case_id) if i["kind"] == K.handoff_arrived]
    assert arrived["unread"] and arrived["link"] == f"/web/cases/{case_id}"
    assert "pros" not in arrived["message_ar"] and "مركز شرطة طرابلس المركز" in arrived["message_ar"]
    # someone else's notification answers as one that does not exist
    other = api.as_("clerk.tripoli")("POST", f"/api/v1/notifications/{arrived['id']}/read")
    assert other.status_code == 404 and other.json()["error"]["code"] == "notification_not_found"
    assert api.as_("clerk.tripoli")("POST", "/api/v1/notifications/ZZ/read").status_code == 422
    prosecutor = api.as_("prosecutor.tripoli")
    read = prosecutor("POST", f"/api/v1/notifications/{arrived['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = prosecutor("GET", "/api/v1/notifications", params={"unread": "true", "limit": 100}).json()
    assert arrived["id"] not in {i["id"] for i in unread["items"]}
    # the chief prosecutor's copy is their own: still unread
    assert [i["unread"] for i in _inbox(api, "chiefpros.tripoli", case_id) if i["id"] == arrived["id"]] == [True]
    assert prosecutor("POST", "/api/v1/notifications/read-all").status_code == 200
    assert prosecutor("GET", "/api/v1/notifications/unread-count").json() == {"unread": 0}


@pytest.mark.stack
def test_preferences_are_ones_own_and_checked(api: Api) -> None:
    judge = api.as_("judge.tripoli")
    current = judge("GET", "/api/v1/notifications/preferences")
    assert current.status_code == 200 and current.json()["email"] == "judge.tripoli@mizan.example"
    changed = judge("PUT", "/api/v1/notifications/preferences", json={
        "language": "en", "email_enabled": True, "muted_kinds": ["hearing_tomorrow"]})
    assert changed.status_code == 200 and changed.json()["muted_kinds"] == ["hearing_tomorrow"]
    bad = judge("PUT", "/api/v1/notifications/preferences", json={
        "language": "fr", "email_enabled": True, "muted_kinds": ["no_such_kind"]})
    assert bad.status_code == 422 and bad.json()["error"]["message_ar"]
    assert judge("GET", "/api/v1/notifications/preferences").json()["language"] == "en"  # unchanged by the 422
    judge("PUT", "/api/v1/notifications/preferences", json={"language": "ar", "email_enabled": True,
                                                            "muted_kinds": []})


@pytest.mark.stack
def test_a_supervisor_reminds_the_holder_and_others_may_not(api: Api) -> None:
    officer = api.as_("officer.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    supervisor = api.as_("supervisor.tripoli")
    sent = supervisor("POST", f"/api/v1/cases/{case_id}/reminders", json={"note": "يرجى إحالة الملف اليوم"},
                      headers={"Idempotency-Key": f"remind-{case_id}"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["recipients"] == 2  # the station's officer and chief
    again = supervisor("POST", f"/api/v1/cases/{case_id}/reminders", json={"note": "يرجى إحالة الملف اليوم"},
                       headers={"Idempotency-Key": f"remind-{case_id}"})
    assert again.json()["notification_id"] == sent.json()["notification_id"]
    [reminder] = [i for i in _inbox(api, "officer.tripoli", case_id) if i["kind"] == K.supervisor_reminder]
    assert reminder["note"] == "يرجى إحالة الملف اليوم" and reminder["sender"] == "supervisor.tripoli"
    refused = officer("POST", f"/api/v1/cases/{case_id}/reminders", json={"note": "تذكير"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden_role"
    hidden = api.as_("chief.benghazi")("POST", f"/api/v1/cases/{case_id}/reminders", json={"note": "تذكير"})
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "case_not_found"


REMINDERS = 60  # two recipients each: 120 emails
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reliability"


@pytest.mark.stack
@pytest.mark.reliability
def test_a_worker_killed_while_the_postman_sends_loses_no_email(api: Api, settings: Settings) -> None:
    officer, supervisor = api.as_("officer.tripoli"), api.as_("supervisor.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    for n in range(REMINDERS):
        response = supervisor("POST", f"/api/v1/cases/{case_id}/reminders", json={"note": f"تذكير رقم {n}"},
                              headers={"Idempotency-Key": f"bulk-{case_id}-{n}"})
        assert response.status_code == 201, response.text
    _, ids = _emails_of(case_id)

    def sent_so_far() -> int:
        return sum(1 for entry in received(settings) if entry.notification in ids)

    wait_for(sent_so_far, timeout=120, interval=0.02)
    killed_at = time.monotonic()
    _kill_worker(settings)
    before = sent_so_far()
    _start_worker(settings)
    wait_for(lambda: _all_sent(case_id), timeout=300)
    recovered = time.monotonic() - killed_at
    rows, ids = _emails_of(case_id)
    transmissions = Counter((entry.message_id, entry.to[0]) for entry in received(settings)
                            if entry.notification in ids)
    kept = Counter((entry.message_id, entry.to[0]) for entry in mailbox(settings) if entry.notification in ids)
    expected = {(message_id(row.notification_id, row.recipient, settings.mail_domain), row.address) for row in rows}
    assert len(rows) == 2 * REMINDERS
    assert set(kept) == expected and set(kept.values()) == {1}  # every one kept, once: none lost
    again = sum(transmissions.values()) - len(transmissions)
    # at most the one in flight on each of the postman's connections when the worker died
    assert again <= settings.email_lanes, transmissions.most_common(5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "notifications-kill-9.json").write_text(json.dumps({
        "emails": len(rows), "received_before_the_kill": before, "transmissions": sum(transmissions.values()),
        "sent_again_under_the_same_message_id": again, "kept_by_the_mailbox": sum(kept.values()),
        "lost": len(expected - set(kept)), "seconds_from_kill_to_all_sent": round(recovered, 1)}, indent=2) + "\n")
