"""Running the real case workflow on Temporal's test servers, with in-memory activities."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.merging import deliver_merge
from core.case import ActionCommand, Actor, CaseEvent, CaseRef, CaseStart, CaseState
from core.clocks import RuleBook, default_rulebook
from core.effects import apply
from core.severance import decide_severed_in
from core.transitions import new_case
from tests.support.procedure import (  # noqa: F401 - the demo actors, for the workflow tests
    AGENCIES,
    APPEAL_CLERK,
    APPEAL_JUDGE,
    CHIEF,
    CHIEFPROS,
    CLERK,
    COURTS,
    FELONY_CLERK,
    FELONY_JUDGE,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    SUPREME_CLERK,
    SUPREME_JUDGE,
    actor,
)
from workflows.case import CaseWorkflow
from workflows.client import ACT, OPENED, case_workflow_id
from workflows.common import BAD_DATA
from workflows.messages import (
    INDEX_CASE,
    RECORD_AND_INDEX,
    RECORD_EVENTS,
    START_SEVERED_CASE,
    ActionResult,
    IndexCase,
    Recorded,
    RecordEvents,
    SeveredCase,
)


@dataclass
class EventLog:
    """Stands in for the read model: what `record_events` was asked to write, per case."""

    events: dict[str, dict[int, CaseEvent]] = field(default_factory=lambda: defaultdict(dict))
    states: dict[str, CaseState] = field(default_factory=dict)
    indexed: dict[str, int] = field(default_factory=dict)
    #: record_and_index reports the index as failed this many times (as an unreachable OpenSearch would)
    index_failures: int = 0
    #: while set, recording fails as for data the database cannot store (non-retryable)
    poisoned: bool = False

    def record(self, request: RecordEvents) -> int:
        # the same fold the read model does: the log's state must equal the workflow's
        written = 0
        for event in request.events:
            if event.seq in self.events[request.case_id]:
                continue
            self.events[request.case_id][event.seq] = event
            if request.case_id not in self.states:
                self.states[request.case_id] = new_case(request.case_id, request.number, request.rules, event)
            else:
                apply(self.states[request.case_id], event)
            written += 1
        return written

    def activities(self) -> list[Any]:
        @activity.defn(name=RECORD_EVENTS)
        async def record_events(request: RecordEvents) -> int:
            return self.record(request)

        @activity.defn(name=RECORD_AND_INDEX)
        async def record_and_index(request: RecordEvents) -> Recorded:
            if self.poisoned:
                raise ApplicationError("cannot be stored", type=BAD_DATA, non_retryable=True)
            written = self.record(request)
            if self.index_failures > 0:
                self.index_failures -= 1
                return Recorded(written, indexed=False)
            self.indexed[request.case_id] = self.states[request.case_id].seq
            return Recorded(written, indexed=True)

        @activity.defn(name=INDEX_CASE)
        async def index_case(request: IndexCase) -> int:
            self.indexed[request.case_id] = max(self.indexed.get(request.case_id, 0), request.seq)
            return request.seq

        @activity.defn(name=START_SEVERED_CASE)
        async def start_severed_case(request: SeveredCase) -> str:
            """activities.severing without the database: the number is made up, the workflow is the real one."""
            number = f"S/{request.case_id[:6]}"
            event = decide_severed_in(request.case_id, request.file, datetime.now(UTC))
            try:
                await activity.client().start_workflow(
                    CaseWorkflow.run, CaseStart(request.case_id, number, request.rules,
                                                state=new_case(request.case_id, number, request.rules, event),
                                                pending_events=[event]),
                    id=case_workflow_id(request.case_id), task_queue=activity.info().task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
            except WorkflowAlreadyStartedError:
                pass
            return number

        return [record_events, record_and_index, index_case, deliver_merge, start_severed_case]

    def names(self, case_id: str) -> list[str]:
        return [self.events[case_id][seq].name for seq in sorted(self.events[case_id])]


def report(category: str = "misdemeanour", accused: int = 1, **extra: Any) -> dict[str, Any]:
    return {"offence": "سرقة", "category": category, "place": "طرابلس", "narrative": "وقائع البلاغ",
            "occurred_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
            "parties": [{"role": "accused", "name": f"متهم رقم {i + 1}"} for i in range(accused)], **extra}


async def open_case(client: Client, task_queue: str, rules: RuleBook | None = None, history_limit: int = 5_000,
                    **report_fields: Any) -> WorkflowHandle[CaseWorkflow, str]:
    case_id = uuid.uuid4().hex
    command = ActionCommand("open_case", actor("police_officer", "station.tripoli.central"), report(**report_fields))
    handle = await client.start_workflow(
        CaseWorkflow.run, CaseStart(case_id, f"T/{case_id[:6]}", rules or default_rulebook(), command,
                                    history_limit=history_limit),
        id=case_workflow_id(case_id), task_queue=task_queue)
    await handle.execute_update(OPENED, result_type=ActionResult)
    return handle


async def act(handle: WorkflowHandle[CaseWorkflow, str], who: Actor, action: str,
              cases: dict[str, CaseRef] | None = None, **fields: Any) -> Any:
    targets = {"to_agency": AGENCIES[fields["to_agency"]]} if isinstance(fields.get("to_agency"), str) else {}
    command = ActionCommand(action, who, fields, targets, cases=cases or {}, courts=COURTS)
    return await handle.execute_update(ACT, command, result_type=ActionResult)
