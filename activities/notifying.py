"""The notifications' activities: the postman's round of emails, and the hourly reminders sweep.

Both are idempotent. An email is claimed (leased, committed) before it is sent and marked sent right after
the relay accepts it, one by one, so a worker killed between the two leaves one message at most that is sent
again after its lease, under the same Message-ID. A reminder's key makes a second sweep a no-op.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from temporalio import activity

from config.settings import Settings, get_settings
from core.agencies import AgencyTree
from core.notifications import Notice, hearing_notices, still_stalled_notices
from core.vocabulary import Stage
from mail.compose import compose
from mail.relay import Refused, Relay, RelayUnavailable
from store.agencies import load_agency_tree
from store.codec import state_from_json
from store.database import session_scope
from store.models import Case
from store.notifications import EmailJob, claim_emails, mark_sent, mark_undelivered, record_notices
from workflows.messages import DELIVER_EMAILS, SWEEP_REMINDERS, PostReport, PostRound, SweepReport

log = logging.getLogger(__name__)

#: how long a claimed email is the claimer's alone; past it, another round sends it (its claimer died). A
#: round sends nothing whose lease is about to run out: it gives the rest back and claims afresh
LEASE = timedelta(seconds=20)
LEASE_MARGIN = 0.75
#: after the relay could not be reached, the round waits this long before it tries again
RELAY_PAUSE_SECONDS = 5.0
HEARING_STAGES = (Stage.trial, Stage.appeal, Stage.cassation)


def _agency_names(tree: AgencyTree) -> Callable[[str, str], str]:
    def name(code: str, language: str) -> str:
        agency = tree.by_code.get(code)
        return agency.name(language) if agency else code
    return name


def _send(settings: Settings, relay: Relay, job: EmailJob, names: Callable[[str, str], str]) -> None:
    message = compose(settings, notification_id=job.notification_id, recipient=job.recipient, address=job.address,
                      display_name=job.display_name, language=job.language, kind=job.kind, params=job.params,
                      case_id=job.case_id, case_number=job.case_number, certificate_id=job.certificate_id,
                      agency_name=names)
    relay.send(message)


def _settle(job: EmailJob, *, sent: bool, error: str = "", permanent: bool = False) -> str:
    now = datetime.now(UTC)
    with session_scope() as session:
        if sent:
            mark_sent(session, job.delivery_id, now)
            return "sent"
        return str(mark_undelivered(session, job.delivery_id, job.attempts, error, now, permanent=permanent))


def _release(jobs: list[EmailJob], error: str) -> None:
    """Claimed emails the relay was not there for: due again after the usual wait."""
    now = datetime.now(UTC)
    with session_scope() as session:
        for job in jobs:
            mark_undelivered(session, job.delivery_id, job.attempts, error, now, permanent=False)


def _send_batch(settings: Settings, jobs: list[EmailJob], names: Callable[[str, str], str],
                report: PostReport, claimed_at: float) -> bool:
    """Send a claimed batch over one connection; False when the relay went away (the rest is released)."""
    try:
        with Relay(settings) as relay:
            for index, job in enumerate(jobs):
                activity.heartbeat(report.sent)
                if time.monotonic() - claimed_at > LEASE.total_seconds() * LEASE_MARGIN:
                    _release(jobs[index:], "lease running out (a slow relay): claimed again")
                    report.retried += len(jobs) - index
                    return True
                try:
                    _send(settings, relay, job, names)
                except Refused as refusal:
                    outcome = _settle(job, sent=False, error=str(refusal), permanent=refusal.permanent)
                    report.failed += outcome == "failed"
                    report.retried += outcome != "failed"
                    continue
                except RelayUnavailable as error:
                    _release(jobs[index:], str(error))
                    report.retried += len(jobs) - index
                    return False
                _settle(job, sent=True)
                report.sent += 1
    except RelayUnavailable as error:
        log.warning("postman: the relay is not there: %s", error)
        _release(jobs, str(error))
        report.retried += len(jobs)
        return False
    return True


@activity.defn(name=DELIVER_EMAILS)
def deliver_emails(round_: PostRound) -> PostReport:
    """Send the emails that are due, and those that fall due, for one round."""
    settings = get_settings()
    report = PostReport()
    ends = time.monotonic() + round_.seconds
    with session_scope() as session:
        names = _agency_names(load_agency_tree(session))
    while time.monotonic() < ends and not activity.is_worker_shutdown():
        activity.heartbeat(report.sent)
        claimed_at = time.monotonic()
        with session_scope() as session:  # committed before anything is sent: the claim is on record
            jobs = claim_emails(session, datetime.now(UTC), round_.batch, LEASE)
        if not jobs:
            time.sleep(round_.idle_poll_seconds)
            continue
        if not _send_batch(settings, jobs, names, report, claimed_at):
            time.sleep(RELAY_PAUSE_SECONDS)
    return report


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
