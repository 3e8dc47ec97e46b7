"""A case's documents: uploaded into the content-addressed store and attached by reference through the
case workflow (action `attach_document`); downloaded only by those who may see the case, and only
documents that the case's own events refer to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from activities.documents import blob_path, case_documents, parse_ref, record_document, ref_for, store_blob, too_large
from activities.models import Document
from api import audit_trail, cases_service
from api.deps import CurrentUser, SessionDep, TemporalDep
from api.errors import ApiError, from_refusal
from api.schemas import DocumentAttached, DocumentPublic
from core.refusal import Refusal
from core.settings import get_settings
from core.transitions import allowed_actions

router = APIRouter(prefix="/api/v1/cases", tags=["documents"])

ATTACH = "attach_document"
#: room for the multipart envelope and the title around the file itself
_MULTIPART_OVERHEAD = 64 * 1024


def _public(row: Document, title: str | None) -> DocumentPublic:
    return DocumentPublic(ref=ref_for(row.sha256), title=title, size=row.size, content_type=row.content_type,
                          filename=row.filename, uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at)


def _document_not_found() -> ApiError:
    # the same answer whether the document does not exist or belongs to another case: no side doors
    return ApiError(404, "document_not_found", "this case has no such document", "لا يوجد هذا المستند في القضية")


@router.post("/{case_id}/documents", status_code=201, response_model=DocumentAttached,
             operation_id="attach_document")
async def attach_document(case_id: str, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
                          request: Request, file: Annotated[UploadFile, File(description="PDF, PNG, JPEG or TIFF")],
                          title: Annotated[str, Form(min_length=1, max_length=300)],
                          idempotency_key: Annotated[str | None, Header()] = None) -> DocumentAttached:
    settings = get_settings()
    try:
        _, state = cases_service.visible_case(user, case_id, session)
        # checked before the bytes are kept: who may not attach may not fill the store either
        if ATTACH not in allowed_actions(state, user, datetime.now(UTC)):
            raise ApiError(403, "action_not_allowed", "you may not attach documents to this case now",
                           "لا يمكنك إرفاق مستندات بهذه القضية الآن")
        declared_length = int(request.headers.get("content-length") or 0)
        if declared_length > settings.document_max_bytes + _MULTIPART_OVERHEAD:
            raise from_refusal(too_large(settings.document_max_bytes))
        try:
            blob = await run_in_threadpool(store_blob, file.file, settings.documents_dir,
                                           settings.document_max_bytes, file.content_type)
        except Refusal as refusal:
            raise from_refusal(refusal) from None
        # the workflow validator decides again on the live state; the event it records carries the reference
        result = await cases_service.act(user, case_id, ATTACH, {"document": blob.ref, "title": title},
                                         idempotency_key, session, temporal)
    except ApiError as error:
        await run_in_threadpool(audit_trail.record, user, request, "document.upload", case_id=case_id,
                                outcome=f"refused:{error.code}", detail={"filename": file.filename})
        raise
    # database writes off the event loop: a write waiting for SQLite's lock must not stall every other request
    row = await run_in_threadpool(record_document, session, blob, file.filename or "document", user.username,
                                  case_id)
    await run_in_threadpool(audit_trail.record, user, request, "document.upload", case_id=case_id,
                            detail={"document": blob.ref, "size": blob.size, "seq": result.seq,
                                    "stored": blob.created})
    return DocumentAttached(document=_public(row, title), case_id=case_id, seq=result.seq, stored=blob.created)


@router.get("/{case_id}/documents", response_model=list[DocumentPublic], operation_id="list_case_documents")
def list_case_documents(case_id: str, user: CurrentUser, session: SessionDep,
                        request: Request) -> list[DocumentPublic]:
    try:
        cases_service.visible_case(user, case_id, session)
    except ApiError as error:
        audit_trail.record(user, request, "document.list", case_id=case_id, outcome=f"refused:{error.code}")
        raise
    titles = case_documents(session, case_id)
    rows = [session.get(Document, digest) for digest in titles]
    audit_trail.record(user, request, "document.list", case_id=case_id, detail={"hits": len(titles)})
    return [_public(row, titles[row.sha256]) for row in rows if row is not None]


@router.get("/{case_id}/documents/{ref}", response_class=FileResponse, operation_id="download_document",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {},
                                         "image/tiff": {}}}})
def download_document(case_id: str, ref: str, user: CurrentUser, session: SessionDep,
                      request: Request) -> FileResponse:
    try:
        cases_service.visible_case(user, case_id, session)
        digest = parse_ref(ref)
        if digest is None or digest not in case_documents(session, case_id):
            raise _document_not_found()
        row = session.get(Document, digest)
        path = blob_path(get_settings().documents_dir, digest)
        if row is None or not path.is_file():
            raise _document_not_found()
    except ApiError as error:
        audit_trail.record(user, request, "document.read", case_id=case_id, outcome=f"refused:{error.code}",
                           detail={"document": ref})
        raise
    audit_trail.record(user, request, "document.read", case_id=case_id, detail={"document": ref_for(digest)})
    return FileResponse(path, media_type=row.content_type, filename=row.filename,
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
