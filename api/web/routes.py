"""The agencies' web: server-rendered pages over the same service code as the REST API.

Every page needs a Keycloak login (api.web.oidc); every form carries the session's CSRF token;
every case read, list, search and action goes through api.cases.service / search.service
and is audited like its REST twin.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from api import audit_trail
from api.cases import service as cases_service
from api.cases.schemas import CasePublic
from api.deps import SessionDep, TemporalDep
from api.documents import service as documents_service
from api.documents.schemas import DocumentPublic
from api.web import case_view, oidc
from api.web.config import LANGUAGE_COOKIE
from api.web.forms import (
    FormContext,
    FormError,
    Widget,
    fields_from_form,
    form_errors,
    labelled,
    party_row_count,
    widgets_for,
)
from api.web.pages import (
    DOCUMENTS_PATH_SUFFIX,
    HOME,
    LoginRequired,
    Page,
    consume_stash,
    error_page,
    form_values,
    is_secure,
    no_store,
    page_for,
    page_path_of,
    posted_form,
    request_language,
    restore_stash,
    safe_next,
)
from api.web.rendering import render
from api.web.sessions import SESSION_COOKIE, STASH_COOKIE, STORE, StashedForm, sign
from api.web.views import SORTS, STATUSES, WorkFilter, list_extras, my_work
from config.settings import get_settings
from core.access import viewer_for
from core.case_numbers import searched_text
from core.procedure import ACTIONS_BY_NAME, OPEN_CASE, ActionRule
from core.refusal import Refusal
from core.vocabulary import AgencyKind, Stage
from i18n.catalogs import language_of
from search.client import get_client as get_search_client
from search.query import CaseQuery
from search.results import SearchPage
from search.service import search_cases as run_search
from store.directory import display_names
from store.models import PartyRow
from store.people import IdentityWarning, identity_warnings, root_of

router = APIRouter(prefix="/web", include_in_schema=False)
root_router = APIRouter(include_in_schema=False)

LANGUAGE_COOKIE_DAYS = 365


# ------------------------------------------------------------------------------------- login


@root_router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


@router.get("/login")
def login(request: Request, next: str | None = None) -> Response:
    if request.headers.get("HX-Request"):
        # htmx cannot follow a redirect to Keycloak's origin: the browser navigates here itself
        return Response(status_code=200, headers={"HX-Redirect": str(request.url)})
    if not oidc.login_service_up():
        return HTMLResponse(render(request_language(request), "signed_out.html", {"reason": "login_unavailable",
                                                                                "csrf": ""}),
                            status_code=503, headers=no_store() | {"Retry-After": "30"})
    state, pending, challenge = oidc.new_login(safe_next(next))
    STORE.begin_login(state, pending)
    url = oidc.authorization_url(state, pending, challenge, str(request.url_for("auth_callback")),
                                 request_language(request))
    return RedirectResponse(url, status_code=303)


@router.get("/auth/callback", name="auth_callback")
async def auth_callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    language = request_language(request)
    pending = STORE.finish_login(state) if state else None
    if error or not code or pending is None:
        return HTMLResponse(render(language, "signed_out.html", {"reason": "failed", "csrf": ""}), status_code=400,
                            headers=no_store())
    try:
        session = await oidc.complete_login(code, pending, str(request.url_for("auth_callback")))
    except oidc.LoginFailed:
        return HTMLResponse(render(language, "signed_out.html", {"reason": "failed", "csrf": ""}), status_code=400,
                            headers=no_store())
    STORE.create(session)
    response = RedirectResponse(pending.next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, sign(session.sid), httponly=True, samesite="lax", secure=is_secure(request),
                        path="/")
    return response


@router.post("/logout")
async def logout(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    await posted_form(request, page)
    STORE.drop(page.session.sid)
    after = str(request.url_for("signed_out"))
    response = RedirectResponse(oidc.logout_url(page.session.id_token, after), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/signed-out", name="signed_out")
def signed_out(request: Request) -> HTMLResponse:
    return HTMLResponse(render(request_language(request), "signed_out.html", {"reason": "logout", "csrf": ""}),
                        headers=no_store())


@router.get("/expired")
def expired(request: Request, next: str | None = None) -> HTMLResponse:
    return _expired_page(request, safe_next(next), kept=False)


def _expired_page(request: Request, next_path: str, *, kept: bool) -> HTMLResponse:
    login_url = f"/web/login?next={quote(next_path)}"
    return HTMLResponse(render(request_language(request), "signed_out.html",
                               {"reason": "expired", "kept": kept, "login_url": login_url, "csrf": ""}),
                        status_code=401, headers=no_store())


@router.get("/language")
def switch_language(request: Request, lang: str = "ar", next: str | None = None) -> RedirectResponse:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language_of(lang), max_age=LANGUAGE_COOKIE_DAYS * 86400, samesite="lax",
                        secure=is_secure(request), path="/")
    return response


async def csrf_rejected_handler(request: Request, exc: Exception) -> Response:
    return HTMLResponse(render(request_language(request), "signed_out.html", {"reason": "csrf", "csrf": ""}),
                        status_code=403, headers=no_store())


async def login_required_handler(request: Request, exc: Exception) -> Response:
    """A GET goes (back) to the login; a POST's form is kept for after the login, and explained."""
    assert isinstance(exc, LoginRequired)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "POST":
        if exc.expired:
            return _expired_page(request, safe_next(here), kept=False)
        login_url = f"/web/login?next={quote(safe_next(here))}"
        if request.headers.get("HX-Request"):
            # an htmx request cannot follow a redirect to Keycloak's origin: have the browser navigate
            return Response(status_code=200, headers={"HX-Redirect": login_url})
        return RedirectResponse(login_url, status_code=303)
    form = await request.form()
    items = tuple((k, str(v)) for k, v in form.multi_items() if k != "csrf_token" and isinstance(v, str))
    page_path = page_path_of(request.url.path)
    key = STORE.stash(StashedForm(path=page_path, action_path=request.url.path, items=items,
                                  created=datetime.now(UTC).timestamp()))
    response = _expired_page(request, page_path, kept=True)
    response.set_cookie(STASH_COOKIE, sign(key), httponly=True, samesite="lax", secure=is_secure(request), path="/web")
    return response


