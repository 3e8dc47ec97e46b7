"""A case's documents: uploaded into the content-addressed store and attached by reference through the
case workflow (action `attach_document`); downloaded only by those who may see the case, and only
documents that the case's own events refer to. The logic is api.documents.service's, shared with the web."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse

from api.deps import CurrentUser, SessionDep, TemporalDep
from api.documents import service as documents_service
from api.documents.schemas import DocumentAttached, DocumentCopy, DocumentPublic
from api.params import IdempotencyKeyHeader

router = APIRouter(prefix="/api/v1/cases", tags=["documents"])


@router.post("/{case_id}/documents", status_code=201, response_model=DocumentAttached,
             operation_id="attach_document")
async def attach_document(case_id: str, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
                          request: Request, file: Annotated[UploadFile, File(description="PDF, PNG, JPEG or TIFF")],
                          title: Annotated[str, Form(min_length=1, max_length=documents_service.TITLE_MAX_LENGTH)],
                          idempotency_key: IdempotencyKeyHeader = None) -> DocumentAttached:
    return await documents_service.attach(user, case_id, file, title, request, session, temporal, idempotency_key)


@router.post("/{case_id}/documents/copies", status_code=201, response_model=DocumentAttached,
             operation_id="copy_document")
async def copy_document(case_id: str, body: DocumentCopy, user: CurrentUser, session: SessionDep,
                        temporal: TemporalDep, request: Request,
                        idempotency_key: IdempotencyKeyHeader = None) -> DocumentAttached:
    """Attach a document of another case the caller may read to this one (audited, both cases named)."""
    return await documents_service.copy(user, case_id, body.from_case_id, body.document, body.title, request,
                                        session, temporal, idempotency_key)


@router.get("/{case_id}/documents", response_model=list[DocumentPublic], operation_id="list_case_documents")
def list_case_documents(case_id: str, user: CurrentUser, session: SessionDep,
                        request: Request) -> list[DocumentPublic]:
    return documents_service.list_documents(user, case_id, request, session)


@router.get("/{case_id}/documents/{ref}", response_class=FileResponse, operation_id="download_document",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {},
                                         "image/tiff": {}}}})
def download_document(case_id: str, ref: str, user: CurrentUser, session: SessionDep,
                      request: Request) -> FileResponse:
    opened = documents_service.open_document(user, case_id, ref, request, session)
    return FileResponse(opened.path, media_type=opened.row.content_type, filename=opened.row.filename,
                        headers=documents_service.DOWNLOAD_HEADERS)
