"""Every clock's warning, expiry and effect, on Temporal's time-skipping test server with the real
case workflow (the read model stands in memory: this tests the workflow and its timers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.worker import workflow_runner
from tests.support.temporal import time_skipping
from tests.support.workflows import (
    CHIEF,
    CHIEFPROS,
    CLERK,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    EventLog,
    act,
    actor,
    open_case,
)
from workflows.case import CaseWorkflow


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[tuple[WorkflowEnvironment, EventLog, str]]:
    log = EventLog()
    environment = await time_skipping()
    async with environment:
        async with Worker(environment.client, task_queue="clocks", workflows=[CaseWorkflow],
                          activities=log.activities(), workflow_runner=workflow_runner()):
            yield environment, log, "clocks"


async def test_police_custody_warns_expires_and_release_clears_stalled(env) -> None:  # type: ignore[no-untyped-def]
    environment, log, queue = env
    handle = await open_case(environment.client, queue)
    arrested = datetime.now(UTC) - timedelta(minutes=1)
    await act(handle, OFFICER, "record_arrest", party_id="p1", arrested_at=arrested.isoformat())
    state = await handle.query(CaseWorkflow.state)
    custody = next(c for c in state.clocks if c.name == "police_custody")
    assert custody.expires_at == arrested + timedelta(hours=48)  # hours count exactly
    await environment.sleep(timedelta(hours=43))
    state = await handle.query(CaseWorkflow.state)
    assert next(c for c in state.clocks if c.name == "police_custody").warned
    assert not state.stalled
    await environment.sleep(timedelta(hours=6))
    state = await handle.query(CaseWorkflow.state)
    assert [s.reason for s in state.stalled] == ["police_custody"]
    assert "clock_expired" in log.names(state.case_id)
    await act(handle, CHIEF, "release_person", party_id="p1", reason="إخلاء سبيل بضمان محل الإقامة")
    state = await handle.query(CaseWorkflow.state)
    assert not state.stalled
    assert state.party("p1").custody == "free"  # type: ignore[union-attr]


async def test_unacknowledged_handoff_is_escalated(env) -> None:  # type: ignore[no-untyped-def]
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await environment.sleep(timedelta(hours=25))
    state = await handle.query(CaseWorkflow.state)
    assert state.handoff is not None and state.handoff.escalated
    assert "handoff_ack" in [s.reason for s in state.stalled]
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    state = await handle.query(CaseWorkflow.state)
    assert "handoff_ack" not in [s.reason for s in state.stalled]


async def test_prosecution_detention_expires_unless_extended(env) -> None:  # type: ignore[no-untyped-def]
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
    await act(handle, PROSECUTOR, "request_detention_extension", party_id="p1", to_agency="court.tripoli",
              grounds="مقتضيات التحقيق")
    await act(handle, JUDGE, "extend_detention", party_id="p1", days=15, grounds="مقتضيات التحقيق")
    state = await handle.query(CaseWorkflow.state)
    assert [c.name for c in state.open_clocks() if c.subject == "p1"] == ["judicial_detention"]
    refused = None
    try:
        await act(handle, JUDGE, "extend_detention", party_id="p1", days=16, grounds="x")
    except Exception as error:  # the validator refuses: more than 15 days at a time
        refused = error
    assert refused is not None
    await act(handle, JUDGE, "extend_detention", party_id="p1", days=15, grounds="مقتضيات التحقيق")
    try:
        await act(handle, JUDGE, "extend_detention", party_id="p1", days=1, grounds="x")
        raise AssertionError("the 30-day cap must refuse a third extension")
    except Exception as error:
        assert "30" in str(error) or "cap" in str(getattr(error, "cause", error))
    await environment.sleep(timedelta(days=17))
    state = await handle.query(CaseWorkflow.state)
    assert "judicial_detention" in [s.reason for s in state.stalled]


async def test_two_accused_have_separate_windows_and_final_when_both_lapse(env) -> None:  # type: ignore[no-untyped-def]
    environment, log, queue = env
    handle = await open_case(environment.client, queue, accused=2)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    now = await environment.get_current_time()
    await act(handle, CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
    await environment.sleep(timedelta(hours=2))
    pronounced = await environment.get_current_time()
    await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False},
        {"party_id": "p2", "result": "acquitted", "in_absentia": True}])
    state = await handle.query(CaseWorkflow.state)
    assert [c.subject for c in state.open_clocks() if c.name == "appeal_window"] == ["p1"]
    await environment.sleep(timedelta(days=15))  # ten days, moved past a weekend at most
    state = await handle.query(CaseWorkflow.state)
    assert state.latest_verdict("p1").final  # type: ignore[union-attr]
    assert state.stage == "trial"  # p2's in-absentia verdict is not yet served: not final
    await act(handle, CLERK, "serve_verdict", party_id="p2",
              served_at=(await environment.get_current_time()).isoformat())
    state = await handle.query(CaseWorkflow.state)
    assert sorted(c.name for c in state.open_clocks() if c.subject == "p2") == ["appeal_window", "objection_window"]
    await environment.sleep(timedelta(days=15))  # ten days, moved past a weekend at most
    state = await handle.query(CaseWorkflow.state)
    assert state.stage == "final"
    assert state.owner_agency == "pros.tripoli"
    await act(handle, PROSECUTOR, "record_execution", party_id="p1", detail="أودع المؤسسة")
    await act(handle, CHIEFPROS, "close_case")
    assert await handle.result() == "convicted"
    assert log.names(state.case_id)[-1] == "close_case"
    # the fold of the logged events is exactly the workflow's own state
    assert log.states[state.case_id] == await handle.query(CaseWorkflow.state)


async def test_stage_sla_and_idle_period_flag_a_forgotten_case(env) -> None:  # type: ignore[no-untyped-def]
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await environment.sleep(timedelta(days=29))
    assert not (await handle.query(CaseWorkflow.state)).stalled
    await environment.sleep(timedelta(days=3))
    state = await handle.query(CaseWorkflow.state)
    assert sorted(s.reason for s in state.stalled) == ["idle", "stage_sla"]
    # moving on clears both: a new stage, a new SLA, and activity
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    state = await handle.query(CaseWorkflow.state)
    assert state.stalled == []


async def test_a_supervisor_reassigns_within_scope_only(env) -> None:  # type: ignore[no-untyped-def]
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    regional = actor("supervisor", "dir.tripoli")
    regional.scope = ["dir.tripoli", "station.tripoli.central", "station.tripoli.souq_aljuma"]
    await act(handle, regional, "reassign", to_agency="station.tripoli.souq_aljuma", reason="تخفيف العبء")
    state = await handle.query(CaseWorkflow.state)
    assert (state.owner_agency, state.handoff.to_agency) == ("station.tripoli.souq_aljuma",  # type: ignore[union-attr]
                                                             "station.tripoli.souq_aljuma")
    with pytest.raises(WorkflowUpdateFailedError):  # Benghazi is outside the Tripoli supervisor's scope
        await act(handle, regional, "reassign", to_agency="station.benghazi.central", reason="x")


async def _refused(handle, who, action: str, **fields: Any) -> str:  # type: ignore[no-untyped-def]
    """The code of the refusal the workflow's validator gives (the update fails, nothing is recorded)."""
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await act(handle, who, action, **fields)
    return str(info.value.cause)


