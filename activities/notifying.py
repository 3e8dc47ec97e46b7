"""The notifications' activities: the postman's round of emails, and the hourly reminders sweep.

Both are idempotent. An email is claimed (leased, committed) before it is sent and marked sent right after
the relay accepts it, one by one, so a worker killed between the two leaves one message at most that is sent
again after its lease, under the same Message-ID. A reminder's key makes a second sweep a no-op.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from temporalio import activity

from config.settings import Settings, get_settings
from core.agencies import AgencyTree
from core.case_numbers import readable_number
from core.notifications import Notice, hearing_notices, still_stalled_notices
from core.vocabulary import Stage
from mail.compose import compose
from mail.relay import Refused, Relay, RelayUnavailable
from store.agencies import load_agency_tree
from store.codec import state_from_json
from store.database import session_scope
from store.models import Case
from store.notifications import (
    EmailJob,
    claim_emails,
    mark_sent,
    mark_undelivered,
    record_notices,
    renew_lease,
    return_untried,
)
from workflows.messages import DELIVER_EMAILS, SWEEP_REMINDERS, PostReport, PostRound, SweepReport

log = logging.getLogger(__name__)

#: how long a claimed email is the claimer's alone; past it, another round sends it (its claimer died). A
#: lane renews the lease on what it has left once LEASE_MARGIN of it has gone (a slow relay)
LEASE = timedelta(seconds=20)
LEASE_MARGIN = 0.5
#: after the relay could not be reached, the round waits this long before it tries again
RELAY_PAUSE_SECONDS = 5.0
HEARING_STAGES = (Stage.trial, Stage.appeal, Stage.cassation)


@dataclass(frozen=True)
class _Directory:
    """How an email names what it speaks of: an agency by its name, a case by the number people say
    (core.case_numbers), from the agency tree read once a round."""

    tree: AgencyTree

    def agency(self, code: str, language: str) -> str:
        agency = self.tree.by_code.get(code)
        return agency.name(language) if agency else code

    def number(self, number: str) -> str:
        return readable_number(number, self.tree)


def _send(settings: Settings, relay: Relay, job: EmailJob, directory: _Directory) -> None:
    message = compose(settings, notification_id=job.notification_id, recipient=job.recipient, address=job.address,
                      display_name=job.display_name, language=job.language, kind=job.kind, params=job.params,
                      case_id=job.case_id, case_number=directory.number(job.case_number) if job.case_number else None,
                      certificate_id=job.certificate_id, agency_name=directory.agency)
    relay.send(message)


def _settle(job: EmailJob, *, sent: bool, error: str = "", permanent: bool = False) -> str:
    now = datetime.now(UTC)
    with session_scope() as session:
        if sent:
            mark_sent(session, job.delivery_id, now)
            return "sent"
        return str(mark_undelivered(session, job.delivery_id, job.attempts, error, now, permanent=permanent))


def _return_untried(jobs: list[EmailJob], reason: str, after_seconds: float = 0.0) -> None:
    if jobs:
        with session_scope() as session:
            return_untried(session, jobs, datetime.now(UTC) + timedelta(seconds=after_seconds), reason)


def _still_ours(jobs: list[EmailJob]) -> list[EmailJob]:
    with session_scope() as session:
        return renew_lease(session, jobs, datetime.now(UTC), LEASE)


def _send_batch(settings: Settings, jobs: list[EmailJob], directory: _Directory,
                report: PostReport, claimed_at: float, stop: threading.Event) -> bool:
    """Send a claimed batch over one connection, renewing the lease on what is left before it runs out (a slow
    relay); False when the relay went away (what was not tried goes back to the queue, uncounted)."""
    remaining = list(jobs)
    renew_at = claimed_at + LEASE.total_seconds() * LEASE_MARGIN
    try:
        with Relay(settings) as relay:
            while remaining:
                if stop.is_set():
                    _return_untried(remaining, "the round ended before its turn")
                    return True
                if time.monotonic() >= renew_at:
                    renewing = time.monotonic()
                    remaining = _still_ours(remaining)  # any re-claimed meanwhile is the re-claimer's now
                    renew_at = renewing + LEASE.total_seconds() * LEASE_MARGIN
                    continue
                job = remaining.pop(0)
                try:
                    _send(settings, relay, job, directory)
                except Refused as refusal:
                    outcome = _settle(job, sent=False, error=str(refusal), permanent=refusal.permanent)
                    report.failed += outcome == "failed"
                    report.retried += outcome != "failed"
                    continue
                except RelayUnavailable as error:
                    _settle(job, sent=False, error=str(error))  # the one in hand was tried: it counts
                    _return_untried(remaining, str(error), RELAY_PAUSE_SECONDS)
                    report.retried += 1 + len(remaining)
                    return False
                _settle(job, sent=True)
                report.sent += 1
    except RelayUnavailable as error:  # could not connect: nothing was tried
        log.warning("postman: the relay is not there: %s", error)
        _return_untried(remaining, str(error), RELAY_PAUSE_SECONDS)
        report.retried += len(remaining)
        return False
    return True


def _lane(settings: Settings, round_: PostRound, report: PostReport, stop: threading.Event) -> None:
    """One connection's worth of the round: claim a batch, send it, again, until the round is over."""
    while not stop.is_set():
        claimed_at = time.monotonic()
        with session_scope() as session:  # committed before anything is sent: the claim is on record
            jobs = claim_emails(session, datetime.now(UTC), round_.batch, LEASE)
            # the agency tree as it is now (a round outlives changes to it: names, short codes)
            directory = _Directory(load_agency_tree(session)) if jobs else None
        if not jobs:
            stop.wait(round_.idle_poll_seconds)
            continue
        assert directory is not None
        if not _send_batch(settings, jobs, directory, report, claimed_at, stop):
            stop.wait(RELAY_PAUSE_SECONDS)


