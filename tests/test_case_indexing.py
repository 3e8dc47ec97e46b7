"""The case workflow's indexing (version INLINE_INDEX): the search index has the action by the time its
Update answers, and a failed inline try is handed to the retried activity, losing nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from temporal_env import time_skipping
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from workflow_support import CHIEF, EventLog, act, open_case

from activities.contracts import INDEX_CASE, IndexCase
from activities.worker import workflow_runner
from workflows.case import CaseWorkflow

pytestmark = pytest.mark.no_stack


class FlakyIndex:
    """index_case that fails the first try for each case, as an unreachable OpenSearch would."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.tries: dict[str, int] = {}

    def activity(self) -> Callable[..., Any]:
        @activity.defn(name=INDEX_CASE)
        async def index_case(request: IndexCase) -> int:
            self.tries[request.case_id] = self.tries.get(request.case_id, 0) + 1
            if self.tries[request.case_id] == 1:
                raise RuntimeError("OpenSearch is unreachable")
            self.log.indexed[request.case_id] = max(self.log.indexed.get(request.case_id, 0), request.seq)
            return request.seq
        return index_case


@pytest.fixture(scope="module")
async def environment() -> AsyncIterator[WorkflowEnvironment]:
    environment = await time_skipping()
    async with environment:
        yield environment


def _scheduled_activities(history: Any) -> list[str]:
    return [e.activity_task_scheduled_event_attributes.activity_type.name for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]


async def test_the_case_is_indexed_when_the_update_answers(environment: WorkflowEnvironment) -> None:
    log = EventLog()
    async with Worker(environment.client, task_queue="inline-index", workflows=[CaseWorkflow],
                      activities=log.activities(), workflow_runner=workflow_runner()):
        handle = await open_case(environment.client, "inline-index")
        case_id = handle.id.removeprefix("case-")
        result = await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
        assert log.indexed[case_id] == result.seq  # no wait: indexed in the task that recorded it
        # and without a scheduled activity: the index ran inside the workflow task
        assert INDEX_CASE not in _scheduled_activities(await handle.fetch_history())


async def test_a_failed_inline_index_falls_back_to_the_retried_activity(environment: WorkflowEnvironment) -> None:
    log = EventLog()
    flaky = FlakyIndex(log)
    record_events, _, deliver_merge = log.activities()
    async with Worker(environment.client, task_queue="flaky-index", workflows=[CaseWorkflow],
                      activities=[record_events, flaky.activity(), deliver_merge], workflow_runner=workflow_runner()):
        handle = await open_case(environment.client, "flaky-index")
        case_id = handle.id.removeprefix("case-")
        result = await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
        assert result.seq == 2 and [e.name for e in log.events[case_id].values()][-1] == "refer_to_prosecution"
        for _ in range(100):
            if log.indexed.get(case_id) == result.seq:
                break
            await environment.sleep(1)
        assert log.indexed.get(case_id) == result.seq
        assert _scheduled_activities(await handle.fetch_history()).count(INDEX_CASE) == 1