async def test_prosecution_detention_expiry_makes_release_due(env) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: six days with no extension: the person is "release due", escalated at once, and no judge can
    extend the period afterwards; the release is recorded and clears the flag."""
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
    await act(handle, PROSECUTOR, "request_detention_extension", party_id="p1", to_agency="court.tripoli",
              grounds="مقتضيات التحقيق")
    await environment.sleep(timedelta(days=5))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "detained" and not state.stalled  # type: ignore[union-attr]
    await environment.sleep(timedelta(days=3))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "release_due"  # type: ignore[union-attr]
    assert [s.reason for s in state.stalled] == ["prosecution_detention"]
    assert "release_due" in await _refused(handle, JUDGE, "extend_detention", party_id="p1", days=5, grounds="x")
    await act(handle, PROSECUTOR, "release_person", party_id="p1", reason="انتهاء المدة", terms="unconditional")
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "free" and not state.stalled  # type: ignore[union-attr]


async def test_each_extension_expires_into_release_due(env) -> None:  # type: ignore[no-untyped-def]
    """Each judicial extension runs its own days; the last one past, the person is due for release."""
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
    await act(handle, PROSECUTOR, "request_detention_extension", party_id="p1", to_agency="court.tripoli",
              grounds="مقتضيات التحقيق")
    await environment.sleep(timedelta(days=4))
    await act(handle, JUDGE, "extend_detention", party_id="p1", days=10, grounds="مقتضيات التحقيق")
    await environment.sleep(timedelta(days=8))
    await act(handle, JUDGE, "extend_detention", party_id="p1", days=5, grounds="مقتضيات التحقيق")
    state = await handle.query(CaseWorkflow.state)
    assert [c.name for c in state.open_clocks() if c.subject == "p1"] == ["judicial_detention"]
    assert state.party("p1").detention_days_extended == 15  # type: ignore[union-attr]
    await environment.sleep(timedelta(days=7))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "release_due"  # type: ignore[union-attr]
    assert [s.reason for s in state.stalled] == ["judicial_detention"]
    assert "release_due" in await _refused(handle, JUDGE, "extend_detention", party_id="p1", days=5, grounds="x")


async def test_custody_handed_over_at_referral_expires_before_the_prosecution(env) -> None:  # type: ignore[no-untyped-def]
    """Police custody ends at the referral; the prosecution's 24 hours to question and decide run from there."""
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    arrested = await environment.get_current_time()
    await act(handle, OFFICER, "record_arrest", party_id="p1", arrested_at=arrested.isoformat())
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    state = await handle.query(CaseWorkflow.state)
    assert [c.name for c in state.open_clocks() if c.subject == "p1"] == ["prosecution_custody"]
    await environment.sleep(timedelta(hours=25))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "release_due"  # type: ignore[union-attr]
    assert [s.reason for s in state.stalled] == ["prosecution_custody"]
    assert "person_held" in await _refused(handle, CHIEFPROS, "archive", ground="x")


