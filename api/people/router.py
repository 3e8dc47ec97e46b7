"""People across agencies: candidate identities and their cases, under the same access filter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api import audit_trail
from api.deps import CurrentUser
from api.search.router import refuse_if_blind
from core.access import viewer_for
from core.refusal import Refusal
from search.client import get_client
from search.results import PeoplePage
from search.service import search_people as run_people_search

router = APIRouter(prefix="/api/v1/people", tags=["people"])


@router.get("/search", response_model=PeoplePage, operation_id="search_people")
def search_people(user: CurrentUser, request: Request,
                  name: Annotated[str, Query(max_length=200, description="Arabic or Latin spelling")] = "",
                  national_id: Annotated[str, Query(pattern=r"^(\d{12})?$", description="12 digits")] = "",
                  ) -> PeoplePage:
    detail: dict[str, object] = {"name": name, "national_id": national_id}
    refuse_if_blind(user, request, "search.people", detail)
    if not name.strip() and not national_id:
        raise Refusal("query_required", 422, "give a name or a national ID", "أدخل اسماً أو رقماً وطنياً", "name")
    page = run_people_search(get_client(), viewer_for(user), name=name, national_id=national_id)
    audit_trail.record(user, request, "search.people",
                       detail={**detail, "hits": page.total, "cases": sum(len(c.cases) for c in page.items)})
    return page
