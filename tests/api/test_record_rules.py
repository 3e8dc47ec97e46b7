"""The criminal record's disclosure rules and the certificate's four eyes through the real services, with real
Keycloak tokens: a juvenile's conviction withheld, a sealed one listed without its offence, a quashed judgment
removed with its ground, and a finding left off only with a ground and a second records officer's approval."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support import Api, wait_for
from tests.support.certificates import (
    ACCUSED_NAME,
    CITIZEN1_ID,
    CITIZEN2_FULL_NAME,
    CITIZEN2_ID,
    audited_by,
    convict,
    pdf_text,
    records_of,
    rehabilitate_everything,
    request_certificate,
)

pytestmark = pytest.mark.stack


def _record_of(api: Api, national_id: str, case_id: str) -> dict[str, Any]:
    return wait_for(lambda: [r for r in records_of(api, national_id) if r["case_id"] == case_id], timeout=40)[0]


def _years_ago(years: int) -> str:
    today = date.today()
    return today.replace(year=today.year - years).isoformat()


def test_a_juvenile_conviction_is_flagged_and_withheld_from_the_certificate(api: Api) -> None:
    rehabilitate_everything(api, CITIZEN2_ID)
    case_id = convict(api, CITIZEN2_ID, identity={"birth_date": _years_ago(17)}, name=CITIZEN2_FULL_NAME,
                      court="juvenile")
    record = _record_of(api, CITIZEN2_ID, case_id)
    assert record["juvenile"] is True and record["removed"] is None and not record["rehabilitated"]

    certificate = request_certificate(api, "citizen2")
    assert certificate["status"] == "issued" and certificate["result"] == "clean", certificate
    review = api.as_("records")("GET", f"/api/v1/certificates/{certificate['id']}").json()
    assert review["excluded"].get(str(record["record_id"])) == "juvenile"


def test_an_adult_conviction_is_not_flagged_juvenile(api: Api) -> None:
    case_id = convict(api, CITIZEN2_ID, identity={"birth_date": _years_ago(30)}, name=CITIZEN2_FULL_NAME)
    assert _record_of(api, CITIZEN2_ID, case_id)["juvenile"] is False
    rehabilitate_everything(api, CITIZEN2_ID)


def test_a_quashed_judgment_leaves_the_record_with_its_ground(api: Api) -> None:
    case_id = convict(api, CITIZEN2_ID, name=CITIZEN2_FULL_NAME)
    record = _record_of(api, CITIZEN2_ID, case_id)
    assert request_certificate(api, "citizen2")["status"] == "in_review"  # listed until it is removed

    path = f"/api/v1/criminal-records/{record['record_id']}/removal"
    body = {"ground": "quashed", "reference": "الطعن 412/71 ق", "decided_at": datetime.now(UTC).isoformat(),
            "authority": "المحكمة العليا"}
    assert api.as_("citizen2")("POST", path, json=body).status_code == 403
    unknown = api.as_("records")("POST", "/api/v1/criminal-records/999999999/removal", json=body)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "record_not_found"
    bad = api.as_("records")("POST", path, json=body | {"ground": "pardon"})
    assert bad.status_code == 422, bad.text
    no_reference = api.as_("records")("POST", path, json=body | {"reference": ""})
    assert no_reference.status_code == 422, no_reference.text
    assert next(r for r in records_of(api, CITIZEN2_ID) if r["record_id"] == record["record_id"])["removed"] is None

    removed = api.as_("records")("POST", path, json=body)
    assert removed.status_code == 201, removed.text
    assert removed.json()["ground"] == "quashed" and removed.json()["reference"] == "الطعن 412/71 ق"
    again = api.as_("records")("POST", path, json=body | {"ground": "amnesty"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_removed"
    assert next(r for r in records_of(api, CITIZEN2_ID) if r["record_id"] == record["record_id"])["removed"] == \
        "quashed"

    certificate = request_certificate(api, "citizen2")
    # other entries of earlier runs are rehabilitated: this one leaves by its removal
    assert certificate["status"] == "issued" and certificate["result"] == "clean", certificate
    review = api.as_("records")("GET", f"/api/v1/certificates/{certificate['id']}").json()
    assert review["excluded"].get(str(record["record_id"])) == "quashed"


def test_the_disclosure_rules_are_published_with_their_sources(api: Api) -> None:
    rules = api.as_("records")("GET", "/api/v1/criminal-records/rules").json()
    subjects = {row["subject"]: row for row in rules["disclosure"]}
    assert set(subjects) == {"juvenile", "sealed", "quashed", "amnesty"}
    assert all(row["source"] and row["verify"] for row in subjects.values())
    assert subjects["juvenile"]["disclosure"] == "withheld" and subjects["sealed"]["disclosure"] == "without_offence"


def test_a_sealed_conviction_is_listed_without_its_offence(api: Api, tmp_path: Path) -> None:
    rehabilitate_everything(api, CITIZEN1_ID)
    case_id = convict(api, CITIZEN1_ID, sensitivity="sealed")
    record = _record_of(api, CITIZEN1_ID, case_id)
    assert record["sealed"] is True
    certificate = request_certificate(api, "citizen1")
    review = api.as_("records")("GET", f"/api/v1/certificates/{certificate['id']}").json()
    entry = next(e for e in review["entries"] if e["record_id"] == record["record_id"])
    assert entry["disclosure"] == "without_offence"
    issued = api.as_("records")("POST", f"/api/v1/certificates/{certificate['id']}/issue",
                                json={"record_ids": [record["record_id"]]})
    assert issued.status_code == 200 and issued.json()["status"] == "issued", issued.text
    text = pdf_text(api.as_("citizen1")("GET", issued.json()["download_url"]).content, tmp_path)
    assert entry["case_number"] in text and "توجد سوابق" in text
    assert "السرقة" not in text and "سرقة" not in text  # the sealed file's offence stays in the file


IDENTITY = {"birth_date": "1985-03-14", "birth_place": "طرابلس", "mother_name": "فاطمة علي الزوي"}


def test_a_finding_is_left_off_only_with_a_ground_and_a_second_officers_approval(api: Api, tmp_path: Path) -> None:
    rehabilitate_everything(api, CITIZEN1_ID)
    case_id = convict(api, CITIZEN1_ID, identity=IDENTITY)
    record = _record_of(api, CITIZEN1_ID, case_id)
    certificate = request_certificate(api, "citizen1")
    assert certificate["status"] == "in_review"
    path = f"/api/v1/certificates/{certificate['id']}"
    first, second = api.as_("records"), api.as_("records2")
    own = str(record["record_id"])

    silent = first("POST", f"{path}/issue", json={"record_ids": []})
    assert silent.status_code == 422 and silent.json()["error"]["code"] == "omission_ground_required", silent.text
    assert first("GET", path).json()["status"] == "in_review"  # refused: nothing changed

    ground = "الحكم منقوض بحكم المحكمة العليا ولم يُسجل النقض بعد"
    proposed = first("POST", f"{path}/issue", json={"record_ids": [], "omissions": {own: ground}})
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["status"] == "awaiting_approval" and proposed.json()["omissions"] == {own: ground}
    assert api.as_("citizen1")("GET", path).json()["download_url"] is None  # nothing issued yet
    queue = first("GET", "/api/v1/certificates/reviews").json()["items"]
    assert any(item["id"] == certificate["id"] and item["status"] == "awaiting_approval" for item in queue)

    self_approval = first("POST", f"{path}/approval", json={"approve": True})
    assert self_approval.status_code == 403 and self_approval.json()["error"]["code"] == "four_eyes"
    citizen = api.as_("citizen1")("POST", f"{path}/approval", json={"approve": True})
    assert citizen.status_code == 403
    no_reason = second("POST", f"{path}/approval", json={"approve": False})
    assert no_reason.status_code == 422, no_reason.text

    declined = second("POST", f"{path}/approval", json={"approve": False, "reason": "أرفق صورة حكم النقض أولاً"})
    assert declined.status_code == 200 and declined.json()["status"] == "in_review", declined.text
    assert declined.json()["omissions"] == {}

    again = first("POST", f"{path}/issue", json={"record_ids": [], "omissions": {own: ground + " (مرفق)"}})
    assert again.json()["status"] == "awaiting_approval", again.text
    approved = second("POST", f"{path}/approval", json={"approve": True})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "issued" and body["result"] == "clean"
    assert body["decided_by"] == "records" and body["approved_by"] == "records2"
    assert body["omissions"] == {own: ground + " (مرفق)"}
    # both officers are in the audit, each under their own name
    assert "records" in audited_by("certificate.propose_omission", certificate["id"])
    assert "records2" in audited_by("certificate.decline_omission", certificate["id"])
    assert "records2" in audited_by("certificate.approve", certificate["id"])
    assert "records" in audited_by("certificate.issue", certificate["id"])

    # the holder as the case files name them, not as the login account does ("أحمد المبروك")
    mine = api.as_("citizen1")("GET", path).json()
    assert mine["holder"] == {"name": ACCUSED_NAME, **IDENTITY}
    assert mine["holder_name"] == ACCUSED_NAME
    text = pdf_text(api.as_("citizen1")("GET", mine["download_url"]).content, tmp_path)
    assert ACCUSED_NAME in text and "فاطمة علي الزوي" in text and "طرابلس" in text and "14/03/1985" in text
    verified = api.as_(None)("GET", f"/api/v1/verify/{mine['verification_code']}").json()
    assert verified["national_id"] == CITIZEN1_ID and verified["holder_name"] == ACCUSED_NAME


def test_a_juvenile_accused_is_flagged_and_the_case_goes_to_the_juvenile_court(api: Api) -> None:
    report = {"offence": "سرقة دراجة", "category": "misdemeanour",
              "occurred_at": datetime.now(UTC).isoformat(), "place": "طرابلس", "narrative": "سرقة دراجة من مدرسة.",
              "parties": [{"role": "accused", "name": "سالم علي محمد الورفلي", "birth_date": _years_ago(16)},
                          {"role": "accused", "name": "خالد علي محمد الورفلي", "birth_date": _years_ago(25)},
                          {"role": "victim", "name": "مدرسة الأمل", "birth_date": _years_ago(12)}]}
    created = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    case = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    assert [p["juvenile"] for p in case["parties"]] == [True, False, True]  # flagged, whatever their role

    def step(user: str, action: str, body: dict[str, object] | None = None, status: int = 200) -> dict[str, Any]:
        response = api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body or {})
        assert response.status_code == status, response.text
        return response.json()  # type: ignore[no-any-return]

    step("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"})
    step("prosecutor.tripoli", "acknowledge_receipt")
    refused = step("chiefpros.tripoli", "refer_to_court", {"to_agency": "court.tripoli", "charges": ["السرقة"]},
                   status=422)
    assert refused["error"]["code"] == "not_competent_court"
    assert refused["error"]["competent"] == ["court.tripoli.juvenile"]
    assert "محكمة الأحداث" in refused["error"]["message_ar"]
    case = api.as_("chiefpros.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    assert case["stage"] == "prosecution"  # refused: nothing changed
    assert case["action_choices"]["refer_to_court"]["to_agency"] == ["court.tripoli.juvenile"]  # only it offered
    step("chiefpros.tripoli", "refer_to_court", {"to_agency": "court.tripoli.juvenile", "charges": ["السرقة"]})
    step("clerk.juvenile", "acknowledge_receipt")
    case = api.as_("clerk.juvenile")("GET", f"/api/v1/cases/{case_id}").json()
    assert (case["stage"], case["owner_agency"]) == ("trial", "court.tripoli.juvenile")