async def test_trial_detention_expires_into_release_due(env) -> None:  # type: ignore[no-untyped-def]
    environment, _, queue = env
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    await act(handle, CLERK, "acknowledge_receipt")
    await act(handle, JUDGE, "extend_detention", party_id="p1", days=45, grounds="حتى الفصل في الدعوى")
    await environment.sleep(timedelta(days=44))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "detained"  # type: ignore[union-attr]
    await environment.sleep(timedelta(days=3))
    state = await handle.query(CaseWorkflow.state)
    assert state.party("p1").custody == "release_due"  # type: ignore[union-attr]
    assert "trial_detention" in [s.reason for s in state.stalled]


async def _committed(environment, queue: str, penalty: dict[str, object]):  # type: ignore[no-untyped-def]
    """A case to a final conviction to this sentence (the appeal window lapsed), its convict committed to a prison."""
    handle = await open_case(environment.client, queue)
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    now = await environment.get_current_time()
    await act(handle, CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
    await environment.sleep(timedelta(hours=2))
    pronounced = await environment.get_current_time()
    await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس", "in_absentia": False, "penalty": penalty}])
    await environment.sleep(timedelta(days=15))  # the appeal window lapses: final
    await act(handle, PROSECUTOR, "commit_to_prison", party_id="p1", to_agency="prison.aljdaida")
    return handle


async def test_an_unadmitted_committal_is_escalated_until_the_prison_admits(env) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, Deliver 3: the committal is a hand-off of the person: 24 hours unacknowledged, escalated."""
    environment, _, queue = env
    handle = await _committed(environment, queue, {"kind": "imprisonment", "years": 1})
    await environment.sleep(timedelta(hours=23))
    assert not (await handle.query(CaseWorkflow.state)).stalled
    await environment.sleep(timedelta(hours=2))
    state = await handle.query(CaseWorkflow.state)
    assert [s.reason for s in state.stalled] == ["committal_ack"]
    await act(handle, actor("prison_officer", "prison.aljdaida"), "admit_to_prison", party_id="p1")
    state = await handle.query(CaseWorkflow.state)
    assert not state.stalled and state.party("p1").custody == "imprisoned"  # type: ignore[union-attr]


async def test_a_prisoner_s_term_warns_and_is_flagged_past_its_end_until_the_release(env) -> None:  # type: ignore[no-untyped-def]
    """The prisoner's term as a durable timer (RuleRevision.sentence_term): six months from the admission, less
    the day begun in custody; the prison is warned a week before, and past the end the case is flagged at once."""
    environment, _, queue = env
    warden = actor("prison_officer", "prison.aljdaida")
    handle = await _committed(environment, queue, {"kind": "imprisonment", "months": 6})
    await act(handle, warden, "admit_to_prison", party_id="p1")
    state = await handle.query(CaseWorkflow.state)
    [term] = [c for c in state.clocks if c.name == "sentence_term"]
    await environment.sleep(term.warn_at - await environment.get_current_time() + timedelta(minutes=1))
    state = await handle.query(CaseWorkflow.state)
    [term] = [c for c in state.clocks if c.name == "sentence_term"]
    assert term.warned and "sentence_term" not in {s.reason for s in state.stalled}
    await environment.sleep(term.expires_at - await environment.get_current_time() + timedelta(minutes=1))
    state = await handle.query(CaseWorkflow.state)
    assert "sentence_term" in {s.reason for s in state.stalled}
    assert state.party("p1").custody == "imprisoned"  # type: ignore[union-attr]  # the prison still releases them
    await act(handle, warden, "release_prisoner", party_id="p1", ground="served")
    state = await handle.query(CaseWorkflow.state)
    assert "sentence_term" not in {s.reason for s in state.stalled}
