"""Records representative case-workflow histories for the replay test (tests/workflows/test_replay.py).

Run `.venv/bin/python -m tests.support.record_histories` after an intended, versioned workflow change
(`workflow.patched`), and commit the new files beside the old ones: old histories must keep replaying.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.worker import workflow_runner
from tests.support.procedure import (
    APPEAL_CLERK,
    APPEAL_JUDGE,
    FELONY_CLERK,
    FELONY_JUDGE,
    SUPREME_CLERK,
    SUPREME_JUDGE,
    demo,
)
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

WARDEN = actor("prison_officer", "prison.aljdaida")

HISTORIES = Path(__file__).resolve().parent.parent / "workflows"
QUEUE = "histories"
#: the workflow version these histories are recorded with: v1 before RECORD_AND_INDEX, v2 with it, v3 with
#: AGENCY_KINDS_PATCH (hand-offs checked against the stage's owner kinds, their kind in the event), v4 with
#: COURTS_ASKED_PATCH and BOUNDED_RETRIES_PATCH (a detention put before the court that extends it; bounded retries),
#: v5 with SEPARATION_OF_POWERS_PATCH, COMPETENT_COURTS_PATCH and LEGAL_DATES_PATCH (a felony before the felony
#: chamber, a hearing entered after it was held, a verdict dated by its pronouncement; a court's president
#: reassigning its case; the appeal window moved to the next sitting day), v6 with REMAND_PATCH (a cassation remand of
#: an appeal judgment back to the court of appeal, in appeal)
#: v8 with the supervision note (add_supervision_note: an action that moves nothing) beside a reassignment, parties'
#: identity fields and identify_party (a foreigner by passport, a national ID added later), every scenario recorded
#: again with the three branches together (v5-supervision and v6-names: each branch's own first recording)
#: v9 with PER_ACCUSED_PATCH (a lapse and a severance for one accused, a requalifying referral, a co-accused's appeal
#: joining the court of appeal, a remand retrying only the accused whose judgment it quashes), every scenario
#: recorded again; v10 with CUSTODY_PATCH, SENTENCES_PATCH and JUVENILE_ROUTE_PATCH (a detention expired into
#: "release due", a convict through the prison, a juvenile before the juvenile court), every scenario again; v11 with
#: SENTENCE_TERM_PATCH (the prisoner's term a clock from the admission: warned, past its end before the release,
#: flagged, then released), every scenario again; v12 with RELEASED_BY_JUDGMENT_PATCH (a detained accused acquitted
#: and released by the verdict), every scenario again
VERSION = "v12"


def _number(version: str) -> int:
    """A version's number ("v10" is after "v9", which a string comparison would not say)."""
    return int(version[1:].split("-")[0])


async def _to_the_prosecution(handle: WorkflowHandle[Any, Any]) -> None:
    """The station refers the report to the Tripoli prosecution, which acknowledges it."""
    await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    await act(handle, PROSECUTOR, "acknowledge_receipt")


async def _before_the_court(handle: WorkflowHandle[Any, Any]) -> None:
    """On to the Tripoli court of first instance, charged with theft, its clerk acknowledging the file."""
    await _to_the_prosecution(handle)
    await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    await act(handle, CLERK, "acknowledge_receipt")


