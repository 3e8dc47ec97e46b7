"""A case's documents, one implementation for the REST API and the web: upload (checked, stored by content,
attached through the case workflow), the case's list, and opening one for download. Every upload and
download is audited, refusals included; `via` marks the web's calls in the audit detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from temporalio.client import Client

from api import audit_trail
from api.cases import service as cases_service
from api.documents.schemas import DocumentAttached, DocumentPublic
from config.settings import get_settings
from core.case import Actor
from core.refusal import Refusal
from core.text import clean_text
from core.transitions import allowed_actions
from store.agencies import agency_refs
from store.documents import (
    StoredBlob,
    blob_path,
    case_documents,
    link_document,
    parse_ref,
    record_document,
    ref_for,
    store_blob,
    too_large,
)
from store.models import Document

ATTACH = "attach_document"
TITLE_MAX_LENGTH = 300
#: room for the multipart envelope and the title around the file itself
_MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class OpenedDocument:
    row: Document
    path: Path


def _detail(detail: dict[str, Any], via: str | None) -> dict[str, Any]:
    return {**detail, "via": via} if via else detail


def public(row: Document, title: str | None) -> DocumentPublic:
    return DocumentPublic(ref=ref_for(row.sha256), title=title, size=row.size, content_type=row.content_type,
                          filename=row.filename, uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at)


def document_not_found() -> Refusal:
    # the same answer whether the document does not exist or belongs to another case: no side doors
    return Refusal("document_not_found", 404, "this case has no such document", "لا يوجد هذا المستند في القضية")


def _checked_title(title: str | None) -> str:
    cleaned = clean_text(title or "", "title", max_length=TITLE_MAX_LENGTH)
    if not cleaned:
        raise Refusal("title_required", 422, "a document needs a title", "يلزم إدخال عنوان المستند", "title")
    return cleaned


async def attach(actor: Actor, case_id: str, file: UploadFile | None, title: str | None, request: Request,
                 session: Session, temporal: Client, idempotency_key: str | None = None,
                 via: str | None = None) -> DocumentAttached:
    """Check, store and attach an uploaded file; a Refusal (audited) says why not, and nothing is attached."""
    settings = get_settings()
    filename = file.filename if file is not None else None
    try:
        _, state = await run_in_threadpool(cases_service.visible_case, actor, case_id, session)
        # checked before the bytes are kept: who may not attach may not fill the store either
        agencies = await run_in_threadpool(agency_refs, session)
        if ATTACH not in allowed_actions(state, actor, datetime.now(UTC), agencies):
            raise Refusal("action_not_allowed", 403, "you may not attach documents to this case now",
                          "لا يمكنك إرفاق مستندات بهذه القضية الآن")
        if file is None or not file.filename:
            raise Refusal("document_missing", 422, "choose the file to upload", "اختر الملف المراد رفعه", "file")
        cleaned_title = _checked_title(title)
        declared_length = int(request.headers.get("content-length") or 0)
        if declared_length > settings.document_max_bytes + _MULTIPART_OVERHEAD:
            raise too_large(settings.document_max_bytes)
        blob = await run_in_threadpool(store_blob, file.file, settings.documents_dir,
                                       settings.document_max_bytes, file.content_type)
        # the bytes were uploaded to this case: it may name them (a bare hash names nothing: store.documents)
        row = await run_in_threadpool(_keep_for_case, session, blob, filename or "document", actor.username, case_id)
        # the workflow validator decides again on the live state; the event it records carries the reference
        result = await cases_service.act(actor, case_id, ATTACH, {"document": blob.ref, "title": cleaned_title},
                                         idempotency_key, session, temporal)
    except Refusal as error:
        await audit_trail.record_async(actor, request, "document.upload", case_id=case_id,
                                       outcome=audit_trail.refused(error), detail=_detail({"filename": filename}, via))
        raise
    await audit_trail.record_async(actor, request, "document.upload", case_id=case_id,
                                   detail=_detail({"document": blob.ref, "size": blob.size, "seq": result.seq,
                                                   "stored": blob.created}, via))
    return DocumentAttached(document=public(row, cleaned_title), case_id=case_id, seq=result.seq, stored=blob.created)


def _keep_for_case(session: Session, blob: StoredBlob, filename: str, username: str, case_id: str) -> Document:
    # database writes off the event loop: a write waiting for SQLite's lock must not stall every other request
    row = record_document(session, blob, filename, username, case_id)
    link_document(session, case_id, blob.sha256, how="upload", linked_by=username)
    session.commit()
    return row


async def copy(actor: Actor, case_id: str, from_case_id: str, ref: str, title: str | None, request: Request,
               session: Session, temporal: Client, idempotency_key: str | None = None) -> DocumentAttached:
    """Attach to a case a document of another case: only for someone who may read both, and audited with
    both cases named. The one way a document reaches a case it was not uploaded to."""
    detail = {"from_case_id": from_case_id, "document": ref}
    try:
        await run_in_threadpool(cases_service.visible_case, actor, from_case_id, session)
        digest = parse_ref(ref)
        if digest is None or digest not in await run_in_threadpool(case_documents, session, from_case_id):
            raise document_not_found()
        cleaned_title = _checked_title(title)
        await run_in_threadpool(cases_service.visible_case, actor, case_id, session)
        await run_in_threadpool(_link_copy, session, case_id, digest, actor.username, from_case_id)
        result = await cases_service.act(actor, case_id, ATTACH, {"document": ref_for(digest), "title": cleaned_title},
                                         idempotency_key, session, temporal)
    except Refusal as error:
        await audit_trail.record_async(actor, request, "document.copy", case_id=case_id,
                                       outcome=audit_trail.refused(error), detail=detail)
        raise
    row = session.get(Document, digest)
    assert row is not None
    await audit_trail.record_async(actor, request, "document.copy", case_id=case_id,
                                   detail={**detail, "seq": result.seq})
    return DocumentAttached(document=public(row, cleaned_title), case_id=case_id, seq=result.seq, stored=False)


def _link_copy(session: Session, case_id: str, digest: str, username: str, from_case_id: str) -> None:
    link_document(session, case_id, digest, how="copy", linked_by=username, from_case_id=from_case_id)
    session.commit()


def documents_of(session: Session, case_id: str) -> list[DocumentPublic]:
    """The case's documents, oldest first; the caller has checked that the case may be seen."""
    titles = case_documents(session, case_id)
    rows = [session.get(Document, digest) for digest in titles]
    return [public(row, titles[row.sha256]) for row in rows if row is not None]


