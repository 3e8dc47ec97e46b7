"""The criminal record's one path for the REST API (api.records.router) and the web (api.web.record_pages): a
records officer reads a person's entries and records a rehabilitation order or a removal (a quashed judgment, an
amnesty), each with its reference. Refusals carry their code and both languages; the callers audit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from api.certificates.schemas import RecordPublic
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

NOT_AN_OFFICER = Refusal("forbidden_role", 403, "only a records officer may do this",
                         "هذا من اختصاص موظف السجل الجنائي")
NOT_FOUND = Refusal("record_not_found", 404, "no such record entry", "قيد السوابق غير موجود")
ALREADY_REHABILITATED = Refusal("already_rehabilitated", 409, "this entry already has a rehabilitation order",
                                "صدر لهذا القيد أمر برد الاعتبار من قبل")
ALREADY_REMOVED = Refusal("already_removed", 409, "this entry has already been removed from the record",
                          "رُفع هذا القيد من السجل من قبل")


def require_officer(roles: list[str] | tuple[str, ...]) -> None:
    if not may(roles, Capability.keep_criminal_records):
        raise NOT_AN_OFFICER


def entries_of(session: Session, national_id: str) -> list[RecordPublic]:
    """The entries of this national ID's person record, with what has become of each."""
    rows = session.execute(
        select(CriminalRecord, Case.number, AgencyRow, RehabilitationOrder.id, RecordRemoval.ground)
        .join(Case, Case.id == CriminalRecord.case_id)
        .outerjoin(AgencyRow, AgencyRow.code == CriminalRecord.court)
        .outerjoin(RehabilitationOrder, RehabilitationOrder.record_id == CriminalRecord.id)
        .outerjoin(RecordRemoval, RecordRemoval.record_id == CriminalRecord.id)
        .where(tuple_(CriminalRecord.case_id, CriminalRecord.party_id).in_(records_of(session, national_id)))
        .order_by(CriminalRecord.final_at))
    return [RecordPublic(
        record_id=r.id, case_id=r.case_id, case_number=number, name=r.name, national_id=r.national_id,
        offence=r.offence, category=r.category, sentence=r.sentence, court=r.court,
        court_name_ar=court.name_ar if court else r.court, court_name_en=court.name_en if court else r.court,
        final_at=r.final_at, rehabilitated=order_id is not None, juvenile=bool(r.juvenile),
        sealed=r.sensitivity == Sensitivity.sealed, removed=RecordRemovalGround(ground) if ground else None)
        for r, number, court, order_id, ground in rows]


def rehabilitate(session: Session, record_id: int, *, order_number: str, ordered_at: datetime, court: str,
                 note: str, recorded_by: str) -> RehabilitationOrder:
    try:
        return record_rehabilitation(session, record_id, order_number=order_number, ordered_at=ordered_at,
                                     court=court, note=note, recorded_by=recorded_by)
    except RecordNotFound:
        raise NOT_FOUND from None
    except AlreadyRehabilitated:
        raise ALREADY_REHABILITATED from None


def remove(session: Session, record_id: int, *, ground: RecordRemovalGround, reference: str, decided_at: datetime,
           authority: str, note: str, recorded_by: str) -> RecordRemoval:
    try:
        return remove_record_entry(session, record_id, ground=ground, reference=reference, decided_at=decided_at,
                                   authority=authority, note=note, recorded_by=recorded_by)
    except RecordNotFound:
        raise NOT_FOUND from None
    except AlreadyRemoved:
        raise ALREADY_REMOVED from None
