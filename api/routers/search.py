"""Cross-agency search: always through search.query.build_query, which applies the access filter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser
from api.schemas import SearchHit, SearchPage
from core.access import viewer_for
from search.client import get_client
from search.indices import cases_alias
from search.query import CaseQuery, build_query

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchPage, operation_id="search_cases")
def search_cases(user: CurrentUser, q: str = "", stage: str | None = None, category: str | None = None,
                 agency: str | None = None, offset: Annotated[int, Query(ge=0)] = 0,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20) -> SearchPage:
    query = CaseQuery(text=q, stage=stage, category=category, agency=agency, offset=offset, limit=limit)
    response = get_client().search(index=cases_alias(), body=build_query(viewer_for(user), query))
    hits = response["hits"]
    items = [SearchHit(id=h["_source"]["case_id"], number=h["_source"]["number"], stage=h["_source"]["stage"],
                       owner_agency=h["_source"]["owner_agency"], category=h["_source"]["category"],
                       offence=h["_source"]["offence"], score=h.get("_score"), highlights=h.get("highlight", {}))
             for h in hits["hits"]]
    return SearchPage(items=items, total=hits["total"]["value"], offset=offset, limit=limit)