def list_documents(actor: Actor, case_id: str, request: Request, session: Session) -> list[DocumentPublic]:
    try:
        cases_service.visible_case(actor, case_id, session)
    except Refusal as error:
        audit_trail.record(actor, request, "document.list", case_id=case_id, outcome=audit_trail.refused(error))
        raise
    documents = documents_of(session, case_id)
    audit_trail.record(actor, request, "document.list", case_id=case_id, detail={"hits": len(documents)})
    return documents


def open_document(actor: Actor, case_id: str, ref: str, request: Request, session: Session,
                  via: str | None = None) -> OpenedDocument:
    """A document of this case that the actor may see, ready to send; audited either way."""
    try:
        cases_service.visible_case(actor, case_id, session)
        digest = parse_ref(ref)
        if digest is None or digest not in case_documents(session, case_id):
            raise document_not_found()
        row = session.get(Document, digest)
        path = blob_path(get_settings().documents_dir, digest)
        if row is None or not path.is_file():
            raise document_not_found()
    except Refusal as error:
        audit_trail.record(actor, request, "document.read", case_id=case_id, outcome=audit_trail.refused(error),
                           detail=_detail({"document": ref}, via))
        raise
    audit_trail.record(actor, request, "document.read", case_id=case_id,
                       detail=_detail({"document": ref_for(digest)}, via))
    return OpenedDocument(row, path)


#: headers for a document sent to a browser: never sniffed into something executable, never cached
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
