"""The criminal record in the web: a records officer looks up a national ID's entries, sees what became of each
(juvenile, sealed, rehabilitated, removed with its ground) and records a court's rehabilitation order or a removal
(a quashed judgment, an amnesty), each with its reference. Everything goes through api.records.service and is
audited like its REST twin (api.records.router), with `via: web`."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import audit_trail
from api.certificates.schemas import RehabilitationCreate, RemovalCreate
from api.deps import SessionDep
from api.records import service
from api.web.forms import FormError
from api.web.pages import Page, error_page, form_values, page_for, posted_form
from api.web.roles import CRIMINAL_RECORDS
from core.clocks import TRIPOLI
from core.refusal import Refusal
from core.text import check_national_id
from core.vocabulary import RecordRemovalGround

router = APIRouter(prefix=CRIMINAL_RECORDS, include_in_schema=False)
FORMS = ("removal", "rehabilitation")
DONE = {"removal": ("The entry has been removed from the record, with its ground.", "رُفع القيد من السجل مع سببه."),
        "rehabilitation": ("The rehabilitation order has been recorded.", "سُجل أمر رد الاعتبار.")}
#: each form's fields, with the message shown beside a field left empty or wrong
FIELD_ERRORS = {
    "ground": ("Choose the ground: a quashed judgment or an amnesty.", "اختر السبب: إلغاء الحكم أو العفو الشامل."),
    "reference": ("Write the reference: the judgment's or the amnesty law's number.",
                  "اكتب المرجع: رقم الحكم أو قانون العفو."),
    "authority": ("Write the court or authority that decided it.", "اكتب المحكمة أو الجهة التي قررته."),
    "decided_on": ("Give the date it was decided, not in the future.", "أدخل تاريخ القرار، ولا يكون في المستقبل."),
    "order_number": ("Write the order's number.", "اكتب رقم الأمر."),
    "court": ("Write the court that ordered it.", "اكتب المحكمة التي أصدرته."),
    "ordered_on": ("Give the date of the order, not in the future.", "أدخل تاريخ الأمر، ولا يكون في المستقبل."),
}


def _day(value: str) -> datetime | None:
    """A date typed in a form, as the start of that day in Tripoli; None when empty, malformed or in the future."""
    try:
        day = datetime.combine(datetime.strptime(value.strip(), "%Y-%m-%d").date(), time(0), tzinfo=TRIPOLI)
    except ValueError:
        return None
    return day if day <= datetime.now(TRIPOLI) else None


def _errors(page: Page, fields: list[str]) -> list[FormError]:
    return [FormError.of(page.language, *FIELD_ERRORS[f], f) for f in fields]


def _page(page: Page, db: Session, national_id: str, *, status: int = 200, open_form: tuple[str, int] | None = None,
          values: dict[str, str] | None = None, errors: list[FormError] | None = None, done: str | None = None,
          error: str | None = None) -> HTMLResponse:
    entries = service.entries_of(db, national_id) if national_id else None
    errors = errors or []
    return page.render("records.html", status=status, national_id=national_id, entries=entries,
                       open_form=open_form, values=values or {}, errors=errors,
                       error_for={e.field: e.message for e in errors if e.field}, error=error,
                       done=DONE[done][1 if page.language == "ar" else 0] if done in DONE else None,
                       grounds=list(RecordRemovalGround))


@router.get("")
async def records_page(request: Request, db: SessionDep, national_id: str = "", done: str | None = None
                       ) -> HTMLResponse:
    page = await page_for(request, db)
    try:
        service.require_officer(page.actor.roles)
    except Refusal as refusal:
        return error_page(page, refusal)
    typed = national_id.strip()
    if not typed:
        return _page(page, db, "")
    try:
        nid = check_national_id(typed) or ""
    except Refusal as refusal:
        return _page(page, db, "", status=422, error=refusal.message(page.language))
    response = _page(page, db, nid, done=done)
    audit_trail.record(page.actor, request, "criminal_record.read", detail={"national_id": nid, "via": "web"})
    return response


#: a model's field as the form names it
FORM_FIELD = {"decided_at": "decided_on", "ordered_at": "ordered_on"}


def _body(kind: str, form: dict[str, str]) -> RemovalCreate | RehabilitationCreate:
    """The posted form as the API's own model; ValueError naming every field at fault."""
    if kind == "removal":
        decided_at = _day(form.get("decided_on", ""))
        wrong = [f for f in ("ground", "reference", "authority") if not form.get(f, "").strip()]
        if form.get("ground") and form["ground"] not in tuple(RecordRemovalGround):
            wrong.insert(0, "ground")
        wrong += [] if decided_at else ["decided_on"]
    else:
        ordered_at = _day(form.get("ordered_on", ""))
        wrong = [f for f in ("order_number", "court") if not form.get(f, "").strip()]
        wrong += [] if ordered_at else ["ordered_on"]
    if wrong:
        raise ValueError(*wrong)
    try:
        if kind == "removal":
            assert decided_at is not None
            return RemovalCreate(ground=RecordRemovalGround(form["ground"]), reference=form["reference"],
                                 decided_at=decided_at, authority=form["authority"], note=form.get("note", ""))
        assert ordered_at is not None
        return RehabilitationCreate(order_number=form["order_number"], ordered_at=ordered_at, court=form["court"],
                                    note=form.get("note", ""))
    except ValidationError as error:
        fields = {FORM_FIELD.get(str(e["loc"][0]), str(e["loc"][0])) for e in error.errors()}
        raise ValueError(*[f for f in FIELD_ERRORS if f in fields]) from None


