"""What every page of the web shares: the logged-in user's session, the page's language, rendering
with the security headers, CSRF-checked forms, error pages and the form kept across an expired
session. The case pages (api.web.routes), the certificate pages and the public verification page
all stand on it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.audit_trail import who
from api.deps import actor_for, remember_identity
from api.web import oidc
from api.web.assets import htmx_path
from api.web.config import LANGUAGE_COOKIE
from api.web.rendering import render
from api.web.roles import Offers, offers_for
from api.web.sessions import SESSION_COOKIE, STASH_COOKIE, STORE, StashedForm, WebSession, unsign
from core.agencies import AgencyTree
from core.case import Actor
from core.case_numbers import readable_number
from core.refusal import Refusal
from core.vocabulary import AgencyKind
from i18n.catalogs import N_, language_of
from store.agencies import load_agency_tree
from store.notifications import unread_count

HOME = "/web/"
PUBLIC_VERIFY = "/verify"
DOCUMENTS_PATH_SUFFIX = "/documents"
#: forms posted to a page's own address plus one of these belong to that page
FORM_PATH_SUFFIXES = (DOCUMENTS_PATH_SUFFIX, "/issue", "/reject", "/approve", "/decline")


class CsrfRejected(Exception):
    """A form without this session's token: refused, whatever it asked."""


class LoginRequired(Exception):
    """No live session: a GET goes to the login; a POST keeps its form and shows the expired page."""

    def __init__(self, expired: bool) -> None:
        super().__init__("login required")
        self.expired = expired


@dataclass
class Page:
    """The request's user and language, and what every page template needs."""

    request: Request
    language: str
    session: WebSession
    actor: Actor
    tree: AgencyTree
    unread: int = 0  # the header's badge: the person's unread notifications

    @property
    def offers(self) -> Offers:
        return offers_for(self.actor)

    def agency_name(self, code: str | None) -> str:
        agency = self.tree.by_code.get(code or "")
        if agency is None:
            return code or ""
        return agency.name_ar if self.language == "ar" else agency.name_en

    def case_number(self, number: str) -> str:
        """A case number as people read and say it (core.case_numbers); the machine's stays in addresses."""
        return readable_number(number, self.tree)

    @property
    def institution(self) -> str:
        """The header's institution: the user's own (the Ministry of Interior, the Public Prosecution, the
        Judiciary…), by the kind of their agency."""
        return institution_of(self.actor.agency_kind)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        base = {"page": self, "case_number": self.case_number, "institution": self.institution,
                "user": self.session.user, "actor": self.actor, "csrf": self.session.csrf,
                "agency_name": self.agency_name, "htmx": htmx_url(), "path": self.request.url.path,
                "offers": self.offers, "home": self.offers.home, "unread": self.unread,
                "primary_role": who(self.actor, None).role,
                "now": datetime.now(UTC), "switch_language_url": switch_language_url(self.request, self.language)}
        return HTMLResponse(render(self.language, template, base | context), status_code=status, headers=no_store())


#: the institution each kind of agency belongs to, as the header names it (a message id of the catalogs)
INSTITUTIONS = {
    AgencyKind.ministry: N_("Ministry of Interior"), AgencyKind.directorate: N_("Ministry of Interior"),
    AgencyKind.police_station: N_("Ministry of Interior"), AgencyKind.cid: N_("Ministry of Interior"),
    AgencyKind.records_office: N_("Ministry of Interior"), AgencyKind.prosecution_office: N_("Public Prosecution"),
    AgencyKind.court: N_("Judiciary"), AgencyKind.supreme_court: N_("Judiciary"),
    AgencyKind.prison: N_("Ministry of Justice"),
}


def institution_of(agency_kind: str) -> str:
    """The message id of the institution a kind of agency belongs to; "" for none (a citizen)."""
    try:
        return INSTITUTIONS.get(AgencyKind(agency_kind), "")
    except ValueError:
        return ""


