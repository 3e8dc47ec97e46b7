"""People across agencies: candidate people and their cases, under the same access filter; a person record,
and people's decisions about it (merge, undo a merge, link a party, split parties off), each audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from api import audit_trail
from api.deps import CurrentUser, SessionDep
from api.params import RowId
from api.people import service
from api.people.schemas import DecisionResult, LinkCreate, MergeCreate, PersonPublic, SplitCreate, UnmergeCreate
from api.search.router import refuse_if_blind
from core.access import viewer_for
from core.case import Actor
from core.refusal import Refusal
from core.text import check_national_id, check_passport_number
from search.client import get_client
from search.results import PeoplePage
from search.service import search_people as run_people_search
from store import people

router = APIRouter(prefix="/api/v1/people", tags=["people"])
@router.get("/search", response_model=PeoplePage, operation_id="search_people")
def search_people(user: CurrentUser, request: Request, session: SessionDep,
                  name: Annotated[str, Query(max_length=200, description="Arabic or Latin spelling")] = "",
                  national_id: Annotated[str, Query(max_length=40, description="12 digits, in any script")] = "",
                  passport_number: Annotated[str, Query(max_length=40, description="letters and digits")] = "",
                  ) -> PeoplePage:
    detail: dict[str, object] = {"name": name, "national_id": national_id, "passport_number": passport_number}
    refuse_if_blind(user, request, "search.people", detail)
    try:
        nid = check_national_id(national_id) or ""
        passport = check_passport_number(passport_number) or ""
    except Refusal as error:
        audit_trail.record(user, request, "search.people", outcome=audit_trail.refused(error), detail=detail)
        raise
    if not name.strip() and not nid and not passport:
        raise Refusal("query_required", 422, "give a name, a national ID or a passport number",
                      "أدخل اسماً أو رقماً وطنياً أو رقم جواز سفر", "name")
    page = run_people_search(get_client(), viewer_for(user), name=name, national_id=nid, passport_number=passport,
                             directory=people.Directory(session))
    audit_trail.record(user, request, "search.people",
                       detail={**detail, "hits": page.total, "cases": sum(len(c.cases) for c in page.items)})
    return page


@router.get("/{person_id}", response_model=PersonPublic, operation_id="get_person")
def get_person(person_id: RowId, user: CurrentUser, session: SessionDep, request: Request) -> PersonPublic:
    refuse_if_blind(user, request, "person.read", {"person_id": person_id})
    return audit_trail.audited(user, request, "person.read", {"person_id": person_id},
                               lambda: service.person_public(session, user, person_id),
                               adds=lambda found: {"parties": len(found.parties)})


def decided(user: Actor, request: Request, session: Session, action: str, detail: dict[str, Any],
            decide: Callable[[], DecisionResult]) -> DecisionResult:
    """Run a decision (api.people.service): the outcome audited, refused ones included; the decision itself is
    kept with who took it and why (store.people)."""
    try:
        result = decide()
        session.commit()
    except Refusal as error:
        session.rollback()
        audit_trail.record(user, request, action, outcome=audit_trail.refused(error), detail=detail)
        raise
    audit_trail.record(user, request, action, detail={**detail, "decision_id": result.decision.id,
                                                      "new_person_id": result.new_person_id})
    return result


@router.post("/{person_id}/merges", status_code=201, response_model=DecisionResult, operation_id="merge_people")
def merge_people(person_id: RowId, body: MergeCreate, user: CurrentUser, session: SessionDep,
                 request: Request) -> DecisionResult:
    return decided(user, request, session, "person.merge", {"person_id": person_id,
                                                            "other_person_id": body.other_person_id},
                   lambda: service.merge(session, user, person_id, body.other_person_id, body.reason))


@router.post("/{person_id}/unmerges", status_code=201, response_model=DecisionResult, operation_id="unmerge_people")
def unmerge_people(person_id: RowId, body: UnmergeCreate, user: CurrentUser, session: SessionDep,
                   request: Request) -> DecisionResult:
    return decided(user, request, session, "person.unmerge", {"person_id": person_id,
                                                              "merged_person_id": body.merged_person_id},
                   lambda: service.unmerge(session, user, person_id, body.merged_person_id, body.reason))


@router.post("/{person_id}/links", status_code=201, response_model=DecisionResult, operation_id="link_party")
def link_party(person_id: RowId, body: LinkCreate, user: CurrentUser, session: SessionDep,
               request: Request) -> DecisionResult:
    return decided(user, request, session, "person.link", {"person_id": person_id, "case_id": body.case_id,
                                                           "party_id": body.party_id},
                   lambda: service.link(session, user, person_id, body, body.reason))


@router.post("/{person_id}/splits", status_code=201, response_model=DecisionResult, operation_id="split_person")
def split_person(person_id: RowId, body: SplitCreate, user: CurrentUser, session: SessionDep,
                 request: Request) -> DecisionResult:
    detail = {"person_id": person_id, "parties": [[p.case_id, p.party_id] for p in body.parties]}
    return decided(user, request, session, "person.split", detail,
                   lambda: service.split(session, user, person_id, body.parties, body.reason))
