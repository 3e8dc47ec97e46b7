"""The inbox in the web: one's own notifications, newest first, each with its link to act from; mark one or
all read; and one's email preferences. Over api.notifications.service, like its REST twin."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.notifications import service
from api.notifications.schemas import PreferencesUpdate
from api.web.pages import error_page, page_for, posted_form
from core.refusal import Refusal
from core.vocabulary import NotificationKind

INBOX = "/web/notifications"
PREFERENCES = f"{INBOX}/preferences"
PAGE_SIZE = 25

router = APIRouter(prefix=INBOX, include_in_schema=False)


@router.get("")
async def inbox(request: Request, db: SessionDep, unread: bool = False, page_number: int = 1) -> HTMLResponse:
    page = await page_for(request, db)
    number = max(1, min(page_number, 10_000))
    listing = await run_in_threadpool(lambda: service.page_of(page.actor, db, unread_only=unread,
                                                              offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE))
    pages = max(1, -(-listing.total // PAGE_SIZE))
    return page.render("notifications.html", listing=listing, unread_only=unread, page_number=number, pages=pages)


@router.post("/{notification_id}/read")
async def mark_read(request: Request, notification_id: str, db: SessionDep) -> Response:
    page = await page_for(request, db)
    form = await posted_form(request, page)
    try:
        item = await run_in_threadpool(service.read_one, page.actor, db, notification_id[:64])
    except Refusal as error:
        return error_page(page, error)
    # "open" marks it read and goes where it is acted on; "mark read" stays in the inbox
    if form.get("open"):
        return RedirectResponse(item.link, status_code=303)
    return RedirectResponse(_back(form.get("back")), status_code=303)


@router.post("/read-all")
async def mark_all_read(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    await posted_form(request, page)
    await run_in_threadpool(service.read_all, page.actor, db)
    return RedirectResponse(INBOX, status_code=303)


def _back(value: object) -> str:
    """Back to the inbox view the form was on (only the inbox's own addresses)."""
    back = str(value or "")
    return back if back.startswith(INBOX) and "//" not in back and "\\" not in back else INBOX


@router.get("/preferences")
async def preferences(request: Request, db: SessionDep, saved: bool = False) -> HTMLResponse:
    page = await page_for(request, db)
    try:
        current = await run_in_threadpool(service.preferences, page.actor, db)
    except Refusal as error:
        return error_page(page, error)
    return page.render("notification_preferences.html", preferences=current, kinds=list(NotificationKind),
                       saved=saved)


@router.post("/preferences")
async def save_preferences(request: Request, db: SessionDep) -> Response:
    page = await page_for(request, db)
    form = await posted_form(request, page)
    muted = [kind for kind in NotificationKind if not form.get(f"email_{kind.value}")]
    body = PreferencesUpdate(language="en" if form.get("language") == "en" else "ar",
                             email_enabled=bool(form.get("email_enabled")), muted_kinds=muted)
    try:
        await run_in_threadpool(service.update_preferences, page.actor, db, body)
    except Refusal as error:
        return error_page(page, error)
    return RedirectResponse(f"{PREFERENCES}?saved=true", status_code=303)