def render_public(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
                  **context: Any) -> HTMLResponse:
    """A page anyone may open, without a login: the same layout, no user, no navigation."""
    language = request_language(request)
    base = {"user": None, "csrf": "", "htmx": htmx_url(), "path": request.url.path, "home": HOME,
            "now": datetime.now(UTC), "switch_language_url": switch_language_url(request, language)}
    return HTMLResponse(render(language, template, base | context), status_code=status,
                        headers=no_store() | (headers or {}))


def htmx_url() -> str | None:
    path = htmx_path()
    return f"/web/vendor/{path.parent.name}/{path.name}" if path.exists() else None


def no_store() -> dict[str, str]:
    # pages carry case files and certificates: never cached, never framed
    return {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff"}


def page_path_of(form_path: str) -> str:
    """The page a form was posted from: /web/cases/{id}/actions/{a} and /web/cases/{id}/documents belong
    to /web/cases/{id}, /web/certificates/{id}/issue and .../reject to /web/certificates/{id}."""
    if "/actions/" in form_path:
        return form_path.split("/actions/")[0]
    for suffix in FORM_PATH_SUFFIXES:
        if form_path.endswith(suffix):
            return form_path.removesuffix(suffix)
    return form_path


def language_url(request: Request, language: str) -> str:
    """The switch to `language` that comes back here (to the form's page, after a form was posted)."""
    if request.method == "POST":
        here = page_path_of(request.url.path)
    else:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/web/language?{urlencode({'lang': language, 'next': here})}"


def switch_language_url(request: Request, current: str) -> str:
    return language_url(request, "en" if current == "ar" else "ar")


def request_language(request: Request) -> str:
    return language_of(request.cookies.get(LANGUAGE_COOKIE))


def safe_next(value: str | None) -> str:
    """Only our own pages (the web's and the public verification page): never an open redirect."""
    if not value or value.startswith("//") or "\\" in value:
        return HOME
    if value.startswith("/web/"):
        return value
    if value == PUBLIC_VERIFY or value.startswith((f"{PUBLIC_VERIFY}/", f"{PUBLIC_VERIFY}?")):
        return value
    return HOME


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def live_session(request: Request) -> WebSession:
    sid = unsign(request.cookies.get(SESSION_COOKIE))
    session = await run_in_threadpool(STORE.get, sid) if sid else None
    if session is None:
        raise LoginRequired(expired=sid is not None)
    if oidc.needs_refresh(session):
        renewed = await oidc.refresh(session)
        if renewed is None:
            STORE.drop(session.sid)
            raise LoginRequired(expired=True)
        STORE.create(renewed)
        session = renewed
    return session


async def page_for(request: Request, db: Session) -> Page:
    session = await live_session(request)
    tree = load_agency_tree(db)
    await run_in_threadpool(remember_identity, session.user)
    unread = await run_in_threadpool(unread_count, db, session.user.username)
    return Page(request, request_language(request), session, actor_for(session.user, tree), tree, unread)


async def posted_form(request: Request, page: Page) -> FormData:
    form = await request.form()
    if not secrets.compare_digest(str(form.get("csrf_token", "")), page.session.csrf):
        raise CsrfRejected()
    return form


def form_values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}


def error_page(page: Page, error: Refusal) -> HTMLResponse:
    return page.render("error.html", status=error.status, status_code=error.status,
                       message=error.message(page.language))


def restore_stash(request: Request, path: str) -> tuple[StashedForm | None, str | None]:
    """A form kept from an expired session, if it belongs on this page (and its key)."""
    key = unsign(request.cookies.get(STASH_COOKIE))
    stash = STORE.peek_stash(key) if key else None
    if stash is None or stash.path != path:
        return None, None
    return stash, key


def consume_stash(response: Response, key: str | None) -> Response:
    if key:
        STORE.take_stash(key)
        response.delete_cookie(STASH_COOKIE, path="/web")
    return response
