"""Supervision figures for the caller's scope (a supervisor's subtree, national at the root; a chief's own
agency): open cases, stalled cases, hand-offs waiting, custody and detention ending soon, time in stage
against the SLA, pendency, cases opened and closed per week. Each number carries the list of the cases it
counts (`href`: `GET /api/v1/stalled` or `GET /api/v1/stats/cases`, with CSV at `.csv`). Every read is
audited; a caller who supervises nothing is refused (403 `forbidden_role`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from api import audit_trail
from api.deps import CurrentUser, SessionDep
from api.params import Offset
from api.stats import service
from api.stats.schemas import (
    CaseRowPage,
    DashboardPublic,
    EndingSoonPublic,
    FlowPublic,
    HandoffsPublic,
    OpenCasesPublic,
    PendencyPublic,
    StageTimePublic,
    StalledFiguresPublic,
)
from core.case import Actor
from core.vocabulary import AgeBucket, SlaBand, Stage, StallReason
from store.agencies import load_agency_tree
from store.supervision import CaseStatus

router = APIRouter(prefix="/api/v1/stats", tags=["supervision"])

Part = TypeVar("Part")


def _read(user: Actor, session: Session, request: Request, figure: str,
          part: Callable[[DashboardPublic], Part]) -> Part:
    """The dashboard's figures for the caller, audited (`stats.read`, which figure), refusals too."""
    found = audit_trail.audited(
        user, request, "stats.read", {"figure": figure},
        lambda: service.dashboard(user, session, load_agency_tree(session), datetime.now(UTC), "api"),
        adds=lambda board: {"national": board.scope.national, "agencies": board.scope.agencies})
    return part(found)


@router.get("/dashboard", response_model=DashboardPublic, operation_id="get_supervision_dashboard")
def get_dashboard(user: CurrentUser, session: SessionDep, request: Request) -> DashboardPublic:
    """Every figure at once (what the web's dashboard shows)."""
    return _read(user, session, request, "dashboard", lambda d: d)


@router.get("/open-cases", response_model=OpenCasesPublic, operation_id="get_open_case_counts")
def get_open_cases(user: CurrentUser, session: SessionDep, request: Request) -> OpenCasesPublic:
    """Open cases by stage and by the agency holding them."""
    return _read(user, session, request, "open_cases", lambda d: d.open_cases)


@router.get("/stalled", response_model=StalledFiguresPublic, operation_id="get_stalled_counts")
def get_stalled(user: CurrentUser, session: SessionDep, request: Request) -> StalledFiguresPublic:
    """Cases past a deadline, by reason and by how long."""
    return _read(user, session, request, "stalled", lambda d: d.stalled)


@router.get("/handoffs", response_model=HandoffsPublic, operation_id="get_handoffs_waiting")
def get_handoffs(user: CurrentUser, session: SessionDep, request: Request) -> HandoffsPublic:
    """Files sent and not yet acknowledged, per receiving agency, and for how long."""
    return _read(user, session, request, "handoffs", lambda d: d.handoffs)


@router.get("/ending-soon", response_model=EndingSoonPublic, operation_id="get_custody_ending_soon")
def get_ending_soon(user: CurrentUser, session: SessionDep, request: Request) -> EndingSoonPublic:
    """Police custody and detention ending in the next 48 hours."""
    return _read(user, session, request, "ending_soon", lambda d: d.ending_soon)


@router.get("/time-in-stage", response_model=list[StageTimePublic], operation_id="get_time_in_stage")
def get_time_in_stage(user: CurrentUser, session: SessionDep, request: Request) -> list[StageTimePublic]:
    """Open cases against their stage's SLA, per stage."""
    return _read(user, session, request, "time_in_stage", lambda d: d.time_in_stage)


@router.get("/pendency", response_model=PendencyPublic, operation_id="get_pendency")
def get_pendency(user: CurrentUser, session: SessionDep, request: Request) -> PendencyPublic:
    """Open cases by how long they have been open (0–30, 31–90, 91–180, 181–365, over 365 days)."""
    return _read(user, session, request, "pendency", lambda d: d.pendency)


