"""The case workflow's indexing (version RECORD_AND_INDEX): the event log and the search index in one
local activity, so the index has the action by the time its Update answers; an index that failed is
handed to the retried `index_case` activity, losing nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.worker import workflow_runner
from tests.support.temporal import time_skipping
from tests.support.workflows import CHIEF, EventLog, act, open_case
from workflows.case import CaseWorkflow
from workflows.messages import INDEX_CASE


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
        assert log.indexed[case_id] == result.seq  # no wait: indexed with the record
        # and without a scheduled activity: no trip through the server for it
        assert INDEX_CASE not in _scheduled_activities(await handle.fetch_history())


async def test_a_failed_index_falls_back_to_the_retried_activity(environment: WorkflowEnvironment) -> None:
    log = EventLog(index_failures=1)
    async with Worker(environment.client, task_queue="failed-index", workflows=[CaseWorkflow],
                      activities=log.activities(), workflow_runner=workflow_runner()):
        handle = await open_case(environment.client, "failed-index")  # its index fails
        case_id = handle.id.removeprefix("case-")
        assert [e.name for e in log.events[case_id].values()] == ["open_case"]  # on record all the same
        for _ in range(100):
            if log.indexed.get(case_id) == 1:
                break
            await environment.sleep(1)
        assert log.indexed.get(case_id) == 1
        result = await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
        assert log.indexed[case_id] == result.seq
        assert _scheduled_activities(await handle.fetch_history()) == [INDEX_CASE]  # once, for the failure
