"""The audit anchor workflow checkpoints the audit chain at its interval, on a durable timer."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity
from temporalio.worker import Worker

from activities.worker import workflow_runner
from tests.support.temporal import time_skipping
from workflows.audit_anchor import AuditAnchorWorkflow
from workflows.messages import ANCHOR_AUDIT


async def test_the_anchor_runs_at_its_interval() -> None:
    calls: list[int] = []

    @activity.defn(name=ANCHOR_AUDIT)
    async def anchor() -> int:
        calls.append(len(calls) + 1)
        return len(calls)

    environment = await time_skipping()
    async with environment, Worker(environment.client, task_queue="anchor", workflows=[AuditAnchorWorkflow],
                                   activities=[anchor], workflow_runner=workflow_runner()):
        handle = await environment.client.start_workflow(AuditAnchorWorkflow.run, 60, id="audit-anchor-test",
                                                         task_queue="anchor")
        await environment.sleep(timedelta(minutes=5, seconds=30))
        assert 5 <= len(calls) <= 7  # once at start, then every minute
        await handle.terminate()
