"""Reminders: one long-running workflow per installation that, every hour, reminds the courts and the
prosecution of tomorrow's hearings and climbs escalation one level up for cases stalled too long
(activities.notifying.sweep_reminders). Each reminder is made once, whenever the sweep runs (its key is the
hearing, or the stall and its level), so an hour missed is caught up and an hour run twice tells no one twice."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.client import REMINDERS_WORKFLOW
    from workflows.common import retry_policy
    from workflows.messages import SWEEP_REMINDERS, SweepReport

ROUNDS_PER_RUN = 240


@workflow.defn(name=REMINDERS_WORKFLOW)
class RemindersWorkflow:
    @workflow.run
    async def run(self, every_seconds: int) -> None:
        for _ in range(ROUNDS_PER_RUN):
            try:
                await workflow.execute_activity(SWEEP_REMINDERS, result_type=SweepReport,
                                                start_to_close_timeout=timedelta(minutes=10),
                                                retry_policy=retry_policy())
            except ActivityError as error:  # this round's reminders come with the next round
                workflow.logger.error("reminders: the sweep failed: %s", error.cause or error)
            await workflow.sleep(timedelta(seconds=every_seconds))
        workflow.continue_as_new(every_seconds)
