"""No activity retries forever: when the case's log cannot take its events, the case is flagged where
operators look, its actions are answered and go on, and the events reach the log in order once it can."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.worker import Worker

from activities.worker import workflow_runner
from tests.support.temporal import dev_server, time_skipping
from tests.support.workflows import CHIEF, OFFICER, PROSECUTOR, EventLog, act, open_case
from workflows.case import NOT_YET_ON_RECORD, PROJECTION_BEHIND_KEY, CaseWorkflow
from workflows.client import cases_behind
from workflows.common import RETRY_LATER


async def _behind(handle) -> bool | None:  # type: ignore[no-untyped-def]
    return (await handle.describe()).typed_search_attributes.get(PROJECTION_BEHIND_KEY)


async def test_a_log_that_refuses_events_flags_the_case_and_catches_up_later() -> None:
    log = EventLog()
    environment = await time_skipping()
    async with environment, Worker(environment.client, task_queue="behind", workflows=[CaseWorkflow],
                                   activities=log.activities(), workflow_runner=workflow_runner()):
        handle = await open_case(environment.client, "behind")
        case_id = handle.id.removeprefix("case-")
        assert await _behind(handle) is None

        log.poisoned = True
        first = await act(handle, OFFICER, "add_party", role="witness", name="شاهد أول")
        assert first.notices == [NOT_YET_ON_RECORD]  # answered, not left hanging
        second = await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
        assert second.notices == [NOT_YET_ON_RECORD] and second.seq == first.seq + 1  # the case goes on
        assert await _behind(handle) is True
        assert log.names(case_id) == ["open_case"]

        log.poisoned = False
        await environment.sleep(RETRY_LATER + timedelta(seconds=30))
        assert log.names(case_id) == ["open_case", "add_party", "refer_to_prosecution"]  # in order, once each
        assert await _behind(handle) is False
        third = await act(handle, PROSECUTOR, "acknowledge_receipt")
        assert third.notices == [] and log.names(case_id)[-1] == "acknowledge_receipt"
        await handle.terminate()


async def test_operators_find_the_cases_behind_on_a_real_server() -> None:
    """What `./mizan projections` lists, through a real server's visibility (eventually consistent)."""
    log = EventLog(poisoned=True)
    environment = await dev_server()
    async with environment, Worker(environment.client, task_queue="behind-listed", workflows=[CaseWorkflow],
                                   activities=log.activities(), workflow_runner=workflow_runner()):
        handle = await open_case(environment.client, "behind-listed")
        case_id = handle.id.removeprefix("case-")
        listed: list[str] = []
        for _ in range(100):
            listed = await cases_behind(environment.client)
            if case_id in listed:
                break
            await asyncio.sleep(0.1)
        assert listed == [case_id]
        await handle.terminate()
