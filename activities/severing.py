"""Starts a severed accused's case of their own (sever_accused): numbered by the agency that held the file, its
first event the file the severance logged in the case it left."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from config.settings import get_settings
from core.case import CaseStart
from core.clocks import TRIPOLI
from core.severance import decide_severed_in
from core.transitions import new_case
from store.case_numbers import number_for_case
from store.database import session_scope
from store.models import Case
from workflows.client import CASE_WORKFLOW, case_workflow_id
from workflows.messages import START_SEVERED_CASE, SeveredCase


def _number(case_id: str, agency: str) -> str:
    with session_scope() as session:
        return number_for_case(session, case_id, agency, datetime.now(TRIPOLI).year)


def _recorded_number(case_id: str) -> str | None:
    with session_scope() as session:
        row = session.get(Case, case_id)
        return row.number if row is not None else None


async def _started(handle: WorkflowHandle[object, object]) -> bool:
    try:
        await handle.describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


@activity.defn(name=START_SEVERED_CASE)
async def start_severed_case(request: SeveredCase) -> str:
    """Idempotent: the new case's id was decided with the severance, a second start of its workflow is refused
    (REJECT_DUPLICATE), and its number is reserved by that id, so a retry starts nothing twice and draws no
    second number (a register's numbers stay consecutive)."""
    client = activity.client()
    handle = client.get_workflow_handle(case_workflow_id(request.case_id))
    if await _started(handle):
        return await asyncio.to_thread(_recorded_number, request.case_id) or ""
    number = await asyncio.to_thread(_number, request.case_id, request.agency)
    event = decide_severed_in(request.case_id, request.file, datetime.now(UTC))
    state = new_case(request.case_id, number, request.rules, event)
    try:
        await client.start_workflow(
            CASE_WORKFLOW, CaseStart(case_id=request.case_id, number=number, rules=request.rules, state=state,
                                     pending_events=[event]),
            id=case_workflow_id(request.case_id), task_queue=get_settings().task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        pass
    return number