# ------------------------------------------------------------------------------------- pages


@router.get("/")
async def work(request: Request, db: SessionDep, stage: str | None = None, status: str | None = None,
               sort: str | None = None, page_number: str | None = Query(None, alias="page"), done: str | None = None,
               case: str | None = None) -> Response:
    page = await page_for(request, db)
    if not page.offers.my_work:  # a citizen or a records officer: their own start page, not the agencies'
        return RedirectResponse(page.offers.home, status_code=303)
    work = my_work(page.actor, db, datetime.now(UTC))
    chosen = WorkFilter.of(stage, status, sort, page_number)
    listed, pages = work.listed(chosen)
    audit_trail.record(page.actor, request, "case.list", detail={"view": "web.my_work", "hits": len(work.items)})
    return page.render("work.html", work=work, listed=listed, pages=pages, chosen=chosen,
                       page_number=min(chosen.page, pages), stages=list(Stage), statuses=STATUSES, sorts=SORTS,
                       list_url=lambda **changed: f"/web/?{urlencode(chosen.params(**changed))}#cases-title",
                       holds_hearings=page.actor.agency_kind in (AgencyKind.court, AgencyKind.supreme_court),
                       done=done if done in ACTIONS_BY_NAME else None,
                       done_case=case if done in ACTIONS_BY_NAME and case and case.isascii() else None)


SEARCH_FILTERS = ("stage", "category", "agency")


