"""The criminal-status certificate in the web: a citizen requests one, follows their requests and
downloads the PDF; a records officer works the review queue and issues (listing the findings they
choose) or rejects with a reason; an auditor reads. Every read and decision goes through
api.certificates.service and is audited like its REST twin (api.certificates.router), with
`via: web`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from temporalio.client import Client

from api import audit_trail
from api.certificates import service
from api.certificates.schemas import CertificateCreate, CertificatePublic, CertificateReject, CertificateReview
from api.deps import SessionDep, TemporalDep
from api.web.forms import FormError
from api.web.pages import (
    Page,
    consume_stash,
    error_page,
    no_store,
    page_for,
    posted_form,
    restore_stash,
)
from api.web.roles import MY_CERTIFICATES, REVIEW_QUEUE
from core.refusal import Refusal
from workflows.messages import ReviewApproval, ReviewDecision

router = APIRouter(prefix=MY_CERTIFICATES, include_in_schema=False)

CERTIFICATES_PATH = MY_CERTIFICATES
ISSUE, REJECT = "issue", "reject"  # the decision forms' addresses: api.web.pages.FORM_PATH_SUFFIXES knows them
APPROVE, DECLINE = "approve", "decline"  # the second officer's answers (four eyes), likewise
FORMS = (ISSUE, REJECT, APPROVE, DECLINE)
DONE = ("requested", "issued", "rejected", "proposed", "approved", "declined")
OMISSION_PREFIX = "omission-"  # an issue form's ground for leaving the finding with this record id off

NOT_A_CITIZEN = Refusal("forbidden_role", 403, "only a citizen asks for their own certificate",
                        "يطلب المواطن شهادته بنفسه")
PURPOSE_ERROR = ("Write what the certificate is for, in 2 to 300 characters.",
                 "اكتب الغرض من الشهادة، من حرفين إلى 300 حرف.")
REASON_ERROR = ("Write the reason for the rejection, in 3 to 1000 characters: the citizen will read it.",
                "اكتب سبب الرفض، من 3 أحرف إلى 1000 حرف: سيطلع عليه المواطن.")
BAD_SELECTION = Refusal("invalid_field", 422, "the listed findings are not valid; reload the page",
                        "السوابق المختارة غير صالحة؛ أعد تحميل الصفحة", "record_ids")


def _requester(page: Page) -> service.Requester:
    return service.requester(page.actor, page.session.user)


def _form_error(page: Page, messages: tuple[str, str], field: str) -> FormError:
    return FormError.of(page.language, messages[0], messages[1], field)


def _refusal_error(page: Page, error: Refusal) -> FormError:
    return FormError.of(page.language, error.message_en, error.message_ar, error.field)


# ------------------------------------------------------------------------------------- a citizen's requests


def _my_certificates(page: Page, db: Session, *, status: int = 200, values: dict[str, str] | None = None,
                     errors: list[FormError] | None = None, restored: bool = False) -> HTMLResponse:
    rows = service.own_certificates(_requester(page), db)
    errors = errors or []
    return page.render("certificates.html", status=status, items=[service.certificate_public(r) for r in rows],
                       values=values or {}, errors=errors, error_for={e.field: e.message for e in errors if e.field},
                       restored=restored)


@router.get("")
async def my_certificates(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.my_certificates:
        if page.offers.certificate_requests:
            return RedirectResponse(REVIEW_QUEUE, status_code=303)
        return error_page(page, NOT_A_CITIZEN)
    stash, key = restore_stash(request, request.url.path)
    values = dict(stash.items) if stash else None
    return consume_stash(_my_certificates(page, db, values=values, restored=stash is not None), key)


@router.post("")
async def request_certificate(request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    page = await page_for(request, db)
    form = await posted_form(request, page)
    if not page.offers.my_certificates:
        await audit_trail.record_async(page.actor, request, "certificate.request",
                                       outcome=f"refused:{NOT_A_CITIZEN.code}", detail={"via": "web"})
        return error_page(page, NOT_A_CITIZEN)
    values = {"purpose": str(form.get("purpose", "")).strip(), "english": "true" if form.get("english") else ""}
    try:
        body = CertificateCreate(purpose=values["purpose"], english=bool(values["english"]))
    except ValidationError:
        return _my_certificates(page, db, status=422, values=values,
                                errors=[_form_error(page, PURPOSE_ERROR, "purpose")])
    who = _requester(page)
    try:
        row = await service.request_certificate(who, body, db, temporal)
    except Refusal as error:
        await audit_trail.record_async(page.actor, request, "certificate.request", outcome=audit_trail.refused(error),
                                       detail={"via": "web"})
        return _my_certificates(page, db, status=error.status, values=values, errors=[_refusal_error(page, error)])
    await audit_trail.record_async(page.actor, request, "certificate.request",
                                   detail={"certificate_id": row.id, "status": row.status, "via": "web"})
    return RedirectResponse(f"{CERTIFICATES_PATH}/{row.id}?done=requested", status_code=303)


# ------------------------------------------------------------------------------------- the review queue


@router.get("/reviews")
async def review_queue(request: Request, db: SessionDep) -> HTMLResponse:
    page = await page_for(request, db)
    try:
        rows = service.review_queue(_requester(page), db)
    except Refusal as error:
        audit_trail.record(page.actor, request, "certificate.review_queue", outcome=audit_trail.refused(error),
                           detail={"via": "web"})
        return error_page(page, error)
    audit_trail.record(page.actor, request, "certificate.review_queue", detail={"hits": len(rows), "via": "web"})
    return page.render("certificate_reviews.html", items=[service.certificate_review(r) for r in rows])


# ------------------------------------------------------------------------------------- one request


def _read(page: Page, certificate_id: str, db: Session) -> CertificatePublic | HTMLResponse:
    """The request as this person may see it (the officer's worksheet for readers), audited; or the
    refusal's page."""
    who = _requester(page)
    try:
        row = audit_trail.audited(page.actor, page.request, "certificate.read",
                                  {"certificate_id": certificate_id, "via": "web"},
                                  lambda: service.visible_certificate(who, certificate_id, db))
    except Refusal as error:
        return error_page(page, error)
    return service.certificate_view(who, row)


def _certificate_page(page: Page, item: CertificatePublic, *, status: int = 200, open_form: str | None = None,
                      values: list[tuple[str, str]] | None = None, errors: list[FormError] | None = None,
                      done: str | None = None, restored: bool = False, flagged: list[str] | None = None
                      ) -> HTMLResponse:
    """The request's page; `open_form` (issue, reject, approve, decline) is re-shown with what was posted and why
    it failed (`flagged`: the findings the refusal names)."""
    review = item if isinstance(item, CertificateReview) else None
    posted = values or []
    checked: set[str] | None = {v for k, v in posted if k == "record_ids"} if open_form == ISSUE else None
    if checked is None and review is not None:
        # findings tied to this national ID are listed unless the officer unticks them; name matches are not
        checked = {str(entry.record_id) for entry in review.entries}
    errors = errors or []
    grounds = {k.removeprefix(OMISSION_PREFIX): v for k, v in posted if k.startswith(OMISSION_PREFIX)} \
        if open_form == ISSUE else {}
    grounds.update({f"!{r}": "1" for r in flagged or []})  # the findings a refusal names are marked in their row
    return page.render(
        "certificate.html", status=status, item=item, review=review, open_form=open_form, errors=errors,
        error_for={e.field: e.message for e in errors if e.field}, checked=checked or set(), grounds=grounds,
        reason=next((v for k, v in posted if k == "reason"), "") if open_form in (REJECT, DECLINE) else "",
        may_decide=page.offers.decide_certificates and item.status == "in_review",
        # four eyes: offered to every records officer but the one who left the findings off
        may_approve=page.offers.decide_certificates and item.status == "awaiting_approval" and review is not None
        and review.decided_by != page.actor.username,
        done=done if done in DONE else None, restored=restored)


@router.get("/{certificate_id}")
async def certificate_page(certificate_id: str, request: Request, db: SessionDep, done: str | None = None
                           ) -> HTMLResponse:
    page = await page_for(request, db)
    item = _read(page, certificate_id, db)
    if isinstance(item, HTMLResponse):
        return item
    stash, key = restore_stash(request, request.url.path)
    if stash is not None:
        form = next((f for f in FORMS if stash.action_path.endswith(f"/{f}")), REJECT)
        response = _certificate_page(page, item, open_form=form, values=list(stash.items), restored=True)
        consume_stash(response, key)
        return response
    return _certificate_page(page, item, done=done)


@router.get("/{certificate_id}/pdf")
async def download(certificate_id: str, request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    detail: dict[str, Any] = {"certificate_id": certificate_id, "via": "web"}
    try:
        row = service.visible_certificate(_requester(page), certificate_id, db)
        pdf = await run_in_threadpool(service.issued_pdf, row)
    except Refusal as error:
        audit_trail.record(page.actor, request, "certificate.download", outcome=audit_trail.refused(error),
                           detail=detail)
        return error_page(page, error)
    audit_trail.record(page.actor, request, "certificate.download", detail=detail | {"sha256": row.pdf_sha256})
    filename = f"certificate-{row.verification_code}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers=no_store() | {"Content-Disposition": f'attachment; filename="{filename}"'})


def _record_ids(posted: list[tuple[str, str]]) -> list[int]:
    try:
        return sorted({int(value) for key, value in posted if key == "record_ids"})
    except ValueError:
        raise BAD_SELECTION from None


def _omissions(posted: list[tuple[str, str]], record_ids: list[int]) -> dict[str, str]:
    """The grounds typed beside findings left unticked (a ground beside a ticked one is not an omission)."""
    listed = {str(r) for r in record_ids}
    return {key.removeprefix(OMISSION_PREFIX): value.strip() for key, value in posted
            if key.startswith(OMISSION_PREFIX) and value.strip() and key.removeprefix(OMISSION_PREFIX) not in listed}


async def _decide(request: Request, db: Session, temporal: Client, certificate_id: str, kind: str) -> Response:
    page = await page_for(request, db)
    form = await posted_form(request, page)
    posted = [(k, str(v)) for k, v in form.multi_items() if k != "csrf_token" and isinstance(v, str)]
    actor = page.actor
    try:
        if kind == ISSUE:
            record_ids = _record_ids(posted)
            decision = ReviewDecision(ISSUE, actor.username, list(actor.roles), record_ids=record_ids,
                                      omissions=_omissions(posted, record_ids))
        else:
            reason = next((v for k, v in posted if k == "reason"), "").strip()
            try:
                CertificateReject(reason=reason)
            except ValidationError:
                raise Refusal("invalid_field", 422, *REASON_ERROR, "reason") from None
            decision = ReviewDecision(REJECT, actor.username, list(actor.roles), reason=reason)
    except Refusal as error:  # the form itself is wrong: nothing was sent to the service
        return await _refused_decision(page, db, certificate_id, kind, posted, error)
    detail = {"certificate_id": certificate_id, "kind": kind, "record_ids": decision.record_ids,
              "omissions": decision.omissions, "via": "web"}
    try:
        row = await service.decide(_requester(page), certificate_id, decision, db, temporal)
    except Refusal as error:
        await audit_trail.record_async(actor, request, "certificate.decide", outcome=audit_trail.refused(error),
                                       detail=detail)
        return await _refused_decision(page, db, certificate_id, kind, posted, error)
    await audit_trail.record_async(actor, request, "certificate.decide", detail=detail)
    done = "rejected" if kind == REJECT else "proposed" if row.status == "awaiting_approval" else "issued"
    return RedirectResponse(f"{CERTIFICATES_PATH}/{certificate_id}?done={done}", status_code=303)


async def _answer(request: Request, db: Session, temporal: Client, certificate_id: str, kind: str) -> Response:
    """The second officer's approval, or their decline with a reason (four eyes)."""
    page = await page_for(request, db)
    form = await posted_form(request, page)
    posted = [(k, str(v)) for k, v in form.multi_items() if k != "csrf_token" and isinstance(v, str)]
    reason = next((v for k, v in posted if k == "reason"), "").strip()
    approval = ReviewApproval(page.actor.username, list(page.actor.roles), approve=kind == APPROVE, reason=reason)
    detail = {"certificate_id": certificate_id, "approve": approval.approve, "via": "web"}
    try:
        await service.approve(_requester(page), certificate_id, approval, db, temporal)
    except Refusal as error:
        await audit_trail.record_async(page.actor, request, "certificate.approval",
                                       outcome=audit_trail.refused(error), detail=detail)
        return await _refused_decision(page, db, certificate_id, kind, posted, error)
    await audit_trail.record_async(page.actor, request, "certificate.approval", detail=detail)
    done = "approved" if kind == APPROVE else "declined"
    return RedirectResponse(f"{CERTIFICATES_PATH}/{certificate_id}?done={done}", status_code=303)


async def _refused_decision(page: Page, db: Session, certificate_id: str, kind: str, posted: list[tuple[str, str]],
                            error: Refusal) -> HTMLResponse:
    item = _read(page, certificate_id, db)
    if isinstance(item, HTMLResponse):
        return item
    return _certificate_page(page, item, status=error.status, open_form=kind, values=posted,
                             errors=[_refusal_error(page, error)], flagged=error.details.get("record_ids"))


@router.get("/{certificate_id}/issue")
@router.get("/{certificate_id}/reject")
@router.get("/{certificate_id}/approve")
@router.get("/{certificate_id}/decline")
def decision_address(certificate_id: str) -> RedirectResponse:
    """A decision's address opened as a page (reloaded after a refused form, bookmarked): the request's page."""
    return RedirectResponse(f"{CERTIFICATES_PATH}/{certificate_id}", status_code=303)


@router.post("/{certificate_id}/issue")
async def issue(certificate_id: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    return await _decide(request, db, temporal, certificate_id, ISSUE)


@router.post("/{certificate_id}/reject")
async def reject(certificate_id: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    return await _decide(request, db, temporal, certificate_id, REJECT)


@router.post("/{certificate_id}/approve")
async def approve(certificate_id: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    return await _answer(request, db, temporal, certificate_id, APPROVE)


@router.post("/{certificate_id}/decline")
async def decline(certificate_id: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    return await _answer(request, db, temporal, certificate_id, DECLINE)
