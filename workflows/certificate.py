"""The certificate workflow: one run per citizen's request for a criminal-status certificate.

It computes the record; a clean record with no doubtful name match is issued at once. Otherwise a
records officer reviews it: the review has its own durable clock, and when it runs out the review
is escalated (an audited event, flagged in the officers' queue) and still waits for a decision. The
officer's decision is the Update `decide`, whose validator refuses anything that is not theirs to
decide before it reaches history.

Four eyes (since FOUR_EYES_PATCH): a decision that leaves off a finding of the holder's own record names
its ground, and the certificate waits for a second records officer's Update `approve`; a decline sends
the request back to review.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from core.records import RecordFinding, check_second_officer, left_off_findings
    from core.refusal import Refusal, conflict, forbidden, invalid
    from core.roles import Capability, may
    from core.vocabulary import CertificateRequestStatus
    from workflows.client import APPROVE, CERTIFICATE_STATUS, CERTIFICATE_WORKFLOW, DECIDE
    from workflows.client import SETTLED as SETTLED_UPDATE
    from workflows.common import RETRY_LATER, refusal_error, retry_policy
    from workflows.messages import (
        COMPUTE_RECORD,
        DECLINE_APPROVAL,
        ESCALATE_REVIEW,
        ISSUE_CERTIFICATE,
        OPEN_APPROVAL,
        OPEN_REVIEW,
        REJECT_CERTIFICATE,
        CertificateStart,
        CertificateStatus,
        DeclineApproval,
        IssueCertificate,
        OpenApproval,
        OpenReview,
        RejectCertificate,
        ReviewApproval,
        ReviewDecision,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=60)
DECIDED = (CertificateRequestStatus.issued, CertificateRequestStatus.rejected)
SETTLED = (CertificateRequestStatus.in_review, *DECIDED)
#: a decision leaving a finding of the holder's own record off waits for a second officer's approval
FOUR_EYES_PATCH = "certificate-four-eyes"


@workflow.defn(name=CERTIFICATE_WORKFLOW)
class CertificateWorkflow:
    @workflow.init
    def __init__(self, start: CertificateStart) -> None:
        self._id = start.certificate_id
        self._status = CertificateRequestStatus.computing
        self._escalated = False
        self._finding: RecordFinding | None = None
        self._decision: ReviewDecision | None = None
        self._approval: ReviewApproval | None = None

    @workflow.run
    async def run(self, start: CertificateStart) -> str:
        finding = await self._activity(COMPUTE_RECORD, start, RecordFinding)
        assert isinstance(finding, RecordFinding)
        self._finding = finding
        if not finding.entries and not finding.doubtful:
            await self._activity(ISSUE_CERTIFICATE, IssueCertificate(self._id, [], "system"))
            self._status = CertificateRequestStatus.issued
            return self._status
        review = timedelta(hours=start.review_hours)
        await self._activity(OPEN_REVIEW, OpenReview(self._id, workflow.now() + review))
        self._status = CertificateRequestStatus.in_review
        try:
            await workflow.wait_condition(lambda: self._decision is not None, timeout=review)
        except TimeoutError:
            self._escalated = True
            await self._activity(ESCALATE_REVIEW, self._id)
            await workflow.wait_condition(lambda: self._decision is not None)
        while True:
            decision = self._decision
            assert decision is not None
            if decision.kind == "reject":
                await self._activity(REJECT_CERTIFICATE, RejectCertificate(self._id, decision.reason, decision.officer))
                self._status = CertificateRequestStatus.rejected
                break
            candidates = finding.entries + finding.doubtful
            listed = [e for e in candidates if e.record_id in set(decision.record_ids)]
            if not decision.omissions or not workflow.patched(FOUR_EYES_PATCH):
                await self._activity(ISSUE_CERTIFICATE, IssueCertificate(self._id, listed, decision.officer))
                self._status = CertificateRequestStatus.issued
                break
            await self._activity(OPEN_APPROVAL, OpenApproval(self._id, decision.officer, sorted(decision.record_ids),
                                                             decision.omissions))
            self._status = CertificateRequestStatus.awaiting_approval
            await workflow.wait_condition(lambda: self._approval is not None)
            approval = self._approval
            assert approval is not None
            if approval.approve:
                await self._activity(ISSUE_CERTIFICATE, IssueCertificate(
                    self._id, listed, decision.officer, decision.omissions, approved_by=approval.officer))
                self._status = CertificateRequestStatus.issued
                break
            await self._activity(DECLINE_APPROVAL, DeclineApproval(self._id, approval.officer, approval.reason))
            self._decision, self._approval = None, None
            self._status = CertificateRequestStatus.in_review
            await workflow.wait_condition(lambda: self._decision is not None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._status

    async def _activity(self, name: str, argument: object, result_type: type | None = None) -> object:
        """One step, with a bounded retry; when its attempts are spent, logged and sent again a few minutes
        later (the request stays where it is, and says so in its status)."""
        while True:
            try:
                return await workflow.execute_activity(name, argument, result_type=result_type,
                                                       start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                       retry_policy=retry_policy())
            except ActivityError as error:
                workflow.logger.error("certificate %s: %s failed, again in %s: %s", self._id, name, RETRY_LATER,
                                      error.cause or error)
                await workflow.sleep(RETRY_LATER)

    def _current(self) -> CertificateStatus:
        return CertificateStatus(self._id, self._status, self._escalated)

    @workflow.update(name=SETTLED_UPDATE)
    async def settled(self) -> CertificateStatus:
        """The answer to the request (sent with the start): returns once issued or sent to review."""
        await workflow.wait_condition(lambda: self._status in SETTLED)
        return self._current()

    @workflow.update(name=DECIDE)
    async def decide(self, decision: ReviewDecision) -> CertificateStatus:
        self._decision = decision
        await workflow.wait_condition(
            lambda: self._status in DECIDED or self._status == CertificateRequestStatus.awaiting_approval)
        return self._current()

    @workflow.update(name=APPROVE)
    async def approve(self, approval: ReviewApproval) -> CertificateStatus:
        self._approval = approval
        await workflow.wait_condition(
            lambda: self._status in DECIDED or self._status == CertificateRequestStatus.in_review)
        return self._current()

    @approve.validator
    def validate_approve(self, approval: ReviewApproval) -> None:
        if not may(approval.officer_roles, Capability.review_certificates):
            raise refusal_error(forbidden("forbidden_role", "only a records officer approves a certificate",
                                          "يوافق على الشهادة موظف السجل الجنائي فقط"))
        if self._status != CertificateRequestStatus.awaiting_approval or self._approval is not None:
            raise refusal_error(conflict("not_awaiting_approval", "this certificate is not awaiting approval",
                                         "هذه الشهادة ليست بانتظار الموافقة"))
        assert self._decision is not None
        try:
            check_second_officer(self._decision.officer, approval.officer)
        except Refusal as refusal:
            raise refusal_error(refusal) from None
        if not approval.approve and len(approval.reason.strip()) < 3:
            raise refusal_error(invalid("reason", "a decline needs a reason for the first officer",
                                        "يلزم بيان سبب عدم الموافقة للموظف الأول"))

    @decide.validator
    def validate_decide(self, decision: ReviewDecision) -> None:
        if not may(decision.officer_roles, Capability.review_certificates):
            raise refusal_error(forbidden("forbidden_role", "only a records officer decides on a certificate",
                                     "يقرر في الشهادة موظف السجل الجنائي فقط"))
        if self._status != CertificateRequestStatus.in_review or self._decision is not None:
            raise refusal_error(conflict("not_in_review", "this certificate request is not awaiting review",
                                    "طلب الشهادة هذا ليس قيد المراجعة"))
        if decision.kind not in ("issue", "reject"):
            raise refusal_error(invalid("kind", "a decision is issue or reject", "القرار إما إصدار أو رفض"))
        if decision.kind == "reject" and not decision.reason.strip():
            raise refusal_error(invalid("reason", "a rejection needs a reason, shown to the citizen",
                                   "يلزم بيان سبب الرفض ليطلع عليه المواطن"))
        if decision.kind == "issue":
            try:
                left_off_findings(self._finding or RecordFinding([], []), decision.record_ids, decision.omissions)
            except Refusal as refusal:
                raise refusal_error(refusal) from None

    @workflow.query(name=CERTIFICATE_STATUS)
    def status(self) -> CertificateStatus:
        return self._current()
