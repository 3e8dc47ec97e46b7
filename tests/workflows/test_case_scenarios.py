"""The procedure's other paths, through the real case workflow on the time-skipping server:
archive and reopen, a further-inquiry loop twice, felony → cassation → remand → retrial → final,
an objection, reconciliation, and continue-as-new on a long case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.worker import workflow_runner
from core.case import CaseRef
from tests.support.temporal import time_skipping
from tests.support.workflows import (
    CHIEF,
    CHIEFPROS,
    CLERK,
    FELONY_CLERK,
    FELONY_JUDGE,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    SUPREME_CLERK,
    SUPREME_JUDGE,
    EventLog,
    act,
    open_case,
)
from workflows.case import CaseWorkflow
from workflows.client import case_workflow_id

QUEUE = "scenarios"


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[tuple[WorkflowEnvironment, EventLog]]:
    log = EventLog()
    environment = await time_skipping()
    async with environment:
        async with Worker(environment.client, task_queue=QUEUE, workflows=[CaseWorkflow],
                          activities=log.activities(), workflow_runner=workflow_runner()):
            yield environment, log


async def to_prosecution(handle: WorkflowHandle[CaseWorkflow, str]) -> None:
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")


async def hearing_then_verdict(environment: WorkflowEnvironment, handle: WorkflowHandle[CaseWorkflow, str],
                               clerk, judge, verdicts: list[dict]) -> None:  # type: ignore[no-untyped-def]
    now = await environment.get_current_time()
    await act(handle, clerk, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
    await environment.sleep(timedelta(hours=2))
    pronounced = await environment.get_current_time()
    await act(handle, judge, "record_verdict", verdicts=verdicts, pronounced_at=pronounced.isoformat())


async def test_archive_and_reopen(env) -> None:  # type: ignore[no-untyped-def]
    environment, log = env
    handle = await open_case(environment.client, QUEUE)
    await to_prosecution(handle)
    await act(handle, CHIEFPROS, "archive", ground="عدم كفاية الأدلة")
    state = await handle.query(CaseWorkflow.state)
    assert (state.stage, state.outcome) == ("closed", "archived")
    with pytest.raises(WorkflowUpdateFailedError):
        await act(handle, PROSECUTOR, "request_further_inquiry", instructions="...")
    await act(handle, CHIEFPROS, "reopen", reason="ظهور دليل جديد")
    state = await handle.query(CaseWorkflow.state)
    assert (state.stage, state.outcome) == ("prosecution", None)
    assert log.names(state.case_id)[-2:] == ["archive", "reopen"]


async def test_further_inquiry_loop_twice(env) -> None:  # type: ignore[no-untyped-def]
    environment, _ = env
    handle = await open_case(environment.client, QUEUE)
    for round_ in range(2):
        await to_prosecution(handle)
        await act(handle, PROSECUTOR, "request_further_inquiry", instructions=f"سماع الشهود، الجولة {round_ + 1}")
        state = await handle.query(CaseWorkflow.state)
        assert (state.stage, state.owner_agency) == ("police_inquiry", "station.tripoli.central")
        # the station acts on the file it got back: its first action acknowledges the hand-off
        await act(handle, OFFICER, "record_statement", party_id="p1", text="أقوال تكميلية")
        state = await handle.query(CaseWorkflow.state)
        assert state.handoff is not None and state.handoff.acknowledged_at is not None
    await to_prosecution(handle)
    assert (await handle.query(CaseWorkflow.state)).stage == "prosecution"


async def test_felony_cassation_remand_retrial_final(env) -> None:  # type: ignore[no-untyped-def]
    environment, log = env
    handle = await open_case(environment.client, QUEUE, category="felony")
    await to_prosecution(handle)
    # a felony is tried by the felony chamber of the Court of Appeal
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.appeal.tripoli.felony", charges=["القتل العمد"])
    await hearing_then_verdict(environment, handle, FELONY_CLERK, FELONY_JUDGE, [
        {"party_id": "p1", "result": "convicted", "sentence": "السجن عشر سنوات"}])
    state = await handle.query(CaseWorkflow.state)
    # a felony verdict goes straight to cassation: no appeal window
    assert [c.name for c in state.open_clocks() if c.subject == "p1"] == ["cassation_window"]
    with pytest.raises(WorkflowUpdateFailedError):
        await act(handle, FELONY_CLERK, "file_appeal", party_id="p1", to_agency="court.appeal.tripoli")
    await act(handle, PROSECUTOR, "file_cassation", party_id="p1", to_agency="supreme_court")
    assert (await handle.query(CaseWorkflow.state)).stage == "cassation"
    await act(handle, SUPREME_CLERK, "acknowledge_receipt")
    now = await environment.get_current_time()
    await act(handle, SUPREME_CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
    await environment.sleep(timedelta(hours=2))
    await act(handle, SUPREME_JUDGE, "remand", to_agency="court.appeal.tripoli.felony", reasons="القصور في التسبيب")
    state = await handle.query(CaseWorkflow.state)
    assert (state.stage, state.owner_agency) == ("trial", "court.appeal.tripoli.felony")
    assert state.latest_verdict("p1") is None  # the quashed verdict is set aside
    await act(handle, FELONY_CLERK, "acknowledge_receipt")
    await hearing_then_verdict(environment, handle, FELONY_CLERK, FELONY_JUDGE, [
        {"party_id": "p1", "result": "convicted", "sentence": "السجن سبع سنوات"}])
    await environment.sleep(timedelta(days=61))
    state = await handle.query(CaseWorkflow.state)
    assert state.stage == "final"
    assert state.latest_verdict("p1").sentence == "السجن سبع سنوات"  # type: ignore[union-attr]
    assert log.states[state.case_id] == state


async def test_objection_to_an_in_absentia_verdict_reopens_the_trial(env) -> None:  # type: ignore[no-untyped-def]
    environment, _ = env
    handle = await open_case(environment.client, QUEUE)
    await to_prosecution(handle)
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    await hearing_then_verdict(environment, handle, CLERK, JUDGE, [
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": True}])
    now = await environment.get_current_time()
    await act(handle, CLERK, "serve_verdict", party_id="p1", served_at=now.isoformat())
    await act(handle, CLERK, "file_objection", party_id="p1")
    state = await handle.query(CaseWorkflow.state)
    assert state.stage == "trial" and state.latest_verdict("p1") is None
    assert not [c for c in state.open_clocks() if c.subject == "p1"]


async def test_reconciliation_closes_a_misdemeanour_not_a_felony(env) -> None:  # type: ignore[no-untyped-def]
    environment, _ = env
    felony = await open_case(environment.client, QUEUE, category="felony")
    await to_prosecution(felony)
    with pytest.raises(WorkflowUpdateFailedError):
        await act(felony, CHIEFPROS, "record_reconciliation", terms="تعويض")
    handle = await open_case(environment.client, QUEUE)
    await to_prosecution(handle)
    await act(handle, CHIEFPROS, "record_reconciliation", terms="تنازل المجني عليه بعد التعويض")
    assert await handle.result() == "reconciled"


async def test_a_long_case_continues_as_new_with_its_state(env) -> None:  # type: ignore[no-untyped-def]
    environment, log = env
    handle = await open_case(environment.client, QUEUE, history_limit=40)
    for i in range(25):
        await act(handle, OFFICER, "record_statement", party_id="p1", text=f"أقوال رقم {i}")
    latest = environment.client.get_workflow_handle(handle.id)
    description = await latest.describe()
    state = await latest.query(CaseWorkflow.state)
    assert description.run_id != handle.first_execution_run_id  # it carried on in a fresh run
    assert state.seq == 26 and len(state.parties) == 1
    assert sorted(log.events[state.case_id]) == list(range(1, 27))  # every event recorded once
    assert log.states[state.case_id] == state


async def test_merge_into_hands_parties_and_evidence_to_the_other_case(env) -> None:  # type: ignore[no-untyped-def]
    environment, log = env
    target = await open_case(environment.client, QUEUE)
    source = await open_case(environment.client, QUEUE, accused=2)
    await act(source, OFFICER, "add_evidence", description="سكين ضبطت بمسرح الجريمة")
    for handle in (target, source):
        await to_prosecution(handle)
    source_state = await source.query(CaseWorkflow.state)
    target_state = await target.query(CaseWorkflow.state)
    await act(source, CHIEFPROS, "merge_into", target_case_id=target_state.case_id,
              cases={"target_case_id": CaseRef(target_state.case_id, target_state.stage, True)})
    assert await source.result() == "merged"
    merged = await target.query(CaseWorkflow.state)
    assert merged.merged_from == [source_state.case_id]
    assert [p.name for p in merged.parties] == ["متهم رقم 1", "متهم رقم 1", "متهم رقم 2"]
    assert [d["title"] for d in merged.documents] == ["سكين ضبطت بمسرح الجريمة"]
    assert log.names(merged.case_id)[-1] == "merged_in"
    assert log.states[merged.case_id] == merged


async def test_a_severed_accused_goes_on_in_a_case_of_their_own(env) -> None:  # type: ignore[no-untyped-def]
    """sever_accused on record, the workflow starts the new case from the file it carried (once, however often
    the activity runs); the source case goes on with the others and ends when none is left."""
    environment, log = env
    source = await open_case(environment.client, QUEUE, accused=2)
    await to_prosecution(source)
    await act(source, PROSECUTOR, "order_detention", party_id="p2", grounds="خشية الهرب")
    await act(source, CHIEFPROS, "sever_accused", party_id="p2", reason="تعذر استكمال التحقيق معه")
    state = await source.query(CaseWorkflow.state)
    severed_party = state.party("p2")
    assert severed_party is not None and severed_party.severed_to is not None
    new_id = severed_party.severed_to
    severed = environment.client.get_workflow_handle(case_workflow_id(new_id))
    for _ in range(100):
        if new_id in log.states:
            break
        await environment.sleep(timedelta(seconds=1))
    new_state = await severed.query(CaseWorkflow.state)
    assert log.names(new_id)[0] == "severed_in" and log.states[new_id] == new_state  # (its clocks may run on)
    assert (new_state.severed_from, new_state.parties[0].custody) == (state.case_id, "detained")
    # each case goes on by itself: the source's last accused archived closes it; the new one keeps its detention
    closed = await act(source, CHIEFPROS, "archive", ground="عدم كفاية الأدلة", party_id="p1")
    assert closed.stage == "closed" and (await source.query(CaseWorkflow.state)).outcome == "archived"
    assert [c.name for c in (await severed.query(CaseWorkflow.state)).clocks
            if c.subject == "p1"] == ["prosecution_detention"]
