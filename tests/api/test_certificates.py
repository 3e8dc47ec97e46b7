"""The criminal-status certificate through the real services: cases driven to a final conviction by
real Keycloak users, the certificate workflow on Temporal, the PDF, its signature and the public
verification."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from pypdf import PdfReader
from sqlalchemy import update

from store.database import session_scope
from store.models import Certificate
from tests.support import Api, wait_for
from tests.support.certificates import (
    ACCUSED_NAME,
    CITIZEN1_ID,
    CITIZEN2_ID,
    CITIZEN2_NAME,
    audited,
    convict,
    holder_name,
    pdf_text,
    records_of,
    rehabilitate_everything,
    request_certificate,
)

pytestmark = pytest.mark.stack


# ---------------------------------------------------------------- a clean record


@pytest.fixture(scope="module")
def clean_certificate(api: Api) -> dict[str, Any]:
    rehabilitate_everything(api, CITIZEN2_ID)
    return request_certificate(api, "citizen2", english=True)


def test_a_citizen_with_no_record_gets_a_certificate_at_once(clean_certificate: dict[str, Any], api: Api,
                                                             tmp_path: Path) -> None:
    assert clean_certificate["status"] == "issued"
    assert clean_certificate["result"] == "clean"
    assert clean_certificate["holder_name"] == holder_name(CITIZEN2_ID, CITIZEN2_NAME)
    assert clean_certificate["national_id"] == CITIZEN2_ID
    expires = datetime.fromisoformat(clean_certificate["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) < timedelta(days=94)

    download = api.as_("citizen2")("GET", clean_certificate["download_url"])
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    text = pdf_text(download.content, tmp_path)
    # the Arabic name, extracted in logical order, and the English page asked for
    assert clean_certificate["holder_name"] in text
    assert "لا توجد سوابق" in text and "Criminal Status Certificate" in text
    assert clean_certificate["verification_code"] in text
    assert clean_certificate["holder_name"] in (PdfReader(tmp_path / "certificate.pdf").pages[0].extract_text() or "")

    assert audited("certificate.compute", clean_certificate["id"])
    assert audited("certificate.issue", clean_certificate["id"])
    assert audited("certificate.download", clean_certificate["id"])


def test_the_signature_proves_the_pdf_unaltered(clean_certificate: dict[str, Any], api: Api) -> None:
    citizen = api.as_("citizen2")
    pdf = citizen("GET", clean_certificate["download_url"]).content
    signature = citizen("GET", f"/api/v1/certificates/{clean_certificate['id']}/signature").json()
    key = load_pem_public_key(signature["public_key_pem"].encode())
    key.verify(base64.b64decode(signature["signature"]), pdf)  # type: ignore[union-attr,call-arg]
    published = api.as_(None)("GET", "/api/v1/verify/key").json()
    assert published["public_key_pem"] == signature["public_key_pem"]

    anyone = api.as_(None)
    checked = anyone("POST", "/api/v1/verify/document", files={"file": ("c.pdf", pdf, "application/pdf")})
    assert checked.status_code == 200, checked.text
    assert checked.json()["signature_valid"] is True
    assert checked.json()["verification"]["status"] == "valid"

    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01
    checked = anyone("POST", "/api/v1/verify/document", files={"file": ("c.pdf", bytes(tampered), "application/pdf")})
    assert checked.status_code == 200, checked.text
    assert checked.json()["signature_valid"] is False
    assert checked.json()["verification"] is None


def test_verification_shows_validity_dates_name_and_national_id(clean_certificate: dict[str, Any], api: Api) -> None:
    anyone = api.as_(None)
    code = clean_certificate["verification_code"]
    answer = anyone("GET", f"/api/v1/verify/{code}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"status", "valid", "holder_name", "national_id", "issued_at", "expires_at", "message",
                         "message_ar"}
    assert body["national_id"] == CITIZEN2_ID
    expected = holder_name(CITIZEN2_ID, CITIZEN2_NAME)
    assert body["status"] == "valid" and body["valid"] is True and body["holder_name"] == expected
    page = anyone("GET", f"/verify/{code}")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    assert expected in page.text and "هذه الشهادة صالحة" in page.text and CITIZEN2_ID in page.text
    missing = anyone("GET", "/api/v1/verify/MZN-NOSUC-HCODE-XXXXX")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "certificate_not_found"


def test_one_citizen_cannot_see_anothers_certificate(clean_certificate: dict[str, Any], api: Api) -> None:
    other = api.as_("citizen1")
    certificate_id = clean_certificate["id"]
    for path in (f"/api/v1/certificates/{certificate_id}", f"/api/v1/certificates/{certificate_id}/pdf",
                 f"/api/v1/certificates/{certificate_id}/signature"):
        response = other("GET", path)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert certificate_id not in [c["id"] for c in other("GET", "/api/v1/certificates").json()["items"]]
    assert certificate_id in [c["id"] for c in api.as_("citizen2")("GET", "/api/v1/certificates").json()["items"]]
    assert api.as_("officer.tripoli")("GET", f"/api/v1/certificates/{certificate_id}").status_code == 403
    assert api.as_("records")("GET", f"/api/v1/certificates/{certificate_id}").status_code == 200
    # a police officer is no citizen: no certificate for them
    refused = api.as_("officer.tripoli")("POST", "/api/v1/certificates", json={"purpose": "سفر"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden_role"


def test_an_expired_or_revoked_certificate_fails_verification(api: Api) -> None:
    certificate = request_certificate(api, "citizen2", purpose="سفر")
    code, anyone = certificate["verification_code"], api.as_(None)
    pdf = api.as_("citizen2")("GET", certificate["download_url"]).content
    with session_scope() as session:  # three months pass
        session.execute(update(Certificate).where(Certificate.id == certificate["id"])
                        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    expired = anyone("GET", f"/api/v1/verify/{code}").json()
    assert expired["status"] == "expired" and expired["valid"] is False
    assert "انتهت صلاحية" in anyone("GET", f"/verify/{code}").text
    checked = anyone("POST", "/api/v1/verify/document", files={"file": ("c.pdf", pdf, "application/pdf")}).json()
    assert checked["signature_valid"] is True and checked["verification"]["status"] == "expired"

    second = request_certificate(api, "citizen2", purpose="رخصة")
    assert api.as_("citizen2")("POST", f"/api/v1/certificates/{second['id']}/revoke",
                               json={"reason": "خطأ"}).status_code == 403
    revoked = api.as_("records")("POST", f"/api/v1/certificates/{second['id']}/revoke",
                                 json={"reason": "صدرت بناء على بيانات خاطئة"})
    assert revoked.status_code == 200, revoked.text
    answer = anyone("GET", f"/api/v1/verify/{second['verification_code']}").json()
    assert answer["status"] == "revoked" and answer["valid"] is False


# ---------------------------------------------------------------- a record


@pytest.fixture(scope="module")
def convictions(api: Api) -> dict[str, str]:
    rehabilitate_everything(api, CITIZEN1_ID)
    final_case = convict(api, CITIZEN1_ID)
    pending_case = convict(api, CITIZEN1_ID, in_absentia=True)  # never served: never final
    return {"final": final_case, "pending": pending_case}


def test_a_final_conviction_is_recorded_and_one_not_yet_final_is_not(convictions: dict[str, str], api: Api) -> None:
    entries = wait_for(lambda: [r for r in records_of(api, CITIZEN1_ID) if r["case_id"] == convictions["final"]])
    entry = entries[0]
    assert entry["name"] == ACCUSED_NAME and entry["sentence"] == "الحبس ستة أشهر"
    assert entry["court"] == "court.tripoli" and entry["category"] == "misdemeanour"
    assert "السرقة" in entry["offence"] and not entry["rehabilitated"]
    pending = api.as_("judge.tripoli")("GET", f"/api/v1/cases/{convictions['pending']}").json()
    assert pending["verdicts"] and pending["verdicts"][0]["final"] is False
    assert convictions["pending"] not in [r["case_id"] for r in records_of(api, CITIZEN1_ID)]
    assert api.as_("citizen1")("GET", "/api/v1/criminal-records",
                               params={"national_id": CITIZEN1_ID}).status_code == 403


def test_a_citizen_with_a_final_conviction_goes_to_review_and_gets_it_listed(
        convictions: dict[str, str], api: Api, tmp_path: Path) -> None:
    wait_for(lambda: [r for r in records_of(api, CITIZEN1_ID) if r["case_id"] == convictions["final"]])
    certificate = request_certificate(api, "citizen1")
    assert certificate["status"] == "in_review" and certificate["download_url"] is None
    assert "entries" not in certificate  # the citizen sees the status, not the officer's worksheet

    officer = api.as_("records")
    queue = officer("GET", "/api/v1/certificates/reviews").json()["items"]
    review = next(item for item in queue if item["id"] == certificate["id"])
    assert review["review_due_at"] is not None and review["escalated"] is False
    case_numbers = {e["case_number"] for e in review["entries"]}
    final_number = api.as_("judge.tripoli")("GET", f"/api/v1/cases/{convictions['final']}").json()["number"]
    pending_number = api.as_("judge.tripoli")("GET", f"/api/v1/cases/{convictions['pending']}").json()["number"]
    assert final_number in case_numbers and pending_number not in case_numbers
    final_record = next(e for e in review["entries"] if e["case_number"] == final_number)

    # refused decisions change nothing: a citizen may not decide; an officer may not list a stranger's record
    path = f"/api/v1/certificates/{certificate['id']}"
    refused = api.as_("citizen1")("POST", f"{path}/issue", json={"record_ids": []})
    assert refused.status_code == 403, refused.text
    refused = officer("POST", f"{path}/issue", json={"record_ids": [10**9]})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_field", refused.text
    refused = officer("POST", f"{path}/reject", json={"reason": "   "})
    assert refused.status_code == 422, refused.text
    assert api.as_("citizen1")("GET", path).json()["status"] == "in_review"

    issued = officer("POST", f"{path}/issue", json={"record_ids": [final_record["record_id"]]})
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued" and issued.json()["result"] == "convictions"
    assert officer("POST", f"{path}/issue", json={"record_ids": []}).status_code == 409  # decided once

    mine = api.as_("citizen1")("GET", path).json()
    assert [e["case_number"] for e in mine["listed"]] == [final_number]
    text = pdf_text(api.as_("citizen1")("GET", mine["download_url"]).content, tmp_path)
    assert ACCUSED_NAME in text and "توجد سوابق" in text and final_number in text and pending_number not in text
    assert audited("certificate.decide", certificate["id"]) and audited("certificate.review_opened", certificate["id"])


def test_an_officer_rejects_with_a_reason_the_citizen_sees(convictions: dict[str, str], api: Api) -> None:
    wait_for(lambda: [r for r in records_of(api, CITIZEN1_ID) if r["case_id"] == convictions["final"]])
    certificate = request_certificate(api, "citizen1", purpose="سفر")
    assert certificate["status"] == "in_review"
    reason = "يرجى مراجعة إدارة السجل الجنائي شخصياً لاستكمال البيانات"
    rejected = api.as_("records")("POST", f"/api/v1/certificates/{certificate['id']}/reject", json={"reason": reason})
    assert rejected.status_code == 200, rejected.text
    mine = api.as_("citizen1")("GET", f"/api/v1/certificates/{certificate['id']}").json()
    assert mine["status"] == "rejected" and mine["rejection_reason"] == reason and mine["download_url"] is None


def test_a_rehabilitated_conviction_does_not_appear(convictions: dict[str, str], api: Api) -> None:
    record = wait_for(lambda: [r for r in records_of(api, CITIZEN1_ID) if r["case_id"] == convictions["final"]])[0]
    body = {"order_number": "رد اعتبار 7/2026", "ordered_at": datetime.now(UTC).isoformat(),
            "court": "محكمة استئناف طرابلس"}
    path = f"/api/v1/criminal-records/{record['record_id']}/rehabilitation"
    assert api.as_("citizen1")("POST", path, json=body).status_code == 403
    assert api.as_("records")("POST", "/api/v1/criminal-records/999999999/rehabilitation", json=body).status_code == 404
    rehabilitate_everything(api, CITIZEN1_ID)
    assert api.as_("records")("POST", path, json=body).status_code == 409  # one order per entry

    certificate = request_certificate(api, "citizen1")
    assert certificate["status"] == "issued" and certificate["result"] == "clean" and certificate["listed"] == []


# ---------------------------------------------------------------- the pages and the rate limit


def test_the_certificate_pages_need_a_web_login(clean_certificate: dict[str, Any], api: Api) -> None:
    """The pages are the web's (tests/web/test_web_certificates.py walks them): a bearer token is not a web
    session, and nobody is let in without one."""
    for path in ("/web/certificates", f"/web/certificates/{clean_certificate['id']}", "/web/certificates/reviews"):
        response = api.as_("citizen2")("GET", path, follow_redirects=False)
        assert response.status_code == 303, (path, response.text)
        assert response.headers["location"] == f"/web/login?next={path}"
    assert api.as_(None)("GET", "/certificates", follow_redirects=False).status_code == 404  # the old pages are gone


def test_verification_is_rate_limited(clean_certificate: dict[str, Any], api: Api) -> None:
    anyone, code = api.as_(None), clean_certificate["verification_code"]
    statuses = []
    for _ in range(200):
        response = anyone("GET", f"/api/v1/verify/{code}")
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.json()["error"]["code"] == "rate_limited"
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    # the bucket refills: verification comes back within seconds
    wait_for(lambda: anyone("GET", f"/api/v1/verify/{code}").status_code == 200, timeout=10, interval=0.5)
