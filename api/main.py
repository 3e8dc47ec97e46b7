"""The ASGI app: `uvicorn api.main:app`. One router per resource (api/<resource>/router.py), and the web."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.audit.router import router as audit_router
from api.cases.router import router as cases_router
from api.certificates.router import router as certificates_router
from api.documents.router import router as documents_router
from api.errors import install_error_handlers
from api.grants.router import router as grants_router
from api.limits import BodySizeLimit, body_limit
from api.notifications.router import router as notifications_router
from api.people.router import router as people_router
from api.records.router import router as records_router
from api.search.router import router as search_router
from api.security import SecurityHeaders
from api.system.router import router as system_router
from api.verify.router import MAX_UPLOAD_BYTES as CERTIFICATE_CHECK_BYTES
from api.verify.router import router as verify_router
from api.web.mount import install as install_web
from config.settings import get_settings
from store.database import default_engine
from workflows.client import connect as connect_temporal


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    default_engine()
    app.state.temporal = await connect_temporal(settings)
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="Mizan ميزان", version="0.1.0", lifespan=lifespan,
                  description="The integrated, shared criminal case-tracking platform (Libya).")
    install_error_handlers(app)
    settings = get_settings()
    app.add_middleware(BodySizeLimit, limit=body_limit(settings.max_request_bytes, settings.document_max_bytes,
                                                       CERTIFICATE_CHECK_BYTES))
    app.add_middleware(SecurityHeaders, login_origin=settings.keycloak_url)
    for router in (system_router, cases_router, search_router, people_router, grants_router, audit_router,
                   documents_router, certificates_router, records_router, verify_router, notifications_router):
        app.include_router(router)
    install_web(app)
    return app


app = create_app()
