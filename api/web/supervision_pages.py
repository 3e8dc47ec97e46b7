"""Supervision in the web: the dashboard of a supervisor's (or a chief's) scope, the stalled list to work from,
and the case lists behind every number, each with its CSV. The same service code as the REST API
(api.stats.service, api.stalled.service), audited like it; the figures and the lists read core.supervision's
one definition of what is late."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from api import audit_trail
from api.deps import SessionDep
from api.notifications import service as notifications_service
from api.params import MAX_OFFSET
from api.stalled import service as stalled_service
from api.stalled.schemas import StalledCasePublic
from api.stats import service as stats_service
from api.web.assets import chartjs_path
from api.web.forms import FormContext, Widget, widgets_for
from api.web.pages import Page, error_page, form_values, page_for, posted_form, safe_next
from api.web.routes import RETURN_TO
from api.web.views import ListExtras, extras_of, list_extras
from core.procedure import ACTIONS_BY_NAME, ActionRule
from core.refusal import Refusal, invalid
from core.text import clean_text
from core.transitions import action_options
from core.vocabulary import AgeBucket, SlaBand, Stage, StallReason, label
from store.agencies import agency_refs
from store.codec import state_from_json
from store.models import Case
from store.supervision import CaseStatus

router = APIRouter(prefix="/web", include_in_schema=False)

#: cases per page of a list
PAGE_SIZE = 25
#: what a supervisor may do from the stalled list: the procedure's own actions, offered as the case page would
ROW_ACTIONS = ("reassign", "add_supervision_note")
#: what the stalled list says was just done besides those actions: a reminder sent to the case's holders
REMINDER = "reminder"
#: a reminder's note, as the REST route takes it (api.notifications.schemas.ReminderCreate)
REMINDER_NOTE_LENGTH = (3, 2000)
#: query parameters that say what was just done, not what to list
NOTICE_PARAMS = ("done", "case", "sent", "page")

Choice = TypeVar("Choice", bound=StrEnum)


def chartjs_url() -> str | None:
    path = chartjs_path()
    return f"/web/vendor/{path.parent.name}/{path.name}" if path.exists() else None


def _forbidden() -> Refusal:
    return Refusal("forbidden_role", 403, "only supervisors and chiefs watch over stalled cases and the figures",
                   "متابعة القضايا المتعثرة والأرقام من صلاحية المشرفين ورؤساء الجهات")


def _choice(kind: type[Choice], value: str | None, name: str) -> Choice | None:
    """A filter from the address: blank is none; anything but one of the vocabulary's values is a 422."""
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise invalid(name, f"{name} is not one of {[c.value for c in kind]}", "قيمة غير مقبولة في عامل التصفية",
                      "invalid_choice") from None


def _week(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, f"{name} is not a date", "التاريخ غير صالح", "invalid_date") from None


