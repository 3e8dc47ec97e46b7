"""The criminal record: a records officer looks up a person's entries, records rehabilitation orders and removals
(a quashed judgment, an amnesty), through api.records.service like the web's pages."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import audit_trail
from api.certificates.schemas import (
    RecordPage,
    RehabilitationCreate,
    RehabilitationPublic,
    RemovalCreate,
    RemovalPublic,
)
from api.deps import CurrentUser, SessionDep
from api.params import RowId
from api.records import service
from config.rules import record_rules
from core.refusal import Refusal
from core.vocabulary import RecordRemovalGround

router = APIRouter(prefix="/api/v1/criminal-records", tags=["criminal records"])


@router.get("", response_model=RecordPage, operation_id="list_criminal_records")
def list_criminal_records(user: CurrentUser, session: SessionDep, request: Request,
                          national_id: Annotated[str, Query(pattern=r"^\d{12}$")]) -> RecordPage:
    service.require_officer(user.roles)
    items = service.entries_of(session, national_id)
    audit_trail.record(user, request, "criminal_record.read", detail={"national_id": national_id, "hits": len(items)})
    return RecordPage(items=items)


@router.post("/{record_id}/rehabilitation", status_code=201, response_model=RehabilitationPublic,
             operation_id="record_rehabilitation")
def create_rehabilitation(record_id: RowId, body: RehabilitationCreate, user: CurrentUser, session: SessionDep,
                          request: Request) -> RehabilitationPublic:
    """رد الاعتبار: from now on, certificates leave this conviction off."""
    detail = {"record_id": record_id, "order_number": body.order_number}
    try:
        service.require_officer(user.roles)
        order = service.rehabilitate(session, record_id, order_number=body.order_number, ordered_at=body.ordered_at,
                                     court=body.court, note=body.note, recorded_by=user.username)
    except Refusal as error:
        audit_trail.record(user, request, "criminal_record.rehabilitate", outcome=audit_trail.refused(error),
                           detail=detail)
        raise
    session.commit()
    audit_trail.record(user, request, "criminal_record.rehabilitate", case_id=None, detail=detail)
    return RehabilitationPublic(id=order.id, record_id=order.record_id, order_number=order.order_number,
                                ordered_at=order.ordered_at, court=order.court, recorded_by=order.recorded_by,
                                recorded_at=order.recorded_at)


@router.post("/{record_id}/removal", status_code=201, response_model=RemovalPublic, operation_id="remove_record_entry")
def create_removal(record_id: RowId, body: RemovalCreate, user: CurrentUser, session: SessionDep,
                   request: Request) -> RemovalPublic:
    """A judgment quashed after it was final, or a general amnesty: the entry leaves every certificate from now
    on; the ground and its reference stay on the record."""
    detail = {"record_id": record_id, "ground": body.ground.value, "reference": body.reference}
    try:
        service.require_officer(user.roles)
        removal = service.remove(session, record_id, ground=body.ground, reference=body.reference,
                                 decided_at=body.decided_at, authority=body.authority, note=body.note,
                                 recorded_by=user.username)
    except Refusal as error:
        audit_trail.record(user, request, "criminal_record.remove", outcome=audit_trail.refused(error), detail=detail)
        raise
    session.commit()
    audit_trail.record(user, request, "criminal_record.remove", case_id=None, detail=detail)
    return RemovalPublic(id=removal.id, record_id=removal.record_id, ground=RecordRemovalGround(removal.ground),
                         reference=removal.reference, decided_at=removal.decided_at, authority=removal.authority,
                         recorded_by=removal.recorded_by, recorded_at=removal.recorded_at)


@router.get("/rules", operation_id="get_record_rules")
def get_record_rules(user: CurrentUser) -> dict[str, Any]:
    """The rule table in force: which categories a certificate lists, when an entry lapses, and the disclosure
    rules (juvenile, sealed, quashed, amnesty), each with its source and whether it is still to be verified."""
    rules = record_rules()
    return {"version": rules.version, "categories": [asdict(rule) for rule in rules.rules.values()],
            "disclosure": [asdict(rule) for rule in rules.disclosure.values()]}
