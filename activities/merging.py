"""Delivers a merged case's parties and evidence to the case it was joined into (merge_into)."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from core.case import MergeDelivery
from workflows.client import ABSORB, case_workflow_id, merge_update_id
from workflows.messages import DELIVER_MERGE, ActionResult


@activity.defn(name=DELIVER_MERGE)
async def deliver_merge(delivery: MergeDelivery) -> int:
    """Idempotent: the Update id names the source case, so a retry is answered with the first result."""
    handle = activity.client().get_workflow_handle(case_workflow_id(delivery.target_case_id))
    try:
        result = await handle.execute_update(ABSORB, delivery, id=merge_update_id(delivery.source_case_id),
                                             result_type=ActionResult)
    except WorkflowUpdateFailedError as error:
        # the target refused (closed meanwhile): retrying cannot help; a person must look at it
        raise ApplicationError(f"case {delivery.target_case_id} refused the merge: {error.cause}",
                               type="merge_refused", non_retryable=True) from error
    return result.seq
