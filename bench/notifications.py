"""`mizan bench notifications`: N notifications fanned out and emailed, through the running services.

The notices are kept the way a case's fold keeps them (store.notifications.record_notices, 100 to a
transaction, each to one of 50 bench users in the directory): an inbox delivery and an email each. The clock
runs from the first notice kept to the last email the development sink received: the postman (a Temporal
workflow in the running worker) claims, writes in the recipient's language, sends over SMTP and records.
Then it counts: emails not sent or not received (lost), emails received more than once (doubled).

The raw baseline, in the same run: as many bare messages sent straight to the same sink with smtplib, 50 to
a connection, with no database, no Temporal and no templates: what the SMTP hop alone allows on this
machine. Results go to bench/results/notifications-<time>.{json,md}. Needs `./mizan up` (or the test
profile's services, with its environment).
"""

from __future__ import annotations

import argparse
import json
import smtplib
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from config.settings import ROOT, Settings, get_settings
from core.notifications import Notice, Person
from core.vocabulary import Channel, DeliveryStatus, NotificationKind
from mail.sink import received
from store.database import session_scope
from store.directory import Identity, upsert_identities
from store.models import Notification, NotificationDelivery
from store.notifications import record_notices

RECIPIENTS = 50
PER_TRANSACTION = 100
BASELINE_BATCH = 50


def _bench_users(run: str) -> list[Identity]:
    return [Identity(f"bench.{run}.{n:02d}", f"مستخدم القياس {n}", "", ("citizen",),
                     f"bench.{run}.{n:02d}@mizan.example")
            for n in range(RECIPIENTS)]


def _baseline(settings: Settings, count: int, run: str) -> dict[str, Any]:
    """Bare messages straight to the sink: the SMTP hop alone."""
    started = time.perf_counter()
    host, port = settings.smtp_address
    sent = 0
    while sent < count:
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            for _ in range(min(BASELINE_BATCH, count - sent)):
                message = EmailMessage()
                message["From"], message["To"] = "bench@mizan.example", "baseline@mizan.example"
                message["Subject"] = f"baseline {run} {sent}"
                message["Message-ID"] = f"<baseline.{run}.{sent}@mizan.example>"
                message.set_content("baseline")
                smtp.send_message(message)
                sent += 1
    wall = time.perf_counter() - started
    return {"messages": sent, "wall_seconds": round(wall, 3), "per_second": round(sent / wall, 1)}


def _fan_out(count: int, run: str) -> float:
    """Keep `count` notices as a fold does; the seconds it took."""
    users = _bench_users(run)
    now = datetime.now(UTC)
    with session_scope() as session:
        upsert_identities(session, users, now)
    started = time.perf_counter()
    for first in range(0, count, PER_TRANSACTION):
        notices = [Notice(f"bench:{run}:{n}", NotificationKind.supervisor_reminder, now,
                          (Person(users[n % RECIPIENTS].username),), case_id=f"bench-{run}",
                          case_number=f"BENCH/{n}", agency="moi", note="قياس الأداء")
                   for n in range(first, min(count, first + PER_TRANSACTION))]
        with session_scope() as session:
            record_notices(session, notices, datetime.now(UTC))
    return time.perf_counter() - started


def _email_counts(run: str) -> dict[str, int]:
    with session_scope() as session:
        rows = session.execute(
            select(NotificationDelivery.status, func.count())
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(Notification.case_id == f"bench-{run}", NotificationDelivery.channel == Channel.email)
            .group_by(NotificationDelivery.status)).all()
    return {status: count for status, count in rows}


def _received_of(settings: Settings, run: str) -> Counter[str]:
    suffix = "@mizan.example"
    return Counter(entry.message_id for entry in received(settings)
                   if entry.to and entry.to[0].startswith(f"bench.{run}.") and entry.to[0].endswith(suffix))


def _run(count: int, timeout: float) -> dict[str, Any]:
    settings = get_settings()
    run = uuid.uuid4().hex[:8]
    baseline = _baseline(settings, count, run)
    started = time.perf_counter()
    kept_seconds = _fan_out(count, run)
    deadline = started + timeout
    while time.perf_counter() < deadline:
        counts = _email_counts(run)
        if counts.get(DeliveryStatus.sent, 0) + counts.get(DeliveryStatus.failed, 0) >= count:
            break
        time.sleep(0.2)
    wall = time.perf_counter() - started
    counts = _email_counts(run)
    arrived = _received_of(settings, run)
    with session_scope() as session:
        inbox = session.scalar(
            select(func.count()).select_from(NotificationDelivery)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(Notification.case_id == f"bench-{run}", NotificationDelivery.channel == Channel.inbox)) or 0
    sent = counts.get(DeliveryStatus.sent, 0)
    return {
        "benchmark": "notifications", "at": datetime.now(UTC).isoformat(), "notifications": count,
        "recipients": RECIPIENTS, "database": settings.db_url.split(":", 1)[0],
        "email_batch": settings.email_batch,
        "kept_seconds": round(kept_seconds, 3), "kept_per_second": round(count / kept_seconds, 1),
        "wall_seconds": round(wall, 3), "delivered_per_second": round(sent / wall, 1) if wall else 0,
        "inbox_deliveries": inbox, "emails_sent": sent, "emails_failed": counts.get(DeliveryStatus.failed, 0),
        "emails_received": len(arrived), "lost": count - len(arrived),
        "doubled": sum(arrived.values()) - len(arrived), "raw_smtp_baseline": baseline,
    }


def _markdown(result: dict[str, Any]) -> str:
    raw = result["raw_smtp_baseline"]
    return "\n".join([
        f"# Notifications benchmark ({result['at']})", "",
        f"{result['notifications']} notifications, each to one of {result['recipients']} users (an inbox delivery "
        f"and an email), kept as a case's fold keeps them, on {result['database']}; emailed by the postman "
        f"{result['email_batch']} to a connection to the development SMTP sink.", "",
        "| | notifications/s | seconds | sent | received | lost | doubled |", "|---|---|---|---|---|---|---|",
        f"| Mizan: kept, fanned out, emailed | {result['delivered_per_second']} | {result['wall_seconds']} "
        f"| {result['emails_sent']} | {result['emails_received']} | {result['lost']} | {result['doubled']} |",
        f"| of which keeping them (fold's transaction) | {result['kept_per_second']} | {result['kept_seconds']} "
        f"| | | | |",
        f"| raw baseline: bare smtplib to the same sink | {raw['per_second']} | {raw['wall_seconds']} "
        f"| {raw['messages']} | | | |", ""])


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mizan bench notifications", description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the last email")
    options = parser.parse_args(sys.argv[1:] if args is None else args)
    result = _run(options.notifications, options.timeout)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"notifications-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    Path(f"{stem}.md").write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    return 0 if result["lost"] == 0 and result["doubled"] == 0 else 1
