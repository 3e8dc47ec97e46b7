"""The criminal record: a records officer looks up a person's entries and records rehabilitation orders."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select, tuple_

from api import audit_trail
from api.certificates.schemas import (
    RecordPage,
    RecordPublic,
    RehabilitationCreate,
    RehabilitationPublic,
    RemovalCreate,
    RemovalPublic,
)
from api.deps import CurrentUser, SessionDep
from api.params import RowId
from config.rules import record_rules
from core.refusal import Refusal
from core.roles import Capability, may
from core.vocabulary import RecordRemovalGround, Sensitivity
from store.models import AgencyRow, Case, CriminalRecord, RecordRemoval, RehabilitationOrder
from store.people import records_of
from store.records import (
    AlreadyRehabilitated,
    AlreadyRemoved,
    RecordNotFound,
    record_rehabilitation,
    remove_record_entry,
)

router = APIRouter(prefix="/api/v1/criminal-records", tags=["criminal records"])


def _require_officer(user: CurrentUser) -> None:
    if not may(user.roles, Capability.keep_criminal_records):
        raise Refusal("forbidden_role", 403, "only a records officer may do this", "هذا من اختصاص موظف السجل الجنائي")


@router.get("", response_model=RecordPage, operation_id="list_criminal_records")
def list_criminal_records(user: CurrentUser, session: SessionDep, request: Request,
                          national_id: Annotated[str, Query(pattern=r"^\d{12}$")]) -> RecordPage:
    _require_officer(user)
    rows = session.execute(
        select(CriminalRecord, Case.number, AgencyRow, RehabilitationOrder.id, RecordRemoval.ground)
        .join(Case, Case.id == CriminalRecord.case_id)
        .outerjoin(AgencyRow, AgencyRow.code == CriminalRecord.court)
        .outerjoin(RehabilitationOrder, RehabilitationOrder.record_id == CriminalRecord.id)
        .outerjoin(RecordRemoval, RecordRemoval.record_id == CriminalRecord.id)
        .where(tuple_(CriminalRecord.case_id, CriminalRecord.party_id).in_(records_of(session, national_id)))
        .order_by(CriminalRecord.final_at))
    items = [RecordPublic(
        record_id=r.id, case_id=r.case_id, case_number=number, name=r.name, national_id=r.national_id,
        offence=r.offence, category=r.category, sentence=r.sentence, court=r.court,
        court_name_ar=court.name_ar if court else r.court, court_name_en=court.name_en if court else r.court,
        final_at=r.final_at, rehabilitated=order_id is not None, juvenile=bool(r.juvenile),
        sealed=r.sensitivity == Sensitivity.sealed, removed=RecordRemovalGround(ground) if ground else None)
        for r, number, court, order_id, ground in rows]
    audit_trail.record(user, request, "criminal_record.read", detail={"national_id": national_id, "hits": len(items)})
    return RecordPage(items=items)


@router.post("/{record_id}/rehabilitation", status_code=201, response_model=RehabilitationPublic,
             operation_id="record_rehabilitation")
def create_rehabilitation(record_id: RowId, body: RehabilitationCreate, user: CurrentUser, session: SessionDep,
                          request: Request) -> RehabilitationPublic:
    """رد الاعتبار: from now on, certificates leave this conviction off."""
    detail = {"record_id": record_id, "order_number": body.order_number}
    try:
        _require_officer(user)
        order = record_rehabilitation(session, record_id, order_number=body.order_number,
                                      ordered_at=body.ordered_at, court=body.court, note=body.note,
                                      recorded_by=user.username)
    except RecordNotFound:
        audit_trail.record(user, request, "criminal_record.rehabilitate", outcome="refused:record_not_found",
                           detail=detail)
        raise Refusal("record_not_found", 404, "no such record entry", "قيد السوابق غير موجود") from None
    except AlreadyRehabilitated:
        audit_trail.record(user, request, "criminal_record.rehabilitate", outcome="refused:already_rehabilitated",
                           detail=detail)
        raise Refusal("already_rehabilitated", 409, "this entry already has a rehabilitation order",
                      "صدر لهذا القيد أمر برد الاعتبار من قبل") from None
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
        _require_officer(user)
        removal = remove_record_entry(session, record_id, ground=body.ground, reference=body.reference,
                                      decided_at=body.decided_at, authority=body.authority, note=body.note,
                                      recorded_by=user.username)
    except RecordNotFound:
        audit_trail.record(user, request, "criminal_record.remove", outcome="refused:record_not_found", detail=detail)
        raise Refusal("record_not_found", 404, "no such record entry", "قيد السوابق غير موجود") from None
    except AlreadyRemoved:
        audit_trail.record(user, request, "criminal_record.remove", outcome="refused:already_removed", detail=detail)
        raise Refusal("already_removed", 409, "this entry has already been removed from the record",
                      "رُفع هذا القيد من السجل من قبل") from None
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
