"""The audit anchor: one long-running workflow per installation that checkpoints the audit chain's head
outside the database at a fixed interval (store.audit_anchors). One workflow id, so however many workers
run, one checkpoint is written at a time."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.client import AUDIT_ANCHOR_WORKFLOW
    from workflows.common import retry_policy
    from workflows.messages import ANCHOR_AUDIT

#: checkpoints per run before the history starts afresh (continue-as-new)
ROUNDS_PER_RUN = 500


@workflow.defn(name=AUDIT_ANCHOR_WORKFLOW)
class AuditAnchorWorkflow:
    @workflow.run
    async def run(self, every_seconds: int) -> None:
        for _ in range(ROUNDS_PER_RUN):
            try:
                await workflow.execute_activity(ANCHOR_AUDIT, start_to_close_timeout=timedelta(seconds=60),
                                                retry_policy=retry_policy())
            except ActivityError as error:  # this round's checkpoint is skipped; the next one anchors the head
                workflow.logger.error("audit anchor: no checkpoint this round: %s", error.cause or error)
            await workflow.sleep(timedelta(seconds=every_seconds))
        workflow.continue_as_new(every_seconds)
