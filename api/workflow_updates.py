"""Sending an Update to a workflow from the API: a validator's refusal becomes the API error it names."""

from __future__ import annotations

from typing import Any, TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError

T = TypeVar("T")


def refusal_from(error: BaseException) -> ApiError | None:
    """The workflow validator's Refusal, carried back through Temporal, as an API error."""
    cause: BaseException | None = error.cause if isinstance(error, WorkflowUpdateFailedError) else error
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        detail = cause.details[0]
        extra = {"field": detail["field"]} if detail.get("field") else {}
        return ApiError(int(detail.get("status", 409)), str(detail.get("code", cause.type or "refused")),
                        str(detail.get("message", cause.message)), str(detail.get("message_ar", "")), **extra)
    return None


async def send_update(handle: WorkflowHandle[Any, Any], update: str, arg: Any, *, result_type: type[T],
                      when_finished: ApiError, update_id: str | None = None) -> T:
    """Execute the Update by name (mypy cannot match temporalio's typing of async Update methods);
    `when_finished` is the answer when the workflow has already completed."""
    try:
        result: T = await handle.execute_update(update, arg, id=update_id, result_type=result_type)
    except WorkflowUpdateFailedError as error:
        refused = refusal_from(error)
        if refused is not None:
            raise refused from None
        raise
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise when_finished from None
        raise
    return result
