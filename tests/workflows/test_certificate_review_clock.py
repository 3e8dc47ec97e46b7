"""The review clock on Temporal's time-skipping test server: a review left undecided past its clock
is escalated (flagged, audited) and still waits for the officer, whose decision then settles it."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.certificates import escalate_certificate_review, open_certificate_review, reject_certificate
from activities.worker import workflow_runner
from config.settings import ROOT
from core.records import RecordEntry, RecordFinding
from store.audit import AuditRecord
from store.database import session_scope
from store.models import Certificate
from workflows.certificate import CertificateWorkflow
from workflows.client import DECIDE, certificate_workflow_id
from workflows.messages import COMPUTE_RECORD, CertificateStart, CertificateStatus, ReviewDecision

pytestmark = pytest.mark.stack

REVIEW_HOURS = 48.0


@activity.defn(name=COMPUTE_RECORD)
def a_record_with_one_entry(start: CertificateStart) -> RecordFinding:
    """Stands in for the record lookup: one final conviction, so the request goes to review."""
    entry = RecordEntry(record_id=1, case_id="c", case_number="court.tripoli/2026/00001", name=start.holder_name,
                        national_id=start.national_id, offence="سرقة", category="misdemeanour",
                        sentence="الحبس ستة أشهر", court="court.tripoli", court_name_ar="محكمة طرابلس الابتدائية",
                        court_name_en="Tripoli Court of First Instance", final_at=datetime.now(UTC))
    return RecordFinding(entries=[entry], doubtful=[])


def _new_request() -> str:
    certificate_id = uuid.uuid4().hex
    with session_scope() as session:
        session.add(Certificate(id=certificate_id, national_id="119850012345", holder_name="أحمد المبروك",
                                requested_by="citizen1", purpose="اختبار", status="computing",
                                requested_at=datetime.now(UTC), finding={}, listed={}))
    return certificate_id


def _row(certificate_id: str) -> Certificate:
    with session_scope() as session:
        row = session.get(Certificate, certificate_id)
        assert row is not None
        return row


async def test_an_undecided_review_escalates_when_its_clock_runs_out() -> None:
    certificate_id = _new_request()
    task_queue = f"certificate-clock-{uuid.uuid4().hex[:8]}"
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(ROOT / ".venv" / "bin" / "temporal-test-server"))
    async with env:
        with ThreadPoolExecutor(max_workers=4) as executor:
            async with Worker(env.client, task_queue=task_queue, workflows=[CertificateWorkflow],
                              workflow_runner=workflow_runner(), activity_executor=executor,
                              activities=[a_record_with_one_entry, open_certificate_review,
                                          escalate_certificate_review, reject_certificate]):
                handle = await env.client.start_workflow(
                    CertificateWorkflow.run, CertificateStart(certificate_id, "119850012345", "أحمد المبروك",
                                                              REVIEW_HOURS),
                    id=certificate_workflow_id(certificate_id), task_queue=task_queue)
                await env.sleep(timedelta(hours=REVIEW_HOURS - 1))
                status = await handle.query("status", result_type=CertificateStatus)
                assert status.status == "in_review" and status.escalated is False
                assert _row(certificate_id).escalated is False

                await env.sleep(timedelta(hours=2))
                status = await handle.query("status", result_type=CertificateStatus)
                assert status.status == "in_review" and status.escalated is True
                assert _row(certificate_id).escalated is True
                with session_scope() as session:
                    actions = [r.action for r in session.scalars(select(AuditRecord).where(
                        AuditRecord.action.like("certificate.%")).order_by(AuditRecord.id))
                        if r.detail.get("certificate_id") == certificate_id]
                assert actions == ["certificate.review_opened", "certificate.review_escalated"]

                # still waiting: the officer's decision settles it
                decided = await handle.execute_update(
                    DECIDE, ReviewDecision("reject", "records", ["records_officer"], reason="بيانات ناقصة"),
                    result_type=CertificateStatus)
                assert decided.status == "rejected"
                assert await handle.result() == "rejected"
    row = _row(certificate_id)
    assert row.status == "rejected" and row.rejection_reason == "بيانات ناقصة"
