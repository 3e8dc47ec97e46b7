"""`install(app)`: the web's pages, error pages and static files on the API app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.certificate_pages import router as certificate_pages_router
from api.web.config import STATIC_DIR, vendor_dir
from api.web.notification_pages import router as notification_pages_router
from api.web.pages import CsrfRejected, LoginRequired
from api.web.people_pages import router as people_pages_router
from api.web.record_pages import router as record_pages_router
from api.web.routes import csrf_rejected_handler, login_required_handler, root_router
from api.web.routes import router as pages_router
from api.web.supervision_pages import router as supervision_pages_router
from api.web.verify_pages import router as verify_pages_router
from i18n.catalogs import compile_catalogs


def install(app: FastAPI) -> None:
    compile_catalogs()  # cheap when the .mo files are up to date
    vendor_dir().mkdir(parents=True, exist_ok=True)
    app.include_router(pages_router)
    app.include_router(certificate_pages_router)
    app.include_router(people_pages_router)
    app.include_router(record_pages_router)
    app.include_router(notification_pages_router)
    app.include_router(supervision_pages_router)
    app.include_router(verify_pages_router)
    app.include_router(root_router)
    app.add_exception_handler(LoginRequired, login_required_handler)
    app.add_exception_handler(CsrfRejected, csrf_rejected_handler)
    app.mount("/web/static", StaticFiles(directory=STATIC_DIR), name="web_static")
    app.mount("/web/vendor", StaticFiles(directory=vendor_dir()), name="web_vendor")