async def _heard(environment: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> datetime:
    """A hearing an hour on, held: the instant after it, when the verdict is pronounced."""
    now = await environment.get_current_time()
    await act(handle, CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
    await environment.sleep(timedelta(hours=2))
    return await environment.get_current_time()


async def main() -> None:
    environment = await time_skipping()
    log = EventLog()
    async with environment, Worker(environment.client, task_queue=QUEUE, workflows=[CaseWorkflow],
                                   activities=log.activities(), workflow_runner=workflow_runner()):
        # a misdemeanour to a final judgment, with an arrest, a release and a lapsed appeal window
        handle = await open_case(environment.client, QUEUE)
        now = await environment.get_current_time()
        await act(handle, OFFICER, "record_arrest", party_id="p1", arrested_at=now.isoformat())
        await _to_the_prosecution(handle)
        await act(handle, PROSECUTOR, "release_person", party_id="p1", reason="كفالة")
        await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
        pronounced = await _heard(environment, handle)
        await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "acquitted", "in_absentia": False}])
        await environment.sleep(timedelta(days=15))  # ten days, moved past a weekend at most
        await act(handle, CHIEFPROS, "close_case")
        await handle.result()
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-acquitted-{VERSION}.json").write_text(history.to_json())

        # archived and reopened, then an unacknowledged hand-off escalated
        handle = await open_case(environment.client, QUEUE)
        await _to_the_prosecution(handle)
        await act(handle, CHIEFPROS, "archive", ground="عدم كفاية الأدلة")
        await act(handle, CHIEFPROS, "reopen", reason="دليل جديد")
        await act(handle, PROSECUTOR, "request_further_inquiry", instructions="سماع الشهود")
        await environment.sleep(timedelta(hours=30))
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-reopened-escalated-{VERSION}.json").write_text(history.to_json())

        # a detention put before the court, extended by its judge, then released (COURTS_ASKED_PATCH)
        handle = await open_case(environment.client, QUEUE)
        await _to_the_prosecution(handle)
        await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
        await act(handle, PROSECUTOR, "request_detention_extension", party_id="p1", to_agency="court.tripoli",
                  grounds="مقتضيات التحقيق")
        await act(handle, JUDGE, "extend_detention", party_id="p1", days=15, grounds="مقتضيات التحقيق")
        await environment.sleep(timedelta(days=3))
        await act(handle, PROSECUTOR, "release_person", party_id="p1", reason="انتفاء مبررات الحبس")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-detention-extended-{VERSION}.json").write_text(history.to_json())

        if _number(VERSION) < 5:
            return
        # a cassation remand of an appeal judgment: back to the court of appeal, in appeal, heard again there
        handle = await open_case(environment.client, QUEUE)
        await _before_the_court(handle)
        for clerk, judge, challenge, court in ((CLERK, JUDGE, "file_appeal", "court.appeal.tripoli"),
                                               (APPEAL_CLERK, APPEAL_JUDGE, "file_cassation", "supreme_court")):
            now = await environment.get_current_time()
            await act(handle, clerk, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
            await environment.sleep(timedelta(hours=2))
            pronounced = await environment.get_current_time()
            await act(handle, judge, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
                {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False}])
            await act(handle, PROSECUTOR, challenge, party_id="p1", to_agency=court)
            await act(handle, APPEAL_CLERK if court != "supreme_court" else SUPREME_CLERK, "acknowledge_receipt")
        now = await environment.get_current_time()
        await act(handle, SUPREME_CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
        await environment.sleep(timedelta(hours=2))
        await act(handle, SUPREME_JUDGE, "remand", to_agency="court.appeal.tripoli", reasons="قصور في التسبيب")
        await act(handle, APPEAL_CLERK, "acknowledge_receipt")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-remanded-to-appeal-{VERSION}.json").write_text(history.to_json())

        # a felony before the felony chamber: its hearing entered two days after it was held, the verdict
        # entered later still and dated by its pronouncement, final when the cassation window lapses (the
        # sentence then awaits its execution)
        handle = await open_case(environment.client, QUEUE, category="felony")
        await _to_the_prosecution(handle)
        await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.appeal.tripoli.felony", charges=["قتل"])
        await act(handle, FELONY_CLERK, "acknowledge_receipt")
        held = await environment.get_current_time()
        await environment.sleep(timedelta(days=2))
        await act(handle, FELONY_CLERK, "schedule_hearing", hearing_at=held.isoformat(), room="القاعة 1")
        await environment.sleep(timedelta(days=3))
        await act(handle, FELONY_JUDGE, "record_verdict", pronounced_at=held.isoformat(), verdicts=[
            {"party_id": "p1", "result": "convicted", "sentence": "السجن خمس سنوات", "in_absentia": False}])
        await environment.sleep(timedelta(days=65))
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-felony-dated-{VERSION}.json").write_text(history.to_json())

        # a misdemeanour before Tripoli's court, sent by its president to Benghazi's (separation of powers)
        handle = await open_case(environment.client, QUEUE)
        await _before_the_court(handle)
        await act(handle, demo("president.tripoli"), "reassign", to_agency="court.benghazi", reason="تنحي المحكمة")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-court-reassigned-{VERSION}.json").write_text(history.to_json())

        # a directorate's supervisor notes on an idle police case, then moves it to another station, which does
        # not acknowledge it: the note neither restarts the idle period nor acknowledges; the hand-off escalates
        supervisor = actor("supervisor", "dir.tripoli")
        supervisor.scope = ["dir.tripoli", "station.tripoli.central", "station.tripoli.souq_aljuma"]
        handle = await open_case(environment.client, QUEUE)
        await environment.sleep(timedelta(days=31))
        await act(handle, supervisor, "add_supervision_note", note="لا نشاط منذ شهر: ما سبب التأخير؟")
        await act(handle, supervisor, "reassign", to_agency="station.tripoli.souq_aljuma", reason="إعادة توزيع")
        await environment.sleep(timedelta(hours=30))
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-supervised-{VERSION}.json").write_text(history.to_json())

        # a foreigner filed by passport, and a national ID added to a party later (identify_party)
        handle = await open_case(environment.client, QUEUE)
        await act(handle, OFFICER, "add_party", role="witness", name="Soufiane Achour", passport_number="T1234567",
                  nationality="TUN", birth_date="1988-02-03", aliases=["سفيان التونسي"])
        await act(handle, OFFICER, "identify_party", party_id="p1", national_id="119850012345",
                  birth_date="1985-01-01")
        await act(handle, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-identified-{VERSION}.json").write_text(history.to_json())

        if _number(VERSION) < 9:
            return
        # per accused (PER_ACCUSED_PATCH): three accused of a misdemeanour requalified as a felony at referral; one
        # dies before trial (a lapse for them alone), one is severed into a case of their own; the felony chamber
        # convicts the last, whose cassation goes to the Supreme Court
        handle = await open_case(environment.client, QUEUE, accused=3)
        await _to_the_prosecution(handle)
        await act(handle, CHIEFPROS, "declare_lapsed", ground="death", party_id="p3")
        await act(handle, CHIEFPROS, "sever_accused", party_id="p2", reason="تعذر استكمال التحقيق معه")
        await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.appeal.tripoli.felony",
                  charges=["شروع في قتل"], category="felony")
        await act(handle, FELONY_CLERK, "acknowledge_receipt")
        now = await environment.get_current_time()
        await act(handle, FELONY_CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
        await environment.sleep(timedelta(hours=2))
        pronounced = await environment.get_current_time()
        await act(handle, FELONY_JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "convicted", "sentence": "السجن سبع سنوات", "in_absentia": False}])
        await act(handle, PROSECUTOR, "file_cassation", party_id="p1", to_agency="supreme_court")
        await act(handle, SUPREME_CLERK, "acknowledge_receipt")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-per-accused-{VERSION}.json").write_text(history.to_json())

        # two accused judged together: the first's appeal takes the case to the court of appeal, the second's own
        # appeal joins it there, and the court of appeal rules on both; a cassation remand retries only the one
        # whose judgment it quashes
        handle = await open_case(environment.client, QUEUE, accused=2)
        await _before_the_court(handle)
        pronounced = await _heard(environment, handle)
        await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False},
            {"party_id": "p2", "result": "convicted", "sentence": "الحبس ستة أشهر", "in_absentia": False}])
        await act(handle, PROSECUTOR, "file_appeal", party_id="p1", to_agency="court.appeal.tripoli")
        await act(handle, APPEAL_CLERK, "acknowledge_receipt")
        await act(handle, PROSECUTOR, "file_appeal", party_id="p2", to_agency="court.appeal.tripoli")
        now = await environment.get_current_time()
        await act(handle, APPEAL_CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
        await environment.sleep(timedelta(hours=2))
        pronounced = await environment.get_current_time()
        await act(handle, APPEAL_JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False},
            {"party_id": "p2", "result": "acquitted", "in_absentia": False}])
        await act(handle, PROSECUTOR, "file_cassation", party_id="p1", to_agency="supreme_court")
        await act(handle, SUPREME_CLERK, "acknowledge_receipt")
        now = await environment.get_current_time()
        await act(handle, SUPREME_CLERK, "schedule_hearing", hearing_at=(now + timedelta(hours=1)).isoformat())
        await environment.sleep(timedelta(hours=2))
        await act(handle, SUPREME_JUDGE, "remand", to_agency="court.appeal.tripoli", reasons="قصور في التسبيب")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-joined-appeals-{VERSION}.json").write_text(history.to_json())

        if _number(VERSION) < 10:
            return
        # custody follows the person (CUSTODY_PATCH): police custody handed to the prosecution at referral, a
        # detention ordered and extended by the judge, then left to expire into "release due" and released
        handle = await open_case(environment.client, QUEUE)
        now = await environment.get_current_time()
        await act(handle, OFFICER, "record_arrest", party_id="p1", arrested_at=now.isoformat())
        await _to_the_prosecution(handle)
        await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
        await act(handle, PROSECUTOR, "request_detention_extension", party_id="p1", to_agency="court.tripoli",
                  grounds="مقتضيات التحقيق")
        await act(handle, JUDGE, "extend_detention", party_id="p1", days=15, grounds="مقتضيات التحقيق")
        await environment.sleep(timedelta(days=16))
        await act(handle, PROSECUTOR, "release_person", party_id="p1", reason="انتهاء مدة الحبس")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-release-due-{VERSION}.json").write_text(history.to_json())

        # sentences as data and the prison (SENTENCES_PATCH): a term of imprisonment, final, the convict committed
        # to a prison, admitted by its warden, released at the end of the sentence; then the case closes (since
        # SENTENCE_TERM_PATCH the term runs as a clock from the admission: warned, then past before the release)
        handle = await open_case(environment.client, QUEUE)
        await _before_the_court(handle)
        pronounced = await _heard(environment, handle)
        await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "convicted", "sentence": "الحبس ستة أشهر", "in_absentia": False,
             "penalty": {"kind": "imprisonment", "months": 6}}])
        await environment.sleep(timedelta(days=15))
        await act(handle, PROSECUTOR, "commit_to_prison", party_id="p1", to_agency="prison.aljdaida")
        await act(handle, WARDEN, "admit_to_prison", party_id="p1")
        await environment.sleep(timedelta(days=190))
        await act(handle, WARDEN, "release_prisoner", party_id="p1", ground="served")
        await act(handle, CHIEFPROS, "close_case")
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-prison-{VERSION}.json").write_text(history.to_json())

        # the juvenile route (JUVENILE_ROUTE_PATCH): an accused of sixteen at the offence, referred to the juvenile
        # court of the region
        now = await environment.get_current_time()
        born = (now - timedelta(days=16 * 365)).date().isoformat()
        handle = await open_case(environment.client, QUEUE, parties=[
            {"role": "accused", "name": "حدث متهم", "birth_date": born}])
        await _to_the_prosecution(handle)
        await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli.juvenile", charges=["سرقة"])
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-juvenile-{VERSION}.json").write_text(history.to_json())

        if _number(VERSION) < 12:
            return
        # released by the judgment (RELEASED_BY_JUDGMENT_PATCH): a detained accused acquitted, released as the
        # verdict is pronounced; their detention's timer never fires
        handle = await open_case(environment.client, QUEUE)
        await _to_the_prosecution(handle)
        await act(handle, PROSECUTOR, "order_detention", party_id="p1", grounds="خشية الهرب")
        await act(handle, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
        await act(handle, CLERK, "acknowledge_receipt")
        pronounced = await _heard(environment, handle)
        await act(handle, JUDGE, "record_verdict", pronounced_at=pronounced.isoformat(), verdicts=[
            {"party_id": "p1", "result": "acquitted", "in_absentia": False}])
        await environment.sleep(timedelta(days=15))
        history = await handle.fetch_history()
        (HISTORIES / "histories" / f"case-released-by-judgment-{VERSION}.json").write_text(history.to_json())


if __name__ == "__main__":
    asyncio.run(main())
