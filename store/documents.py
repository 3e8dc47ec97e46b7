"""Documents by reference: the bytes live on disk under the state directory, addressed by their sha256
(`<root>/ab/cd/abcd…`); cases and workflow payloads carry only the reference `sha256:<hex>`.

Storing is idempotent: the same bytes, uploaded any number of times, are one file and one row.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.procedure import ACTIONS, FieldKind
from core.refusal import Refusal
from store.models import CaseDocumentLink, CaseEventRow, Document

REF_PREFIX = "sha256:"
_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")

#: the accepted formats, recognised by their first bytes (a declared content type alone proves nothing)
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
ALLOWED_CONTENT_TYPES = frozenset(content_type for _, content_type in SIGNATURES)
#: what clients send when they do not know the type; the bytes decide then
GENERIC_CONTENT_TYPES = frozenset({"", "application/octet-stream"})

#: (action, field) pairs whose field holds a document reference, read from the procedure table
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (rule.name, spec.name) for rule in ACTIONS for spec in rule.fields if spec.kind is FieldKind.document)


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    content_type: str
    created: bool  # false when the same bytes were already stored

    @property
    def ref(self) -> str:
        return ref_for(self.sha256)


def ref_for(sha256: str) -> str:
    return f"{REF_PREFIX}{sha256}"


def parse_ref(ref: str) -> str | None:
    """The sha256 of `sha256:<hex>` (or a bare hex digest); None for anything else."""
    digest = ref.removeprefix(REF_PREFIX).lower()
    return digest if _SHA256.fullmatch(digest) else None


def blob_path(root: Path, sha256: str) -> Path:
    # two levels of 256 directories keep each directory small for millions of documents
    return root / sha256[:2] / sha256[2:4] / sha256


def sniff_content_type(head: bytes) -> str | None:
    return next((content_type for magic, content_type in SIGNATURES if head.startswith(magic)), None)


def too_large(max_bytes: int) -> Refusal:
    return Refusal("document_too_large", 413, f"a document may be at most {max_bytes} bytes",
                   f"الحد الأقصى لحجم المستند {max_bytes} بايت", "file")


def store_blob(source: BinaryIO, root: Path, max_bytes: int, declared_type: str | None = None) -> StoredBlob:
    """Copy `source` into the store, hashing on the way; refuse a file too large or of another format."""
    head = source.read(_CHUNK)
    content_type = sniff_content_type(head)
    declared = (declared_type or "").split(";")[0].strip().lower()
    if content_type is None:
        raise Refusal("unsupported_document_type", 415, "a document must be a PDF, PNG, JPEG or TIFF file",
                      "يجب أن يكون المستند بصيغة PDF أو PNG أو JPEG أو TIFF", "file")
    if declared not in GENERIC_CONTENT_TYPES and declared != content_type:
        raise Refusal("document_type_mismatch", 415, f"the file is {content_type}, not {declared}",
                      "صيغة الملف لا تطابق نوعه المعلن", "file")
    incoming = root / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=incoming, delete=False) as spool:
        try:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                digest.update(chunk)
                spool.write(chunk)
                chunk = source.read(_CHUNK)
            spool.flush()
            os.fsync(spool.fileno())
        except BaseException:
            Path(spool.name).unlink(missing_ok=True)
            raise
    sha256 = digest.hexdigest()
    target = blob_path(root, sha256)
    if target.exists():
        Path(spool.name).unlink(missing_ok=True)
        return StoredBlob(sha256, size, content_type, created=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(spool.name, 0o444)  # stored documents are never edited in place
    os.replace(spool.name, target)  # atomic: a reader never sees half a document
    return StoredBlob(sha256, size, content_type, created=True)


def record_document(session: Session, blob: StoredBlob, filename: str, uploaded_by: str, case_id: str) -> Document:
    """The document's row, created the first time these bytes are attached to a case."""
    existing = session.get(Document, blob.sha256)
    if existing is not None:
        return existing
    row = Document(sha256=blob.sha256, size=blob.size, content_type=blob.content_type, filename=filename[:255],
                   uploaded_by=uploaded_by, uploaded_at=datetime.now(UTC), first_case_id=case_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same bytes attached concurrently by someone else
        found = session.get(Document, blob.sha256, populate_existing=True)
        assert found is not None
        return found
    return row


def _references(fields: dict[str, object], names: Iterable[str]) -> list[str]:
    found = []
    for name in names:
        value = fields.get(name)
        digest = parse_ref(value) if isinstance(value, str) else None
        if digest is not None:
            found.append(digest)
    return found


def case_documents(session: Session, case_id: str) -> dict[str, str | None]:
    """Every document the case's events refer to (sha256 → its latest title): what belongs to the case."""
    fields_by_action: dict[str, list[str]] = {}
    for action, field in DOCUMENT_FIELDS:
        fields_by_action.setdefault(action, []).append(field)
    events = session.scalars(select(CaseEventRow).where(
        CaseEventRow.case_id == case_id, CaseEventRow.name.in_(sorted(fields_by_action))).order_by(CaseEventRow.seq))
    documents: dict[str, str | None] = {}
    for event in events:
        title = event.fields.get("title") or event.fields.get("description")
        for digest in _references(event.fields, fields_by_action[event.name]):
            documents[digest] = str(title) if title else documents.get(digest)
    return documents


def link_document(session: Session, case_id: str, sha256: str, *, how: str, linked_by: str,
                  from_case_id: str | None = None) -> bool:
    """Let the case name the document (idempotent); False when it could already."""
    if session.get(CaseDocumentLink, (case_id, sha256)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(CaseDocumentLink(case_id=case_id, sha256=sha256, how=how, linked_by=linked_by,
                                         linked_at=datetime.now(UTC), from_case_id=from_case_id))
    except IntegrityError:  # linked concurrently by the same upload retried
        return False
    return True


def linked(session: Session, case_id: str, sha256: str) -> bool:
    return session.get(CaseDocumentLink, (case_id, sha256)) is not None


def unknown_document(field: str) -> Refusal:
    """The one answer for a reference the case may not name: whether the bytes exist elsewhere is not said."""
    return Refusal("unknown_document", 422, "this case has no such document: upload it to the case, or copy it from "
                   "another case you may read", "لا يوجد هذا المستند في القضية: ارفعه إليها أو انسخه من قضية "
                   "يحق لك الاطلاع عليها", field)