@activity.defn(name=DELIVER_EMAILS)
def deliver_emails(round_: PostRound) -> PostReport:
    """Send the emails that are due, and those that fall due, for one round, over `email_lanes` connections
    at once (a relay answers one message at a time per connection; the lanes overlap their waits). Each lane
    claims its own batches, so no two lanes ever hold the same email; the activity's own thread heartbeats
    and ends the round."""
    settings = get_settings()
    ends = time.monotonic() + round_.seconds
    stop = threading.Event()
    reports = [PostReport() for _ in range(settings.email_lanes)]
    lanes = [threading.Thread(target=_lane, args=(settings, round_, report, stop), daemon=True,
                              name=f"postman-lane-{number}") for number, report in enumerate(reports)]
    for lane in lanes:
        lane.start()
    try:
        while any(lane.is_alive() for lane in lanes):
            activity.heartbeat(sum(report.sent for report in reports))
            if time.monotonic() >= ends or activity.is_worker_shutdown():
                stop.set()
            for lane in lanes:
                lane.join(timeout=1.0 / len(lanes))
    finally:  # cancelled (or the round failed): the lanes finish the message in hand and stop
        stop.set()
        for lane in lanes:
            lane.join()
    return PostReport(sent=sum(r.sent for r in reports), retried=sum(r.retried for r in reports),
                      failed=sum(r.failed for r in reports))


@activity.defn(name=SWEEP_REMINDERS)
def sweep_reminders() -> SweepReport:
    """Tomorrow's hearings, and stalled cases due a higher level of escalation (each made once)."""
    settings = get_settings()
    now = datetime.now(UTC)
    climb = timedelta(hours=settings.escalation_climb_hours)
    report = SweepReport()
    with session_scope() as session:
        tree = load_agency_tree(session)
        hearings: list[Notice] = []
        stalls: list[Notice] = []
        rows = session.scalars(select(Case).where((Case.stage.in_([s.value for s in HEARING_STAGES]))
                                                  | Case.stalled.is_(True)))
        for row in rows:
            state = state_from_json(row.snapshot)
            hearings += hearing_notices(state, now)
            stalls += still_stalled_notices(state, tree, now, climb)
        report.hearing_reminders = record_notices(session, hearings, now).notifications
        report.escalations = record_notices(session, stalls, now).notifications
    return report
