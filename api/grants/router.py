"""Explicit grants: a chief prosecutor or a supervisor who may see a case lets another agency see it
(sealed cases included: DOMAIN.md, `sensitivity`), and may take the grant back. Audited; the search
document follows at once."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import audit_trail
from api.cases.service import visible_case
from api.deps import CurrentUser, SessionDep
from api.grants.schemas import GrantCreate, GrantPublic
from core.case import Actor
from core.refusal import Refusal
from core.roles import Capability, may
from search.indexing import index_from_read_model
from store.access import bump_access_revision, granted_agencies
from store.models import AgencyRow, CaseGrant

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def _check_granter(user: Actor, case_id: str, session: Session) -> None:
    if not may(user.roles, Capability.grant_case_access):
        raise Refusal("forbidden_role", 403, "only a chief prosecutor or a supervisor grants or revokes access",
                      "منح الاطلاع وسحبه من صلاحية رئيس النيابة أو المشرف")
    visible_case(user, case_id, session)  # one grants only what one may see


def _public(grant: CaseGrant) -> GrantPublic:
    return GrantPublic(case_id=grant.case_id, agency=grant.agency_code, granted_by=grant.granted_by,
                       granted_at=grant.granted_at, reason=grant.reason)


@router.get("/{case_id}/grants", response_model=list[GrantPublic], operation_id="list_grants")
def list_grants(case_id: str, user: CurrentUser, session: SessionDep, request: Request) -> list[GrantPublic]:
    visible_case(user, case_id, session)
    audit_trail.record(user, request, "case.grants.read", case_id=case_id,
                       detail={"agencies": granted_agencies(session, case_id)})
    return [_public(g) for g in session.scalars(select(CaseGrant).where(CaseGrant.case_id == case_id)
                                                .order_by(CaseGrant.agency_code))]


@router.post("/{case_id}/grants", status_code=201, response_model=GrantPublic, operation_id="grant_case_access")
def grant_access(case_id: str, body: GrantCreate, user: CurrentUser, session: SessionDep,
                 request: Request) -> GrantPublic:
    detail = {"agency": body.agency, "reason": body.reason}
    try:
        _check_granter(user, case_id, session)
        if session.get(AgencyRow, body.agency) is None:
            raise Refusal("unknown_agency", 422, f"no agency {body.agency}", "جهة غير معروفة", "agency")
    except Refusal as error:
        audit_trail.record(user, request, "case.grant", case_id=case_id, outcome=audit_trail.refused(error),
                           detail=detail)
        raise
    grant = session.get(CaseGrant, (case_id, body.agency))
    if grant is None:
        grant = CaseGrant(case_id=case_id, agency_code=body.agency, granted_by=user.username,
                          granted_at=datetime.now(UTC), reason=body.reason)
        session.add(grant)
        bump_access_revision(session, case_id)
    session.commit()
    index_from_read_model(case_id)  # the grant widens the document's access fields now, not at the next event
    audit_trail.record(user, request, "case.grant", case_id=case_id, detail=detail)
    return _public(grant)


@router.delete("/{case_id}/grants/{agency}", status_code=204, operation_id="revoke_case_access")
def revoke_access(case_id: str, agency: str, user: CurrentUser, session: SessionDep, request: Request) -> Response:
    """The agency no longer sees the case through this grant (it still does if it held the case itself)."""
    try:
        _check_granter(user, case_id, session)
        grant = session.get(CaseGrant, (case_id, agency))
        if grant is None:
            raise Refusal("grant_not_found", 404, f"agency {agency} holds no grant on this case",
                          "لا تملك هذه الجهة إذناً بالاطلاع على القضية")
    except Refusal as error:
        audit_trail.record(user, request, "case.revoke", case_id=case_id, outcome=audit_trail.refused(error),
                           detail={"agency": agency})
        raise
    granted_by = grant.granted_by
    session.delete(grant)
    bump_access_revision(session, case_id)
    session.commit()
    index_from_read_model(case_id)  # the document's access fields narrow now, not at the next event
    audit_trail.record(user, request, "case.revoke", case_id=case_id,
                       detail={"agency": agency, "granted_by": granted_by})
    return Response(status_code=204)
