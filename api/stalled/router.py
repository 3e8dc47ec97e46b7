"""The stalled list: every case in the caller's scope past a deadline (stage SLA, idle period, custody,
detention, hand-off), its expiry on record or not yet, most urgent first; filtered by reason, agency, age and
stage; a page at a time, or whole as CSV. Audited like every case list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from api import audit_trail
from api.deps import CurrentUser, SessionDep
from api.params import Offset
from api.stalled import service
from api.stalled.schemas import StalledCasePublic, StalledPage
from core.vocabulary import AgeBucket, Stage, StallReason
from store.agencies import load_agency_tree

router = APIRouter(prefix="/api/v1/stalled", tags=["supervision"])

ReasonParam = Annotated[StallReason | None, Query(description="only cases past this kind of deadline")]
AgencyParam = Annotated[str | None, Query(max_length=64, description="held by this agency or one under it")]
HolderParam = Annotated[str | None, Query(max_length=64, description="held by exactly this agency")]
AgeParam = Annotated[AgeBucket | None, Query(description="stalled this long (its longest past deadline), in days")]
StageParam = Annotated[Stage | None, Query(description="in this stage")]


@router.get("", response_model=StalledPage, operation_id="list_stalled_cases")
def list_stalled_cases(user: CurrentUser, session: SessionDep, request: Request, reason: ReasonParam = None,
                       agency: AgencyParam = None, age: AgeParam = None, stage: StageParam = None,
                       holder: HolderParam = None, offset: Offset = 0,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50) -> StalledPage:
    query = service.StalledQuery(reason, agency, age, stage, holder)
    detail: dict[str, object] = {"view": "stalled", **query.params(), "offset": offset}
    return audit_trail.audited(
        user, request, "case.list", detail,
        lambda: service.page(user, session, load_agency_tree(session), query, datetime.now(UTC), offset, limit),
        adds=lambda found: {"hits": found.total})


@router.get(".csv", operation_id="export_stalled_cases", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "the whole list, in the list's order"}})
def export_stalled_cases(user: CurrentUser, session: SessionDep, request: Request, reason: ReasonParam = None,
                         agency: AgencyParam = None, age: AgeParam = None, stage: StageParam = None,
                         holder: HolderParam = None, lang: Literal["ar", "en"] = "en") -> StreamingResponse:
    query = service.StalledQuery(reason, agency, age, stage, holder)
    detail: dict[str, object] = {"view": "stalled.csv", **query.params()}
    tree = load_agency_tree(session)

    def rows() -> list[StalledCasePublic]:
        service.scope_of(user)
        return list(service.export_rows(user, session, tree, query, datetime.now(UTC)))

    items = audit_trail.audited(user, request, "case.list", detail, rows, adds=lambda found: {"hits": len(found)})
    return StreamingResponse(service.csv_export(items, tree, lang), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="stalled-cases.csv"',
                                      "Cache-Control": "no-store"})
