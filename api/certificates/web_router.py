"""Minimal certificate pages (Arabic first): a citizen requests, follows and downloads; a records
officer works the review queue. They call the same service as the REST API.

Who is calling: a bearer token (scripts, tests) or the web's server-side session (api/web), whose
CSRF token every form posted with the session cookie must carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api import audit_trail
from api.auth import InvalidToken, verify_token
from api.certificates import service
from api.certificates.schemas import CertificateCreate
from api.deps import SessionDep, TemporalDep, actor_for
from core.clocks import TRIPOLI
from core.records import last_valid_day
from core.refusal import Refusal
from core.roles import Capability, may
from store.agencies import load_agency_tree
from workflows.messages import ReviewDecision

router = APIRouter(prefix="/certificates", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
templates.env.filters["day"] = lambda at: at.astimezone(TRIPOLI).date().isoformat() if at else ""
templates.env.filters["valid_until"] = lambda at: last_valid_day(at).isoformat() if at else ""

STATUS_AR = {"computing": "قيد الحساب", "in_review": "قيد المراجعة", "issued": "صدرت", "rejected": "رُفض الطلب"}


@dataclass(frozen=True)
class WebCaller:
    who: service.Requester
    csrf: str | None  # set when the caller came with the web session cookie


def _token_and_csrf(request: Request) -> tuple[str, str | None] | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        return token, None
    try:
        from api.web.sessions import SESSION_COOKIE, STORE, unsign
    except ImportError:  # the main web is not installed: bearer tokens only
        return None
    sid = unsign(request.cookies.get(SESSION_COOKIE))
    web_session = STORE.get(sid) if sid else None
    return (web_session.access_token, web_session.csrf) if web_session else None


def _caller(request: Request, session: SessionDep) -> WebCaller | None:
    found = _token_and_csrf(request)
    if found is None:
        return None
    try:
        user = verify_token(found[0])
    except InvalidToken:
        return None
    return WebCaller(service.requester(actor_for(user, load_agency_tree(session)), user), found[1])


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


def _check_csrf(caller: WebCaller, csrf: str) -> None:
    if caller.csrf is not None and csrf != caller.csrf:
        raise Refusal("csrf", 403, "the form is stale; reload the page", "انتهت صلاحية النموذج؛ أعد تحميل الصفحة")


def _page(request: Request, name: str, caller: WebCaller, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"caller": caller, "csrf": caller.csrf or "",
                                                      "status_ar": STATUS_AR, **context}, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def my_certificates(request: Request, session: SessionDep) -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    if may(caller.who.actor.roles, Capability.read_every_certificate):
        return RedirectResponse("/certificates/reviews", status_code=303)
    rows = service.own_certificates(caller.who, session)
    return _page(request, "mine.html", caller, items=[service.certificate_public(r) for r in rows])


@router.post("")
async def request_certificate(request: Request, session: SessionDep, temporal: TemporalDep,
                              purpose: Annotated[str, Form()], csrf: Annotated[str, Form()] = "",
                              english: Annotated[bool, Form()] = False) -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    try:
        _check_csrf(caller, csrf)
        row = await service.request_certificate(caller.who, CertificateCreate(purpose=purpose, english=english),
                                                session, temporal)
    except (Refusal, ValueError) as error:
        message = error.message_ar if isinstance(error, Refusal) else "الغرض مطلوب (حرفان على الأقل)"
        rows = service.own_certificates(caller.who, session)
        return _page(request, "mine.html", caller, status_code=422, error=message,
                     items=[service.certificate_public(r) for r in rows])
    audit_trail.record(caller.who.actor, request, "certificate.request",
                       detail={"certificate_id": row.id, "status": row.status, "via": "web"})
    return RedirectResponse(f"/certificates/{row.id}", status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep) -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    rows = service.review_queue(caller.who, session)
    audit_trail.record(caller.who.actor, request, "certificate.review_queue", detail={"hits": len(rows), "via": "web"})
    return _page(request, "reviews.html", caller, items=[service.certificate_review(r) for r in rows])


@router.get("/{certificate_id}", response_class=HTMLResponse)
def certificate_page(certificate_id: str, request: Request, session: SessionDep) -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    row = service.visible_certificate(caller.who, certificate_id, session)
    audit_trail.record(caller.who.actor, request, "certificate.read", detail={"certificate_id": row.id, "via": "web"})
    officer = may(caller.who.actor.roles, Capability.review_certificates)
    return _page(request, "certificate.html", caller, item=service.certificate_view(caller.who, row), officer=officer)


@router.get("/{certificate_id}/pdf")
def download(certificate_id: str, request: Request, session: SessionDep) -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    row = service.visible_certificate(caller.who, certificate_id, session)
    pdf = service.issued_pdf(row)
    audit_trail.record(caller.who.actor, request, "certificate.download",
                       detail={"certificate_id": row.id, "sha256": row.pdf_sha256, "via": "web"})
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="certificate-{row.verification_code}.pdf"'})


@router.post("/{certificate_id}/decision")
async def decide(certificate_id: str, request: Request, session: SessionDep, temporal: TemporalDep,
                 kind: Annotated[str, Form()], csrf: Annotated[str, Form()] = "",
                 record_ids: Annotated[list[int] | None, Form()] = None,
                 reason: Annotated[str, Form()] = "") -> Response:
    caller = _caller(request, session)
    if caller is None:
        return _login(request)
    actor = caller.who.actor
    decision = ReviewDecision(kind, actor.username, list(actor.roles), record_ids=record_ids or [], reason=reason)
    detail = {"certificate_id": certificate_id, "kind": kind, "record_ids": decision.record_ids, "via": "web"}
    try:
        _check_csrf(caller, csrf)
        await service.decide(caller.who, certificate_id, decision, session, temporal)
    except Refusal as error:
        audit_trail.record(actor, request, "certificate.decide", outcome=f"refused:{error.code}", detail=detail)
        row = service.visible_certificate(caller.who, certificate_id, session)
        return _page(request, "certificate.html", caller, status_code=error.status, error=error.message_ar,
                     item=service.certificate_view(caller.who, row), officer=True)
    audit_trail.record(actor, request, "certificate.decide", detail=detail)
    return RedirectResponse(f"/certificates/{certificate_id}", status_code=303)
