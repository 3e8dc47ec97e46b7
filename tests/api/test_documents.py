"""Documents by reference, through the real API with real tokens: stored once by content, attached by
the case workflow, downloaded only by those who may see the case and only from their own case."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from core.refusal import Refusal
from store.documents import blob_path, parse_ref, sniff_content_type, store_blob
from tests.support import Api

PNG = b"\x89PNG\r\n\x1a\n"


def _pdf(marker: str | None = None) -> bytes:
    # unique bytes per test run: the store is shared with every earlier run
    return f"%PDF-1.4\n% mizan test {marker or uuid.uuid4().hex}\n%%EOF\n".encode()


def _open_case(api: Api) -> str:
    report = {
        "offence": "تزوير محرر رسمي", "category": "misdemeanour",
        "occurred_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
        "place": "طرابلس، حي الأندلس", "narrative": "تقديم شهادة مزورة إلى جهة رسمية.",
        "parties": [{"role": "accused", "name": "خالد محمد الفيتوري", "national_id": "119800022222"}],
    }
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _upload(api: Api, user: str, case_id: str, data: bytes, *, title: str = "محضر الضبط",
            filename: str = "محضر.pdf", content_type: str = "application/pdf",
            headers: dict[str, str] | None = None) -> tuple[int, dict]:
    response = api.as_(user)("POST", f"/api/v1/cases/{case_id}/documents", data={"title": title},
                             files={"file": (filename, data, content_type)}, headers=headers or {})
    return response.status_code, response.json()


def _timeline(api: Api, case_id: str) -> list[dict]:
    response = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}")
    assert response.status_code == 200, response.text
    return list(response.json()["timeline"])


@pytest.mark.stack
def test_a_document_is_stored_by_content_and_attached_by_reference(api: Api, settings: Settings) -> None:
    case_id = _open_case(api)
    data = _pdf()
    sha = hashlib.sha256(data).hexdigest()
    status, body = _upload(api, "officer.tripoli", case_id, data)
    assert status == 201, body
    assert body["document"]["ref"] == f"sha256:{sha}"
    assert body["document"]["content_type"] == "application/pdf"
    assert body["document"]["size"] == len(data)
    assert body["document"]["filename"] == "محضر.pdf"
    assert body["stored"] is True
    stored = blob_path(settings.documents_dir, sha)
    assert stored.read_bytes() == data
    assert stored.parent.parent.name == sha[:2] and stored.parent.name == sha[2:4]

    attached = [e for e in _timeline(api, case_id) if e["name"] == "attach_document"]
    assert len(attached) == 1 and attached[0]["seq"] == body["seq"]
    assert attached[0]["fields"] == {"document": f"sha256:{sha}", "title": "محضر الضبط"}
    assert attached[0]["actor"] == "officer.tripoli"

    # the same bytes again (another title, another upload) are kept once
    status, again = _upload(api, "chief.tripoli", case_id, data, title="نسخة ثانية", filename="copy.pdf")
    assert status == 201, again
    assert again["stored"] is False and again["document"]["ref"] == f"sha256:{sha}"
    assert again["document"]["filename"] == "محضر.pdf"  # the row keeps its first upload
    assert sorted(p.name for p in stored.parent.iterdir() if p.name.startswith(sha[:8])) == [sha]
    listed = api.as_("chief.tripoli")("GET", f"/api/v1/cases/{case_id}/documents").json()
    assert [(d["ref"], d["title"]) for d in listed] == [(f"sha256:{sha}", "نسخة ثانية")]


@pytest.mark.stack
def test_download_only_for_who_may_see_the_case_and_only_its_own_documents(api: Api) -> None:
    case_id, other_case = _open_case(api), _open_case(api)
    data = _pdf()
    status, body = _upload(api, "officer.tripoli", case_id, data, filename="تقرير الطب الشرعي.pdf")
    assert status == 201, body
    ref = body["document"]["ref"]

    response = api.as_("chief.tripoli")("GET", f"/api/v1/cases/{case_id}/documents/{ref}")
    assert response.status_code == 200, response.text
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in response.headers["content-disposition"]
    # the bare digest names the same document
    bare = api.as_("chief.tripoli")("GET", f"/api/v1/cases/{case_id}/documents/{ref.removeprefix('sha256:')}")
    assert bare.status_code == 200 and bare.content == data

    # another agency that never held the case: told there is no such case, nothing about the document
    foreign = api.as_("officer.benghazi")("GET", f"/api/v1/cases/{case_id}/documents/{ref}")
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "case_not_found", foreign.text
    # no side door: the document through another case the caller may see is not there
    side = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{other_case}/documents/{ref}")
    assert side.status_code == 404, side.text
    assert side.json()["error"]["code"] == "document_not_found"
    assert api.as_("officer.tripoli")("GET", f"/api/v1/cases/{other_case}/documents").json() == []
    unknown = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}/documents/sha256:{'0' * 64}")
    assert unknown.status_code == 404
    garbage = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}/documents/..%2F..%2Fmizan.db")
    assert garbage.status_code == 404

    # every download, refused ones too, is on the audit record
    audit = api.as_("auditor")("GET", "/api/v1/audit", params={"case_id": case_id, "action": "document.read"})
    assert audit.status_code == 200, audit.text
    outcomes = [(r["username"], r["outcome"]) for r in audit.json()["items"]]
    assert ("chief.tripoli", "ok") in outcomes
    assert ("officer.benghazi", "refused:case_not_found:hidden") in outcomes
    uploads = api.as_("auditor")("GET", "/api/v1/audit", params={"case_id": case_id, "action": "document.upload"})
    assert [r["detail"]["document"] for r in uploads.json()["items"]] == [ref]


@pytest.mark.stack
def test_who_may_not_attach_stores_nothing(api: Api, settings: Settings) -> None:
    case_id = _open_case(api)
    data = _pdf()
    sha = hashlib.sha256(data).hexdigest()
    # the CID investigator sees every unsealed case but may not add to its file
    status, body = _upload(api, "investigator", case_id, data)
    assert status == 403, body
    assert body["error"]["code"] == "action_not_allowed"
    # a judge's court never held the case: it is not theirs to see, as if there were none
    status, body = _upload(api, "judge.tripoli", case_id, data)
    assert (status, body["error"]["code"]) == (404, "case_not_found"), body
    assert not blob_path(settings.documents_dir, sha).exists()
    assert not [e for e in _timeline(api, case_id) if e["name"] == "attach_document"]


@pytest.mark.stack
def test_only_pdf_png_jpeg_and_tiff_are_accepted(api: Api) -> None:
    case_id = _open_case(api)
    status, body = _upload(api, "officer.tripoli", case_id, b"<html><script>alert(1)</script></html>",
                           filename="x.pdf", content_type="application/pdf")
    assert status == 415, body
    assert body["error"]["code"] == "unsupported_document_type"
    status, body = _upload(api, "officer.tripoli", case_id, _pdf(), filename="x.png", content_type="image/png")
    assert status == 415, body
    assert body["error"]["code"] == "document_type_mismatch"
    status, body = _upload(api, "officer.tripoli", case_id, PNG + uuid.uuid4().bytes, filename="صورة.png",
                           content_type="image/png")
    assert status == 201, body
    assert body["document"]["content_type"] == "image/png"
    status, body = _upload(api, "officer.tripoli", case_id, _pdf(), title="")
    assert status == 422, body
    assert [e["name"] for e in _timeline(api, case_id)].count("attach_document") == 1


@pytest.mark.stack
def test_a_document_over_the_size_limit_is_refused(api: Api, settings: Settings) -> None:
    case_id = _open_case(api)
    too_big = _pdf() + b"\0" * settings.document_max_bytes
    status, body = _upload(api, "officer.tripoli", case_id, too_big)
    assert status == 413, body
    assert body["error"]["code"] == "document_too_large"
    # just over the limit, inside the multipart allowance: caught while the bytes are counted
    just_over = _pdf()
    just_over += b"\0" * (settings.document_max_bytes - len(just_over) + 1)
    status, body = _upload(api, "officer.tripoli", case_id, just_over)
    assert status == 413, body
    assert not blob_path(settings.documents_dir, hashlib.sha256(just_over).hexdigest()).exists()


@pytest.mark.stack
def test_a_retried_upload_with_an_idempotency_key_attaches_once(api: Api) -> None:
    case_id = _open_case(api)
    data, key = _pdf(), uuid.uuid4().hex
    first = _upload(api, "officer.tripoli", case_id, data, headers={"Idempotency-Key": key})
    second = _upload(api, "officer.tripoli", case_id, data, headers={"Idempotency-Key": key})
    assert first[0] == second[0] == 201, (first, second)
    assert first[1]["seq"] == second[1]["seq"]
    assert [e["name"] for e in _timeline(api, case_id)].count("attach_document") == 1


# --------------------------------------------------------------------------------------
# The store itself (no services)
# --------------------------------------------------------------------------------------


def test_the_store_keeps_the_same_bytes_once(tmp_path: Path) -> None:
    data = _pdf("same")
    first = store_blob(io.BytesIO(data), tmp_path, 1024)
    second = store_blob(io.BytesIO(data), tmp_path, 1024)
    assert first.created and not second.created
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert blob_path(tmp_path, first.sha256).read_bytes() == data
    assert list((tmp_path / "incoming").iterdir()) == []  # no spool left behind


def test_the_store_refuses_oversized_and_unknown_files_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(Refusal) as refused:
        store_blob(io.BytesIO(_pdf() + b"x" * 2048), tmp_path, 1024)
    assert refused.value.status == 413
    with pytest.raises(Refusal) as refused:
        store_blob(io.BytesIO(b"MZ\x90\x00 an executable"), tmp_path, 1024)
    assert refused.value.status == 415
    assert list((tmp_path / "incoming").iterdir()) == []
    assert [p for p in tmp_path.iterdir() if p.name != "incoming"] == []


def test_content_types_and_references_are_recognised() -> None:
    assert sniff_content_type(b"%PDF-1.7 ...") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0 jfif") == "image/jpeg"
    assert sniff_content_type(b"II*\x00....") == sniff_content_type(b"MM\x00*....") == "image/tiff"
    assert sniff_content_type(b"GIF89a") is None
    digest = "ab" * 32
    assert parse_ref(f"sha256:{digest}") == parse_ref(digest.upper()) == digest
    assert parse_ref("sha256:../../etc/passwd") is None
    assert parse_ref("sha256:" + "a" * 63) is None


@pytest.mark.stack
def test_a_hash_is_no_key_to_another_cases_document(api: Api) -> None:
    """Naming another case's document by its content hash attaches nothing: the answer is the same as for a
    hash no file has, so it tells nothing of what is stored (issue 11)."""
    sealed = {"offence": "اعتداء", "category": "felony", "sensitivity": "sealed", "place": "طرابلس",
              "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(), "narrative": "…", "parties": []}
    secret_case = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=sealed).json()["id"]
    data = _pdf()
    status, body = _upload(api, "officer.tripoli", secret_case, data)
    assert status == 201, body
    secret = body["document"]["ref"]

    # a Benghazi officer owns a case of their own, and knows (or guesses) the hash
    own = api.as_("officer.benghazi")("POST", "/api/v1/cases", json={**sealed, "sensitivity": "normal"}).json()["id"]
    benghazi = api.as_("officer.benghazi")
    answers = []
    for ref in (secret, f"sha256:{'1' * 64}"):
        for action, fields in (("attach_document", {"document": ref, "title": "مسروق"}),
                               ("add_evidence", {"description": "…", "document": ref})):
            response = benghazi("POST", f"/api/v1/cases/{own}/actions/{action}", json=fields)
            answers.append((response.status_code, response.json()))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0][0] == 422 and answers[0][1]["error"]["code"] == "unknown_document"
    assert answers[0][1]["error"]["field"] == "document"
    assert benghazi("GET", f"/api/v1/cases/{own}/documents").json() == []
    assert benghazi("GET", f"/api/v1/cases/{own}/documents/{secret}").status_code == 404


@pytest.mark.stack
def test_a_document_reaches_another_case_by_an_audited_copy_by_who_reads_both(api: Api) -> None:
    source, target = _open_case(api), _open_case(api)
    status, body = _upload(api, "officer.tripoli", source, data := _pdf())
    assert status == 201, body
    ref = body["document"]["ref"]
    copy = {"from_case_id": source, "document": ref, "title": "صورة من محضر القضية الأصلية"}
    # who may not read the source hears that there is no such case
    refused = api.as_("officer.benghazi")("POST", f"/api/v1/cases/{target}/documents/copies", json=copy)
    assert refused.status_code == 404, refused.text
    # a document the source case does not have
    stray = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{target}/documents/copies",
                                      json={**copy, "document": f"sha256:{'2' * 64}"})
    assert (stray.status_code, stray.json()["error"]["code"]) == (404, "document_not_found")

    copied = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{target}/documents/copies", json=copy)
    assert copied.status_code == 201, copied.text
    listed = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{target}/documents").json()
    assert [(d["ref"], d["title"]) for d in listed] == [(ref, "صورة من محضر القضية الأصلية")]
    assert api.as_("officer.tripoli")("GET", f"/api/v1/cases/{target}/documents/{ref}").content == data
    # and now the target may name it by its hash, as its own
    evidence = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{target}/actions/add_evidence",
                                          json={"description": "المحضر الأصلي", "document": ref})
    assert evidence.status_code == 200, evidence.text
    audit = api.as_("auditor")("GET", "/api/v1/audit", params={"case_id": target, "action": "document.copy"}).json()
    outcomes = [(r["username"], r["outcome"], r["detail"]["from_case_id"]) for r in audit["items"]]
    assert ("officer.tripoli", "ok", source) in outcomes
