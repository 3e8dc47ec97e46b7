"""People in the web: an investigator finds a person across agencies and scripts, opens their record (the parties
of the cases they may see, the records merged into it, what people decided about it) and, with the right role,
decides: these records are one person, this merge was wrong, this party is this person, these parties are
someone else. Every read and decision goes through api.people.service and is audited like its REST twin
(api.people.router), with `via: web`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api import audit_trail
from api.deps import SessionDep
from api.people import service
from api.people.schemas import DecisionResult, PartyRef
from api.web.forms import FormError
from api.web.pages import Page, error_page, form_values, page_for, posted_form
from core.access import viewer_for
from core.refusal import Refusal, invalid
from core.roles import Capability, may
from core.text import check_national_id, check_passport_number, clean_text
from search.client import get_client as get_search_client
from search.results import PeoplePage
from search.service import search_people as run_people_search
from store import people
from store.directory import display_names

PEOPLE_PATH = "/web/people"
router = APIRouter(prefix=PEOPLE_PATH, include_in_schema=False)
DECISIONS = ("merge", "unmerge", "link", "split")
NO_SEARCH = Refusal("forbidden_role", 403, "your role may not search case files",
                    "لا يسمح دورك بالبحث في ملفات القضايا")


@router.get("")
async def people_search(request: Request, db: SessionDep, name: str = "", national_id: str = "",
                        passport_number: str = "") -> HTMLResponse:
    page = await page_for(request, db)
    if not page.offers.search:
        return error_page(page, NO_SEARCH)
    results: PeoplePage | None = None
    failed, error = False, None
    detail: dict[str, object] = {"name": name, "national_id": national_id, "passport_number": passport_number,
                                 "via": "web"}
    if name.strip() or national_id.strip() or passport_number.strip():
        try:
            nid = check_national_id(national_id) or ""
            passport = check_passport_number(passport_number) or ""
            results = run_people_search(get_search_client(), viewer_for(page.actor), name=name.strip()[:200],
                                        national_id=nid, passport_number=passport, directory=people.Directory(db))
        except Refusal as refusal:
            error = refusal.message(page.language)
        except Exception:  # the index being down must not take the page down with it
            failed = True
        audit_trail.record(page.actor, request, "search.people", outcome="error" if failed or error else "ok",
                           detail={**detail, "hits": results.total if results else 0})
    return page.render("people.html", name=name, national_id=national_id, passport_number=passport_number,
                       results=results, failed=failed, error=error)


def _record_page(page: Page, db: Session, person_id: int, *, status: int = 200, errors: list[FormError] | None = None,
                 done: str | None = None, open_form: str | None = None,
                 values: dict[str, str] | None = None) -> HTMLResponse:
    try:
        record = service.person_public(db, page.actor, person_id)
    except Refusal as refusal:
        audit_trail.record(page.actor, page.request, "person.read", outcome=audit_trail.refused(refusal),
                           detail={"person_id": person_id, "via": "web"})
        return error_page(page, refusal)
    audit_trail.record(page.actor, page.request, "person.read",
                       detail={"person_id": person_id, "parties": len(record.parties), "via": "web"})
    return page.render("person.html", status=status, record=record, errors=errors or [], done=done,
                       may_decide=may(page.actor.roles, Capability.decide_identities), open_form=open_form,
                       values=values or {}, names=display_names(db, [d.decided_by for d in record.decisions]))


@router.get("/{person_id}")
async def person_page(person_id: int, request: Request, db: SessionDep, done: str | None = None) -> HTMLResponse:
    page = await page_for(request, db)
    if not page.offers.search:
        return error_page(page, NO_SEARCH)
    return _record_page(page, db, person_id, done=done if done in DECISIONS else None)


def _reason(values: dict[str, str]) -> str:
    reason = clean_text(values.get("reason", ""), "reason", prose=True, max_length=2000)
    if len(reason) < 3:
        raise invalid("reason", "write why, in 3 characters or more", "اكتب السبب في ثلاثة أحرف على الأقل",
                      "reason_required")
    return reason


def _person_number(values: dict[str, str], name: str) -> int:
    value = values.get(name, "").strip()
    if not value.isdigit() or len(value) > 18 or int(value) < 1:
        raise invalid(name, "give a person record's number", "أدخل رقم سجل الشخص", "invalid_person_id")
    return int(value)


def _decide(db: Session, page: Page, person_id: int, decision: str, values: dict[str, str]) -> DecisionResult:
    reason = _reason(values)
    actor = page.actor
    if decision == "merge":
        return service.merge(db, actor, person_id, _person_number(values, "other_person_id"), reason)
    if decision == "unmerge":
        return service.unmerge(db, actor, person_id, _person_number(values, "merged_person_id"), reason)
    if decision == "link":
        ref = PartyRef(case_id=clean_text(values.get("case_id", ""), "case_id", max_length=64),
                       party_id=clean_text(values.get("party_id", ""), "party_id", max_length=16))
        return service.link(db, actor, person_id, ref, reason)
    chosen = [key.removeprefix("party:") for key, value in values.items() if key.startswith("party:") and value]
    refs = [PartyRef(case_id=c, party_id=p) for c, _, p in (key.rpartition("/") for key in chosen)]
    if not refs:
        raise invalid("parties", "tick the parties that are another person", "اختر الأطراف التي تخص شخصاً آخر",
                      "parties_required")
    return service.split(db, actor, person_id, refs, reason)


@router.post("/{person_id}/{decision}")
async def person_decision(person_id: int, decision: str, request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    values = form_values(await posted_form(request, page))
    detail: dict[str, object] = {"person_id": person_id, "via": "web",
                                 **{k: v for k, v in values.items() if k != "reason"}}
    action = f"person.{decision}"
    try:
        if decision not in DECISIONS:
            raise Refusal("unknown_decision", 404, "no such decision", "قرار غير معروف")
        result = await run_in_threadpool(_decide, db, page, person_id, decision, values)
        db.commit()
    except Refusal as refusal:
        db.rollback()
        audit_trail.record(page.actor, request, action, outcome=audit_trail.refused(refusal), detail=detail)
        failure = FormError.of(page.language, refusal.message_en, refusal.message_ar, refusal.field)
        return _record_page(page, db, person_id, status=refusal.status, errors=[failure], open_form=decision,
                            values=values)
    audit_trail.record(page.actor, request, action, detail={**detail, "decision_id": result.decision.id,
                                                            "new_person_id": result.new_person_id})
    return RedirectResponse(f"{PEOPLE_PATH}/{result.person_id}?done={decision}", status_code=303)