@router.get("/search")
async def search(request: Request, db: SessionDep, q: str = "", stage: str | None = None,
                 category: str | None = None, agency: str | None = None) -> HTMLResponse:
    page = await page_for(request, db)
    viewer = viewer_for(page.actor)
    if not page.offers.search:
        return error_page(page, Refusal("forbidden_role", 403, "your role may not search case files",
                                         "لا يسمح دورك بالبحث في ملفات القضايا"))
    filters = {"stage": stage or None, "category": category or None, "agency": agency or None}
    results: SearchPage | None = None
    failed = False
    if q.strip() or any(filters.values()):
        query = CaseQuery(text=searched_text(q.strip()[:200], lambda: page.tree), stage=filters["stage"],
                          category=filters["category"], agency=filters["agency"], limit=50)
        try:
            results = run_search(get_search_client(), viewer, query)
        except Exception:  # the index being down must not take the page down with it
            failed = True
        audit_trail.record(page.actor, request, "search.cases", outcome="error" if failed else "ok",
                           detail={"q": q, **filters, "via": "web", "hits": results.total if results else 0})
    extras = list_extras(db, [hit.id for hit in results.items], datetime.now(UTC)) if results else {}
    return page.render("search.html", q=q, filters=filters, results=results, failed=failed, extras=extras,
                       national=viewer.national,
                       facet_url=lambda name, value: _search_url(q, filters, name, value))


def _search_url(q: str, filters: dict[str, str | None], name: str, value: str | None) -> str:
    """The same search with one facet set (or cleared, with value None)."""
    params = {"q": q, **{k: v for k, v in filters.items() if v}}
    params.pop(name, None)
    if value is not None:
        params[name] = value
    return f"/web/search?{urlencode(params)}"


# ------------------------------------------------------------------------------------- open a case



def _open_form(page: Page, values: dict[str, str] | None, errors: list[FormError], status: int = 200,
               restored: bool = False) -> HTMLResponse:
    widgets = widgets_for(OPEN_CASE, FormContext(page.language, page.tree), values)
    errors = labelled(errors, widgets)
    return page.render("open_case.html", status=status, rule=OPEN_CASE, widgets=widgets, errors=errors,
                       error_for=_errors_by_field(errors), restored=restored,
                       party_rows=len(next(w for w in widgets if w.kind == "parties").rows))


