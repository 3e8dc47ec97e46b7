"""The ASGI app: `uvicorn api.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from activities.database import default_engine
from api.errors import install_error_handlers
from api.routers import (
    audit,
    cases,
    certificates,
    certificates_web,
    criminal_records,
    documents,
    grants,
    people,
    search,
    system,
    verify,
)
from api.web.mount import install as install_web
from core.settings import get_settings
from workflows.payloads import connect as connect_temporal


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
    app.include_router(system.router)
    app.include_router(cases.router)
    app.include_router(search.router)
    app.include_router(people.router)
    app.include_router(grants.router)
    app.include_router(audit.router)
    app.include_router(documents.router)
    app.include_router(certificates.router)
    app.include_router(certificates_web.router)
    app.include_router(criminal_records.router)
    app.include_router(verify.router)
    install_web(app)
    return app


app = create_app()
