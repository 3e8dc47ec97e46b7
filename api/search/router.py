"""Cross-agency search: always through search.service, i.e. search.query's builder and its access filter.
Every search is audited: who, role, agency (the audit record's own columns), the query and the hits."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api import audit_trail
from api.deps import CurrentUser, SessionDep
from core.access import viewer_for
from core.case import Actor
from core.case_numbers import searched_text
from core.refusal import Refusal
from core.vocabulary import Category, Stage
from search.client import get_client
from search.query import MAX_WINDOW, CaseQuery
from search.results import SearchPage
from search.service import search_cases as run_search
from store.agencies import load_agency_tree

router = APIRouter(prefix="/api/v1", tags=["search"])


def refuse_if_blind(user: Actor, request: Request, action: str, detail: dict[str, object]) -> None:
    """Citizens (and anyone without an agency) search nothing: say so rather than answer empty."""
    if viewer_for(user).sees_nothing:
        audit_trail.record(user, request, action, outcome="refused:forbidden_role", detail=detail)
        raise Refusal("forbidden_role", 403, "your role may not search case files",
                      "لا يسمح دورك بالبحث في ملفات القضايا")


@router.get("/search", response_model=SearchPage, operation_id="search_cases")
def search_cases(user: CurrentUser, request: Request, session: SessionDep,
                 q: Annotated[str, Query(max_length=200, description="number, national ID, name or free text")] = "",
                 stage: Stage | None = None, category: Category | None = None,
                 agency: Annotated[str | None, Query(description="an agency that has held the case")] = None,
                 directorate: Annotated[str | None, Query(description="directorate of the opening station")] = None,
                 date_field: Literal["opened_at", "occurred_at"] = "opened_at",
                 date_from: date | None = None, date_to: date | None = None,
                 sort: Literal["relevance", "newest", "oldest", "updated"] = "relevance",
                 offset: Annotated[int, Query(ge=0, le=MAX_WINDOW)] = 0,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20) -> SearchPage:
    # a number typed as people say it ("ش.ط.م 70/2026") is searched as the number stored
    query = CaseQuery(text=searched_text(q, lambda: load_agency_tree(session)), stage=stage, category=category,
                      agency=agency, directorate=directorate, date_field=date_field, date_from=date_from,
                      date_to=date_to, sort=sort, offset=offset, limit=limit)
    detail: dict[str, object] = {"q": q, "stage": stage, "category": category, "agency": agency,
                                 "directorate": directorate, "date_field": date_field,
                                 "date_from": date_from.isoformat() if date_from else None,
                                 "date_to": date_to.isoformat() if date_to else None, "sort": sort, "offset": offset}
    refuse_if_blind(user, request, "search.cases", detail)
    if offset + limit > MAX_WINDOW:
        raise Refusal("page_too_deep", 422, f"offset + limit may not exceed {MAX_WINDOW}: narrow the search",
                      "الصفحة المطلوبة أبعد مما يسمح به: ضيّق البحث", "offset")
    if date_from and date_to and date_from > date_to:
        raise Refusal("invalid_date_range", 422, "date_from is after date_to", "تاريخ البداية بعد تاريخ النهاية",
                      "date_from")
    page = run_search(get_client(), viewer_for(user), query)
    audit_trail.record(user, request, "search.cases", detail={**detail, "hits": page.total})
    return page
