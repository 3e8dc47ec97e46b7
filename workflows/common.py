"""What the workflows share: the activity retry policies and how a Refusal leaves a validator."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from core.refusal import Refusal

#: the policy before retries were bounded (workflows still replaying it keep it; see BOUNDED_RETRIES_PATCH)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), backoff_coefficient=2.0,
                             maximum_interval=timedelta(seconds=30))

#: an activity's failure that no retry can mend: the data it was given cannot be stored (activities raise it)
BAD_DATA = "bad_data"
#: no activity retries forever: ten attempts over about a minute and a half, none for bad data. What the
#: workflow does when they are spent is its own, visible decision (it flags the case and tries again later)
BOUNDED_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), backoff_coefficient=2.0,
                            maximum_interval=timedelta(seconds=30), maximum_attempts=10,
                            non_retryable_error_types=[BAD_DATA])
#: how long a workflow waits, after an activity spent its attempts, before it sends the work again
RETRY_LATER = timedelta(minutes=5)
BOUNDED_RETRIES_PATCH = "bounded-retries-1"


def retry_policy() -> RetryPolicy:
    """The bounded policy, unless the workflow is replaying history written before it (workflow.patched)."""
    return BOUNDED_RETRY if workflow.patched(BOUNDED_RETRIES_PATCH) else ACTIVITY_RETRY


def refusal_error(refusal: Refusal) -> ApplicationError:
    """A refusal as the Update's failure: its code, status and both messages travel in the details."""
    return ApplicationError(refusal.message_en, {**refusal.as_dict(), "status": refusal.status},
                            type=refusal.code, non_retryable=True)