async def _record(request: Request, db: Session, record_id: int, kind: str) -> Response:
    page = await page_for(request, db)
    form = form_values(await posted_form(request, page))
    try:
        national_id = check_national_id(form.get("national_id", "")) or ""
    except Refusal:
        national_id = ""
    action = "criminal_record.remove" if kind == "removal" else "criminal_record.rehabilitate"
    detail: dict[str, object] = {"record_id": record_id, "via": "web"}
    try:
        service.require_officer(page.actor.roles)
        body = _body(kind, form)
        if isinstance(body, RemovalCreate):
            detail |= {"ground": body.ground.value, "reference": body.reference}
            service.remove(db, record_id, ground=body.ground, reference=body.reference, decided_at=body.decided_at,
                           authority=body.authority, note=body.note, recorded_by=page.actor.username)
        else:
            detail |= {"order_number": body.order_number}
            service.rehabilitate(db, record_id, order_number=body.order_number, ordered_at=body.ordered_at,
                                 court=body.court, note=body.note, recorded_by=page.actor.username)
    except ValueError as wrong:  # the form itself is wrong: every field at fault at once, nothing recorded
        return _page(page, db, national_id, status=422, open_form=(kind, record_id), values=form,
                     errors=_errors(page, [str(f) for f in wrong.args]))
    except Refusal as refusal:
        db.rollback()
        await audit_trail.record_async(page.actor, request, action, outcome=audit_trail.refused(refusal),
                                       detail=detail)
        if refusal.status == 403:
            return error_page(page, refusal)
        return _page(page, db, national_id, status=refusal.status, open_form=(kind, record_id), values=form,
                     errors=[FormError.of(page.language, refusal.message_en, refusal.message_ar, None)])
    db.commit()
    await audit_trail.record_async(page.actor, request, action, detail=detail)
    return RedirectResponse(f"{CRIMINAL_RECORDS}?national_id={national_id}&done={kind}", status_code=303)


@router.post("/{record_id}/removal")
async def removal(record_id: int, request: Request, db: SessionDep) -> Response:
    return await _record(request, db, record_id, "removal")


@router.post("/{record_id}/rehabilitation")
async def rehabilitation(record_id: int, request: Request, db: SessionDep) -> Response:
    return await _record(request, db, record_id, "rehabilitation")


@router.get("/{record_id}/removal")
@router.get("/{record_id}/rehabilitation")
def form_address(record_id: int) -> RedirectResponse:
    """A form's address opened as a page (the language switched after a refused form, a bookmark): the lookup."""
    return RedirectResponse(CRIMINAL_RECORDS, status_code=303)