@router.get("/flow", response_model=FlowPublic, operation_id="get_case_flow")
def get_flow(user: CurrentUser, session: SessionDep, request: Request) -> FlowPublic:
    """Cases opened and closed per week (the last 12, weeks from Sunday in Tripoli), per agency."""
    return _read(user, session, request, "flow", lambda d: d.flow)


# ---------------------------------------------------------------- the cases behind a number


def _case_query(status: CaseStatus, stage: Stage | None, agency: str | None, holder: str | None,
                pendency: AgeBucket | None, sla: SlaBand | None, waiting: bool, ending_within_hours: int | None,
                reason: StallReason | None, opened_week: date | None, closed_week: date | None) -> service.CaseQuery:
    return service.CaseQuery(status, stage, agency, holder, pendency, sla, waiting, ending_within_hours, reason,
                             opened_week, closed_week)


StatusParam = Annotated[CaseStatus, Query(description="open (default), closed, or any")]
StageParam = Annotated[Stage | None, Query()]
AgencyParam = Annotated[str | None, Query(max_length=64, description="held by this agency or one under it")]
HolderParam = Annotated[str | None, Query(max_length=64, description="held by exactly this agency (with "
                                                                     "opened_week: opened by it)")]
PendencyParam = Annotated[AgeBucket | None, Query(description="open this long, in days")]
SlaParam = Annotated[SlaBand | None, Query(description="against the stage's SLA")]
WaitingParam = Annotated[bool, Query(description="a hand-off not yet acknowledged")]
EndingParam = Annotated[int | None, Query(ge=1, le=24 * 365, description="custody or detention ending within "
                                                                        "this many hours (not yet past)")]
ReasonParam = Annotated[StallReason | None, Query(description="with ending_within_hours: only this one")]
WeekParam = Annotated[date | None, Query(description="the week beginning on this day (a Sunday)")]


@router.get("/cases", response_model=CaseRowPage, operation_id="list_counted_cases")
def list_counted_cases(user: CurrentUser, session: SessionDep, request: Request, status: StatusParam = CaseStatus.open,
                       stage: StageParam = None, agency: AgencyParam = None, holder: HolderParam = None,
                       pendency: PendencyParam = None, sla: SlaParam = None, waiting: WaitingParam = False,
                       ending_within_hours: EndingParam = None, reason: ReasonParam = None,
                       opened_week: WeekParam = None, closed_week: WeekParam = None, offset: Offset = 0,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50) -> CaseRowPage:
    """The cases a figure counts, oldest first (each figure's `href` is this list with its filters)."""
    query = _case_query(status, stage, agency, holder, pendency, sla, waiting, ending_within_hours, reason,
                        opened_week, closed_week)
    detail: dict[str, object] = {"view": "stats.cases", **query.params(), "offset": offset}
    return audit_trail.audited(
        user, request, "case.list", detail,
        lambda: service.case_page(user, session, load_agency_tree(session), query, datetime.now(UTC), offset, limit),
        adds=lambda found: {"hits": found.total})


@router.get("/cases.csv", operation_id="export_counted_cases", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "the whole list, oldest first"}})
def export_counted_cases(user: CurrentUser, session: SessionDep, request: Request,
                         status: StatusParam = CaseStatus.open, stage: StageParam = None, agency: AgencyParam = None,
                         holder: HolderParam = None, pendency: PendencyParam = None, sla: SlaParam = None,
                         waiting: WaitingParam = False, ending_within_hours: EndingParam = None,
                         reason: ReasonParam = None, opened_week: WeekParam = None, closed_week: WeekParam = None,
                         lang: Literal["ar", "en"] = "en") -> StreamingResponse:
    query = _case_query(status, stage, agency, holder, pendency, sla, waiting, ending_within_hours, reason,
                        opened_week, closed_week)
    detail: dict[str, object] = {"view": "stats.cases.csv", **query.params()}
    tree = load_agency_tree(session)
    items = audit_trail.audited(user, request, "case.list", detail,
                                lambda: service.export_cases(user, session, tree, query, datetime.now(UTC)),
                                adds=lambda found: {"hits": len(found)})
    return StreamingResponse(service.cases_csv(items, tree, lang), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="cases.csv"',
                                      "Cache-Control": "no-store"})
