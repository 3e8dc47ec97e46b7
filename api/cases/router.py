"""Cases: open, read, list, and every action of the procedure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from api import audit_trail
from api.cases import service as cases_service
from api.cases.schemas import (
    ActionPublic,
    CaseCreate,
    CaseCreated,
    CasePage,
    CasePublic,
    IdentityWarningPublic,
)
from api.deps import CurrentUser, SessionDep, TemporalDep
from api.params import IdempotencyKeyHeader, Offset
from core.refusal import Refusal
from core.vocabulary import Stage
from store.people import IdentityWarning

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post("", status_code=201, response_model=CaseCreated, operation_id="open_case")
async def open_case(body: CaseCreate, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
                    request: Request, idempotency_key: IdempotencyKeyHeader = None) -> CaseCreated:
    fields = body.model_dump(mode="json")
    try:
        warnings = await run_in_threadpool(cases_service.identity_warnings_for, user, "open_case", fields, session)
        result, number = await cases_service.open_case(user, fields, idempotency_key, session, temporal)
    except Refusal as error:
        await audit_trail.record_async(user, request, "case.action", outcome=audit_trail.refused(error),
                           detail={"action": "open_case"})
        raise
    await audit_trail.record_async(user, request, "case.action", case_id=result.case_id,
                                   detail={"action": "open_case", **_warned(warnings)})
    return CaseCreated(id=result.case_id, number=number, stage=result.stage,
                       warnings=[IdentityWarningPublic(**vars(w)) for w in warnings])


def _warned(warnings: list[IdentityWarning]) -> dict[str, object]:
    """What the audit keeps of the warnings an action was accepted with (the fields, not the names)."""
    return {"warnings": [f"{w.code}:{w.field}" for w in warnings]} if warnings else {}


@router.get("", response_model=CasePage, operation_id="list_cases")
def list_cases(user: CurrentUser, session: SessionDep, request: Request, stage: Stage | None = None,
               agency: str | None = None, stalled: bool | None = None, offset: Offset = 0,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> CasePage:
    page = cases_service.list_cases(user, session, stage=stage, agency=agency, stalled=stalled, offset=offset,
                                    limit=limit)
    audit_trail.record(user, request, "case.list", detail={"stage": stage, "agency": agency, "stalled": stalled,
                                                           "offset": offset, "hits": page.total})
    return page


@router.get("/{case_id}", response_model=CasePublic, operation_id="get_case")
def get_case(case_id: str, user: CurrentUser, session: SessionDep, request: Request) -> CasePublic:
    return audit_trail.audited(user, request, "case.read", None, lambda: cases_service.get_case(user, case_id, session),
                               case_id=case_id)


@router.post("/{case_id}/actions/{action}", response_model=ActionPublic, operation_id="take_action")
async def take_action(case_id: str, action: str, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
                      request: Request, body: Annotated[dict[str, Any] | None, Body()] = None,
                      idempotency_key: IdempotencyKeyHeader = None) -> ActionPublic:
    try:
        # before the action: once applied, the party it adds may already be in the registry, and agree with itself
        warnings = await run_in_threadpool(cases_service.identity_warnings_for, user, action, body or {}, session,
                                           case_id)
        result = await cases_service.act(user, case_id, action, body or {}, idempotency_key, session, temporal)
    except Refusal as error:
        await audit_trail.record_async(user, request, "case.action", case_id=case_id,
                                       outcome=audit_trail.refused(error), detail={"action": action})
        raise
    await audit_trail.record_async(user, request, "case.action", case_id=case_id,
                                   detail={"action": action, "seq": result.seq, **_warned(warnings)})
    return ActionPublic(case_id=result.case_id, seq=result.seq, stage=result.stage,
                        owner_agency=result.owner_agency, action=action, notices=result.notices,
                        warnings=[IdentityWarningPublic(**vars(w)) for w in warnings])