@router.get("/cases/new")
async def open_case_form(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    stash, key = restore_stash(request, request.url.path)
    values = dict(stash.items) if stash else None
    return consume_stash(_open_form(page, values, [], restored=stash is not None), key)


@router.post("/cases/new")
async def open_case_submit(request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    page = await page_for(request, db)
    values = form_values(await posted_form(request, page))
    if "add_party_row" in values:  # "another party": the same form, one row longer, nothing lost
        values["party_rows"] = str(party_row_count(values.get("party_rows")) + 1)
        return _open_form(page, values, [])
    fields = fields_from_form(OPEN_CASE, values)
    fields.setdefault("sensitivity", "normal")
    try:
        result, _ = await cases_service.open_case(page.actor, fields, values.get("idempotency_key"), db, temporal)
    except Refusal as error:
        audit_trail.record(page.actor, request, "case.action", outcome=audit_trail.refused(error),
                           detail={"action": "open_case", "via": "web"})
        return _open_form(page, values, form_errors(page.language, error, values), status=error.status)
    audit_trail.record(page.actor, request, "case.action", case_id=result.case_id,
                       detail={"action": "open_case", "via": "web"})
    return RedirectResponse(f"/web/cases/{result.case_id}?done=open_case", status_code=303)


# ------------------------------------------------------------------------------------- the case page


def _errors_by_field(errors: list[FormError]) -> dict[str, str]:
    return {e.field: e.message for e in errors if e.field}


def _action_forms(page: Page, case: CasePublic, open_action: str | None, values: dict[str, str] | None,
                  documents: list[DocumentPublic]) -> list[tuple[ActionRule, list[Widget]]]:
    context = FormContext(page.language, page.tree, parties=case.parties, choices=case.action_choices,
                          documents=[(d.ref, d.title or d.filename) for d in documents])
    forms = []
    for name in case.allowed_actions:
        if name == documents_service.ATTACH:
            continue  # its form is the upload form in the documents panel: a file, not a typed reference
        rule = ACTIONS_BY_NAME[name]
        forms.append((rule, widgets_for(rule, context, values if name == open_action else None)))
    return forms


def _case_page(page: Page, case: CasePublic, db: Session, *, status: int = 200, open_action: str | None = None,
               values: dict[str, str] | None = None, errors: list[FormError] | None = None, done: str | None = None,
               restored: bool = False) -> HTMLResponse:
    """The case page; `open_action` names the form re-shown with `values` and `errors` (the upload form's
    name is documents_service.ATTACH, like its action's)."""
    errors = errors or []
    warnings, links = _identities(page, case, db)
    documents = documents_service.documents_of(db, case.id)
    people = ({e.actor for e in case.timeline if e.actor} | {d.uploaded_by for d in documents}
              | {n.by for n in case.supervision_notes})
    forms = _action_forms(page, case, open_action, values, documents)
    errors = labelled(errors, next((widgets for rule, widgets in forms if rule.name == open_action), []))
    receipt = next((f for f in forms if f[0].name == ACKNOWLEDGE), None)
    return page.render("case.html", status=status, case=case, forms=[f for f in forms if f is not receipt],
                       receipt=receipt, recorded=case_view.recorded(case), hearings=case_view.hearings(case),
                       deadlines=case_view.deadlines(case, datetime.now(UTC)), timeline=case_view.timeline(case),
                       standing=lambda party: case_view.standing(case, party),
                       names=display_names(db, people), suspects=case_view.suspects(case),
                       next_hearing=case_view.next_hearing(case, datetime.now(UTC)),
                       identity_warnings=warnings, person_links=links,
                       open_action=open_action, errors=errors, error_for=_errors_by_field(errors),
                       done=done if done in ACTIONS_BY_NAME else None, restored=restored,
                       parties_by_id={p["party_id"]: p for p in case.parties},
                       documents=documents,
                       may_upload=documents_service.ATTACH in case.allowed_actions,
                       max_document_bytes=get_settings().document_max_bytes,
                       upload_title=(values or {}).get("title", "") if open_action == documents_service.ATTACH else "")


def _identities(page: Page, case: CasePublic, db: Session) -> tuple[dict[str, list[IdentityWarning]], dict[str, int]]:
    """Per party: the warnings its identifiers raise (the same ID under another name elsewhere), and its person
    record, for the page to link to."""
    viewer = viewer_for(page.actor)
    warnings: dict[str, list[IdentityWarning]] = {}
    for party in case.parties:
        found = identity_warnings(db, viewer, party["name"], national_id=party.get("national_id"),
                                  passport_number=party.get("passport_number"), nationality=party.get("nationality"),
                                  exclude=(case.id, party["party_id"]))
        if found:
            warnings[party["party_id"]] = found
    links = {party_id: root_of(db, person_id) for party_id, person_id in db.execute(
        select(PartyRow.party_id, PartyRow.person_id).where(PartyRow.case_id == case.id,
                                                            PartyRow.person_id.is_not(None))).tuples()
        if person_id is not None}
    return warnings, links


def _read_case(page: Page, case_id: str, db: SessionDep) -> CasePublic | HTMLResponse:
    try:
        return audit_trail.audited(page.actor, page.request, "case.read", {"via": "web"},
                                   lambda: cases_service.get_case(page.actor, case_id, db), case_id=case_id)
    except Refusal as error:
        return error_page(page, error)


@router.get("/cases/{case_id}")
async def case_page(case_id: str, request: Request, db: SessionDep, done: str | None = None) -> Response:
    page = await page_for(request, db)
    case = _read_case(page, case_id, db)
    if isinstance(case, HTMLResponse):
        return case
    stash, key = restore_stash(request, request.url.path)
    if stash is not None:
        action = _action_of(stash.action_path)
        return consume_stash(_case_page(page, case, db, open_action=action, values=dict(stash.items), restored=True),
                              key)
    return _case_page(page, case, db, done=done)


def _action_of(action_path: str) -> str:
    """The form a posted path belongs to: an action's name, or the upload form's."""
    if action_path.endswith(DOCUMENTS_PATH_SUFFIX):
        return documents_service.ATTACH
    return action_path.rsplit("/", 1)[-1]


@router.post("/cases/{case_id}/actions/{action}")
async def case_action(case_id: str, action: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    page = await page_for(request, db)
    values = form_values(await posted_form(request, page))
    rule = ACTIONS_BY_NAME.get(action)
    try:
        if rule is None or rule.opens_case:
            raise Refusal("unknown_action", 404, f"no action named {action}", "إجراء غير معروف")
        result = await cases_service.act(page.actor, case_id, action, fields_from_form(rule, values),
                                         values.get("idempotency_key"), db, temporal)
    except Refusal as error:
        audit_trail.record(page.actor, request, "case.action", case_id=case_id, outcome=audit_trail.refused(error),
                           detail={"action": action, "via": "web"})
        case = _read_case(page, case_id, db)
        if isinstance(case, HTMLResponse):
            return case
        failures = form_errors(page.language, error, values)
        if action not in case.allowed_actions:
            # the action is no longer open to this user (someone else moved the case): say why, keep the page
            return _case_page(page, case, db, status=error.status, errors=failures)
        return _case_page(page, case, db, status=error.status, open_action=action, values=values, errors=failures)
    audit_trail.record(page.actor, request, "case.action", case_id=case_id,
                       detail={"action": action, "seq": result.seq, "via": "web"})
    # a form on a list (the stalled list's reassign and note) goes back to that list
    back = values.get(RETURN_TO)
    if back and safe_next(back) == back:
        return RedirectResponse(_with_done(back, action, case_id), status_code=303)
    return RedirectResponse(f"/web/cases/{case_id}?done={action}", status_code=303)


#: the hidden field of an action's form posted from a page other than the case's own
RETURN_TO = "return_to"
#: the one thing a receiver must do: shown apart, first, as the page's call to action
ACKNOWLEDGE = "acknowledge_receipt"


def _with_done(path: str, action: str, case_id: str) -> str:
    """The page to go back to, saying what was done on which case."""
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({'done': action, 'case': case_id})}"



# ------------------------------------------------------------------------------------- documents


@router.post("/cases/{case_id}/documents")
async def upload_document(case_id: str, request: Request, db: SessionDep, temporal: TemporalDep) -> Response:
    page = await page_for(request, db)
    form = await posted_form(request, page)
    upload = form.get("file")
    values = form_values(form)
    try:
        await documents_service.attach(page.actor, case_id, upload if isinstance(upload, UploadFile) else None,
                                       values.get("title"), request, db, temporal, values.get("idempotency_key"),
                                       via="web")
    except Refusal as error:
        case = _read_case(page, case_id, db)
        if isinstance(case, HTMLResponse):
            return case
        failure = FormError.of(page.language, error.message_en, error.message_ar, error.field)
        if documents_service.ATTACH not in case.allowed_actions:
            return _case_page(page, case, db, status=error.status, errors=[failure])
        # the file cannot be put back into a file input: the title is kept, the file chosen again
        return _case_page(page, case, db, status=error.status, open_action=documents_service.ATTACH, values=values,
                          errors=[failure])
    return RedirectResponse(f"/web/cases/{case_id}?done={documents_service.ATTACH}#documents-title", status_code=303)


@router.get("/cases/{case_id}/documents/{ref}")
async def download_document(case_id: str, ref: str, request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    try:
        opened = await run_in_threadpool(documents_service.open_document, page.actor, case_id, ref, request, db, "web")
    except Refusal as error:
        return error_page(page, error)
    return FileResponse(opened.path, media_type=opened.row.content_type, filename=opened.row.filename,
                        headers=documents_service.DOWNLOAD_HEADERS | no_store())
