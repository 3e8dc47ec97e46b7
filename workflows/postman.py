"""The postman: one long-running workflow per installation that sends the emails notifications are due.

Its work is one long activity at a time (`deliver_emails`): it claims what is due, sends it, and waits for
more, heartbeating, for a round of minutes. A worker killed in the middle stops heartbeating, and Temporal
gives the round to a worker that is alive; what the dead one had claimed and not sent is sent after its
lease (store.notifications). The in-app inbox needs no postman: a notification is in it from the moment it
is kept."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.client import POSTMAN_WORKFLOW
    from workflows.common import retry_policy
    from workflows.messages import DELIVER_EMAILS, PostReport, PostRound

#: rounds per run before the history starts afresh (continue-as-new)
ROUNDS_PER_RUN = 200
#: a round whose worker stops heartbeating for this long is given to another worker
HEARTBEAT_TIMEOUT = timedelta(seconds=15)
#: after a round that failed every attempt (the database is down, say), the next starts after this
PAUSE_AFTER_FAILURE = timedelta(seconds=30)


@workflow.defn(name=POSTMAN_WORKFLOW)
class PostmanWorkflow:
    @workflow.run
    async def run(self, round_: PostRound) -> None:
        for _ in range(ROUNDS_PER_RUN):
            try:
                await workflow.execute_activity(
                    DELIVER_EMAILS, round_, result_type=PostReport,
                    start_to_close_timeout=timedelta(seconds=round_.seconds + 120),
                    heartbeat_timeout=HEARTBEAT_TIMEOUT, retry_policy=retry_policy())
            except ActivityError as error:
                workflow.logger.error("postman: the round failed: %s", error.cause or error)
                await workflow.sleep(PAUSE_AFTER_FAILURE)
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(round_)
