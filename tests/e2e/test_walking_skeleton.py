"""The walking skeleton through the real services: a case from a Tripoli police station to a final
judgment, by real Keycloak users, through Temporal, into the read model and the search index."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import Api, wait_for

ACCUSED = "أحمد عبد الله المبروك"


def _report(accused: str = ACCUSED) -> dict[str, object]:
    return {
        "offence": "سرقة هاتف محمول",
        "category": "misdemeanour",
        "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "place": "طرابلس، شارع عمر المختار",
        "narrative": "أفاد المشتكي بسرقة هاتفه المحمول من سيارته المركونة أمام المصرف.",
        "parties": [
            {"role": "accused", "name": accused, "national_id": "119900011111"},
            {"role": "complainant", "name": "سالم خليفة الورفلي"},
        ],
    }


@pytest.mark.stack
def test_no_token_is_401(api: Api) -> None:
    response = api.as_(None)("GET", "/api/v1/cases")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.stack
def test_a_garbage_token_is_401(api: Api) -> None:
    response = api.as_(None)("GET", "/api/v1/cases", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@pytest.mark.stack
def test_wrong_role_is_403_and_records_nothing(api: Api) -> None:
    response = api.as_("judge.tripoli")("POST", "/api/v1/cases", json=_report())
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden_role"


@pytest.mark.stack
def test_bad_fields_are_422(api: Api) -> None:
    report = _report()
    report["parties"] = [{"role": "accused", "name": "علي", "national_id": "12345"}]
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_national_id"


@pytest.mark.stack
def test_case_walks_from_report_to_final_judgment(api: Api) -> None:
    officer, chief = api.as_("officer.tripoli"), api.as_("chief.tripoli")
    prosecutor, chiefpros = api.as_("prosecutor.tripoli"), api.as_("chiefpros.tripoli")
    clerk, judge = api.as_("clerk.tripoli"), api.as_("judge.tripoli")

    # a tag of this run's own: the shared dev index holds this name from every earlier run, and the
    # search must find this run's case among them, not on whichever page relevance puts it
    tag = uuid.uuid4().hex[:8]
    accused = f"{ACCUSED} {tag}"
    created = officer("POST", "/api/v1/cases", json=_report(accused))
    assert created.status_code == 201, created.text
    case = created.json()
    case_id = case["id"]
    assert case["stage"] == "police_inquiry"
    assert case["number"].startswith("station.tripoli.central/")

    def step(who: object, action: str, body: dict[str, object] | None = None, status: int = 200) -> dict:
        response = who("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body or {})  # type: ignore[operator]
        assert response.status_code == status, response.text
        return response.json()  # type: ignore[no-any-return]

    # an officer may not refer: only the station chief does (403); a judge, whose court has not held the case,
    # can neither act on it nor learn anything of it (404, as for a case that does not exist)
    refused = step(officer, "refer_to_prosecution", {"to_agency": "pros.tripoli"}, 403)
    assert refused["error"]["code"] == "forbidden_role"
    assert step(judge, "record_verdict", {"verdicts": []}, 404)["error"]["code"] == "case_not_found"

    assert step(chief, "refer_to_prosecution", {"to_agency": "pros.tripoli"})["stage"] == "prosecution"
    step(prosecutor, "acknowledge_receipt")
    hearing_at = datetime.now(UTC) + timedelta(seconds=2)
    assert step(chiefpros, "refer_to_court", {"to_agency": "court.tripoli",
                                              "charges": ["السرقة (المادة 444 عقوبات)"]})["stage"] == "trial"
    step(clerk, "schedule_hearing", {"hearing_at": hearing_at.isoformat(), "room": "القاعة 3"})
    time.sleep(max(0.0, (hearing_at - datetime.now(UTC)).total_seconds()) + 0.3)
    step(judge, "record_verdict", {"pronounced_at": datetime.now(UTC).isoformat(), "verdicts": [
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس ستة أشهر", "in_absentia": False}]})

    detail = api.as_("judge.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    assert detail["stage"] == "trial"
    assert any(c["name"] == "appeal_window" for c in detail["open_clocks"])

    # the appeal window (5 s under tests/fast_rules.yaml) lapses: the verdict becomes final
    def final() -> dict | None:
        body = api.as_("chiefpros.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
        return body if body["stage"] == "final" else None

    final_case = wait_for(final, timeout=40)
    assert final_case["owner_agency"] == "pros.tripoli"
    assert final_case["verdicts"][0]["final"] is True
    names = [e["name"] for e in final_case["timeline"]]
    assert names[:7] == ["open_case", "refer_to_prosecution", "acknowledge_receipt", "refer_to_court",
                         "schedule_hearing", "record_verdict", "clock_warning"] or names[:6] == [
        "open_case", "refer_to_prosecution", "acknowledge_receipt", "refer_to_court", "schedule_hearing",
        "record_verdict"]
    assert names[-1] == "clock_expired"
    assert final_case["timeline"][0]["actor"] == "officer.tripoli"

    # the read model lists it; the search index finds it by the accused's name for the CID only
    listed = api.as_("chiefpros.tripoli")("GET", "/api/v1/cases", params={"stage": "final"}).json()
    assert case_id in [c["id"] for c in listed["items"]]

    def found_by(user: str, query: str) -> list[str]:
        response = api.as_(user)("GET", "/api/v1/search", params={"q": query})
        assert response.status_code == 200, response.text
        return [hit["id"] for hit in response.json()["items"]]

    wait_for(lambda: case_id in found_by("investigator", f"احمد عبدالله المبروك {tag}"), timeout=20)
    assert case_id in found_by("investigator", accused)
    assert case_id not in found_by("officer.benghazi", accused)
    assert api.as_("officer.benghazi")("GET", f"/api/v1/cases/{case_id}").status_code == 404


def test_fast_rules_file_is_valid() -> None:
    from pathlib import Path

    from config.rules import read_rule_file
    from core.clocks import Unit, rulebook_with

    book = rulebook_with(read_rule_file(Path(__file__).resolve().parents[1] / "fast_rules.yaml"))
    assert book.clock("appeal_window").length == 5
    assert book.clock("appeal_window").unit is Unit.seconds
