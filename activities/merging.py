"""Delivers a merged case's parties and evidence to the case it was joined into (merge_into)."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.contracts import DELIVER_MERGE, ActionResult
from core.case import MergeDelivery


@activity.defn(name=DELIVER_MERGE)
async def deliver_merge(delivery: MergeDelivery) -> int:
    """Idempotent: the Update id names the source case, so a retry is answered with the first result."""
    handle = activity.client().get_workflow_handle(f"case-{delivery.target_case_id}")
    try:
        result = await handle.execute_update("absorb", delivery, id=f"merge-from:{delivery.source_case_id}",
                                             result_type=ActionResult)
    except WorkflowUpdateFailedError as error:
        # the target refused (closed meanwhile): retrying cannot help; a person must look at it
        raise ApplicationError(f"case {delivery.target_case_id} refused the merge: {error.cause}",
                               type="merge_refused", non_retryable=True) from error
    return result.seq