def _page_number(value: str | None) -> int:
    number = int(value) if value and value.isdigit() and len(value) < 8 else 1
    return max(1, min(number, MAX_OFFSET // PAGE_SIZE))


@dataclass
class Pager:
    number: int
    total: int
    base: dict[str, str]  # the list's filters

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    def url(self, path: str, number: int) -> str:
        return f"{path}?{urlencode({**self.base, 'page': str(number)})}"


class Filters(Protocol):
    """A list's filters, read from the request (stalled or counted cases)."""

    def params(self) -> dict[str, str]: ...


class Counted(Protocol):
    total: int


Query = TypeVar("Query", bound=Filters)
Listed = TypeVar("Listed", bound=Counted)
Row = TypeVar("Row")


def _listed(page: Page, request: Request, view: str, filters: Callable[[Request], Query],
            fetch: Callable[[Query, int], Listed]) -> tuple[Query, Pager, Listed]:
    """A page of a case list, audited like the API's lists (`case.list`: the view, its filters, then the page
    and the hits); filters the request got wrong are refused, and audited, without them."""
    detail: dict[str, Any] = {"view": view}

    def run() -> tuple[Query, Pager, Listed]:
        query = filters(request)
        detail.update(query.params())
        pager = Pager(_page_number(request.query_params.get("page")), 0, query.params())
        found = fetch(query, pager.offset)
        pager.total = found.total
        return query, pager, found

    return audit_trail.audited(page.actor, request, "case.list", detail, run,
                               adds=lambda done: {"page": done[1].number, "hits": done[1].total})


def _exported(page: Page, request: Request, view: str, filters: Callable[[Request], Query],
              fetch: Callable[[Query], list[Row]]) -> list[Row]:
    """A whole case list for its CSV, audited like `_listed` (the view, its filters, then the hits)."""
    detail: dict[str, Any] = {"view": view}

    def run() -> list[Row]:
        query = filters(request)
        detail.update(query.params())
        return fetch(query)

    return audit_trail.audited(page.actor, request, "case.list", detail, run, adds=lambda rows: {"hits": len(rows)})


def _here(request: Request) -> str:
    """This list's own address, without what was just done: where a form on it comes back to."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in NOTICE_PARAMS[:3]]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _agencies_offered(page: Page) -> list[tuple[str, str]]:
    """The agencies a supervisor may filter by: their scope (every one, nationally)."""
    actor = page.actor
    codes = set(page.tree.by_code) if actor.national else set(actor.scope) | {actor.agency}
    found = [(code, page.agency_name(code)) for code in codes if code in page.tree.by_code]
    return sorted(found, key=lambda item: item[1])


# ------------------------------------------------------------------------------------- the dashboard


@router.get("/supervision")
async def dashboard(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.stalled:
        return error_page(page, _forbidden())
    try:
        board = audit_trail.audited(
            page.actor, request, "stats.read", {"figure": "dashboard", "via": "web"},
            lambda: stats_service.dashboard(page.actor, db, page.tree, datetime.now(UTC), "web"),
            adds=lambda found: {"national": found.scope.national})
    except Refusal as error:
        return error_page(page, error)
    return page.render("supervision.html", board=board, chartjs=chartjs_url())


# ------------------------------------------------------------------------------------- the stalled list


@dataclass
class RowForm:
    rule: ActionRule
    widgets: list[Widget]


@dataclass
class RowExtras:
    """What a row of the stalled list shows beside its deadlines: the forms its reader may send from the list,
    and the names of the people its custody and detention deadlines are about."""

    forms: list[RowForm]
    names: dict[str, str]
    listed: ListExtras


def _row_extras(page: Page, db: Session, items: list[StalledCasePublic], now: datetime) -> dict[str, RowExtras]:
    """Per case of the page, the forms of ROW_ACTIONS that the procedure would accept from this person now
    (core.transitions.action_options: decide run dry), with the agencies a reassignment may name."""
    agencies = agency_refs(db)
    extras: dict[str, RowExtras] = {}
    for item in items:
        row = db.get(Case, item.id)
        if row is None:
            continue
        state = state_from_json(row.snapshot)
        options = {o.action: o for o in action_options(state, page.actor, now, agencies) if o.action in ROW_ACTIONS}
        context = FormContext(page.language, page.tree, parties=[vars(p) for p in state.parties],
                              choices={name: option.choices for name, option in options.items()})
        forms = [RowForm(ACTIONS_BY_NAME[name], widgets_for(ACTIONS_BY_NAME[name], context))
                 for name in ROW_ACTIONS if name in options]
        extras[item.id] = RowExtras(forms, {p.party_id: p.name for p in state.parties}, extras_of(state, now))
    return extras


def _stalled_query(request: Request) -> stalled_service.StalledQuery:
    params = request.query_params
    return stalled_service.StalledQuery(
        reason=_choice(StallReason, params.get("reason"), "reason"), agency=params.get("agency") or None,
        age=_choice(AgeBucket, params.get("age"), "age"), stage=_choice(Stage, params.get("stage"), "stage"),
        holder=params.get("holder") or None)


@router.get("/stalled")
async def stalled(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.stalled:
        return error_page(page, _forbidden())
    now = datetime.now(UTC)
    try:
        query, pager, found = _listed(
            page, request, "web.stalled", _stalled_query,
            lambda query, offset: stalled_service.page(page.actor, db, page.tree, query, now, offset, PAGE_SIZE))
    except Refusal as error:
        return error_page(page, error)
    done = request.query_params.get("done")
    sent = request.query_params.get("sent", "")
    return page.render(
        "stalled.html", found=found, query=query, pager=pager, extras=_row_extras(page, db, found.items, now),
        return_to=_here(request), return_field=RETURN_TO, agencies=_agencies_offered(page),
        reasons=list(StallReason), ages=list(AgeBucket), stages=[s for s in Stage if s is not Stage.closed],
        done=done if done in (*ROW_ACTIONS, REMINDER) else None, done_case=request.query_params.get("case"),
        sent=int(sent) if sent.isdigit() and len(sent) < 6 else 0, reminder_token=uuid.uuid4().hex,
        note_length=REMINDER_NOTE_LENGTH, csv_url=f"/web/stalled.csv?{urlencode(query.params())}")


@router.post("/stalled/{case_id}/reminder")
async def send_reminder(case_id: str, request: Request, db: SessionDep) -> Response:
    """A reminder to those who hold the case, from its row of the stalled list: the same service as
    `POST /api/v1/cases/{id}/reminders`, audited like it; the form's token sends it once however often posted."""
    page = await page_for(request, db)
    values = form_values(await posted_form(request, page))
    token = values.get("request_token", "")
    try:
        note = clean_text(values.get("note", ""), "note", prose=True, max_length=REMINDER_NOTE_LENGTH[1])
        if len(note) < REMINDER_NOTE_LENGTH[0]:
            raise invalid("note", "the reminder needs a note of at least 3 characters",
                          "يجب أن يتضمن التذكير ملاحظة من 3 أحرف على الأقل", "note_too_short")
        request_id = f"{page.actor.username}:{token}" if token.isalnum() and len(token) <= 64 else None
        identifier, recipients = notifications_service.send_reminder(page.actor, db, case_id, note, request_id)
    except Refusal as error:
        db.rollback()
        audit_trail.record(page.actor, request, "case.reminder", case_id=case_id,
                           outcome=audit_trail.refused(error), detail={"via": "web"})
        return error_page(page, error)
    db.commit()  # before the audit's own transaction: SQLite has one writer at a time
    audit_trail.record(page.actor, request, "case.reminder", case_id=case_id,
                       detail={"notification_id": identifier, "recipients": recipients, "via": "web"})
    back = values.get(RETURN_TO, "")
    back = back if back and safe_next(back) == back else "/web/stalled"
    joiner = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{joiner}{urlencode({'done': REMINDER, 'case': case_id, 'sent': recipients})}",
                            status_code=303)


@router.get("/stalled.csv")
async def stalled_csv(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.stalled:
        return error_page(page, _forbidden())
    try:
        items = _exported(
            page, request, "web.stalled.csv", _stalled_query,
            lambda query: list(stalled_service.export_rows(page.actor, db, page.tree, query, datetime.now(UTC))))
    except Refusal as error:
        return error_page(page, error)
    return _csv(stalled_service.csv_export(items, page.tree, page.language), "stalled-cases.csv")


def _csv(lines: Any, filename: str) -> StreamingResponse:
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                      "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


# ------------------------------------------------------------------------------------- the cases behind a number


def _case_query(request: Request) -> stats_service.CaseQuery:
    params = request.query_params
    hours = params.get("ending_within_hours")
    if hours and not (hours.isdigit() and 1 <= int(hours) <= 24 * 365):
        raise invalid("ending_within_hours", "ending_within_hours is a number of hours", "عدد الساعات غير صالح",
                      "invalid_number")
    return stats_service.CaseQuery(
        status=_choice(CaseStatus, params.get("status"), "status") or CaseStatus.open,
        stage=_choice(Stage, params.get("stage"), "stage"), agency=params.get("agency") or None,
        holder=params.get("holder") or None, pendency=_choice(AgeBucket, params.get("pendency"), "pendency"),
        sla=_choice(SlaBand, params.get("sla"), "sla"), waiting=params.get("waiting") == "true",
        ending_within_hours=int(hours) if hours else None, reason=_choice(StallReason, params.get("reason"), "reason"),
        opened_week=_week(params.get("opened_week"), "opened_week"),
        closed_week=_week(params.get("closed_week"), "closed_week"))


def _describe(query: stats_service.CaseQuery, page: Page) -> list[str]:
    """The list's filters, in words (the page's heading says what the number counted)."""
    language = page.language
    said = []
    if query.stage:
        said.append(label(query.stage, language))
    for code in (query.agency, query.holder):
        if code:
            said.append(page.agency_name(code))
    if query.pendency:
        said.append(label(query.pendency, language))
    if query.sla:
        said.append(label(query.sla, language))
    if query.reason:
        said.append(label(query.reason, language))
    return said


@router.get("/supervision/cases")
async def counted_cases(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.stalled:
        return error_page(page, _forbidden())
    now = datetime.now(UTC)
    try:
        query, pager, found = _listed(
            page, request, "web.stats.cases", _case_query,
            lambda query, offset: stats_service.case_page(page.actor, db, page.tree, query, now, offset, PAGE_SIZE))
    except Refusal as error:
        return error_page(page, error)
    return page.render("supervision_cases.html", found=found, query=query, pager=pager,
                       described=_describe(query, page), extras=list_extras(db, [i.id for i in found.items], now),
                       csv_url=f"/web/supervision/cases.csv?{urlencode(query.params())}")


@router.get("/supervision/cases.csv")
async def counted_cases_csv(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    if not page.offers.stalled:
        return error_page(page, _forbidden())
    try:
        items = _exported(page, request, "web.stats.cases.csv", _case_query,
                          lambda query: stats_service.export_cases(page.actor, db, page.tree, query, datetime.now(UTC)))
    except Refusal as error:
        return error_page(page, error)
    return _csv(stats_service.cases_csv(items, page.tree, page.language), "cases.csv")

