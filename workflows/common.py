"""What the workflows share: the activity retry policy and how a Refusal leaves a validator."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from core.refusal import Refusal

ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), backoff_coefficient=2.0,
                             maximum_interval=timedelta(seconds=30))


def refusal_error(refusal: Refusal) -> ApplicationError:
    """A refusal as the Update's failure: its code, status and both messages travel in the details."""
    return ApplicationError(refusal.message_en, {**refusal.as_dict(), "status": refusal.status},
                            type=refusal.code, non_retryable=True)
