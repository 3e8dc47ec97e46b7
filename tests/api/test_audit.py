"""The audit log through the real API: who, role, agency, what, when, from where; auditors only;
reading it is itself audited; and `mizan audit verify` over the database the API writes to."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import ROOT
from tests.support import Api

pytestmark = pytest.mark.stack


def _open_case(api: Api) -> str:
    report = {
        "offence": "اعتداء بالضرب", "category": "misdemeanour",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=5)).isoformat(),
        "place": "طرابلس، سوق الثلاثاء", "narrative": "مشاجرة أمام محل تجاري.",
        "parties": [{"role": "accused", "name": "مراد علي الشيباني"}],
    }
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _audit(api: Api, **params: object) -> dict:
    response = api.as_("auditor")("GET", "/api/v1/audit", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_only_an_auditor_reads_the_audit_log_and_the_refusal_is_recorded(api: Api) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    for user in ("supervisor", "chiefpros.tripoli", "admin", "citizen1"):
        response = api.as_(user)("GET", "/api/v1/audit")
        assert response.status_code == 403, (user, response.text)
        assert response.json()["error"]["code"] == "forbidden_role"
    assert api.as_(None)("GET", "/api/v1/audit").status_code == 401
    refused = _audit(api, username="supervisor", action="audit.read", **{"from": start.isoformat()})["items"]
    assert [r["outcome"] for r in refused] == ["refused:forbidden_role"]


def test_actions_and_reads_are_recorded_with_who_role_agency_what_when_where(api: Api) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    case_id = _open_case(api)
    chief = api.as_("chief.tripoli")
    assert chief("GET", f"/api/v1/cases/{case_id}").status_code == 200
    refused = chief("POST", f"/api/v1/cases/{case_id}/actions/record_verdict", json={"verdicts": []})
    assert refused.status_code in (403, 409), refused.text
    refusal = f"refused:{refused.json()['error']['code']}"
    assert api.as_("officer.benghazi")("GET", f"/api/v1/cases/{case_id}").status_code == 404  # as if none
    after = datetime.now(UTC) + timedelta(seconds=1)

    page = _audit(api, case_id=case_id)
    records = page["items"]
    assert page["total"] == len(records) >= 4
    opened = next(r for r in records if r["action"] == "case.action" and r["detail"].get("action") == "open_case")
    assert (opened["username"], opened["role"], opened["agency"]) == (
        "officer.tripoli", "police_officer", "station.tripoli.central")
    assert opened["outcome"] == "ok" and opened["address"] == "127.0.0.1"
    assert before <= datetime.fromisoformat(opened["at"]) <= after
    read = next(r for r in records if r["action"] == "case.read" and r["username"] == "chief.tripoli")
    assert read["role"] == "station_chief" and read["outcome"] == "ok"
    assert any(r["username"] == "chief.tripoli" and r["outcome"] == refusal for r in records)
    assert any(r["username"] == "officer.benghazi" and r["outcome"] == "refused:case_not_found:hidden" for r in records)
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)


def test_filters_by_user_action_time_and_pages(api: Api) -> None:
    case_id = _open_case(api)
    for _ in range(3):
        assert api.as_("chief.tripoli")("GET", f"/api/v1/cases/{case_id}").status_code == 200

    by_user = _audit(api, case_id=case_id, username="chief.tripoli")
    assert by_user["total"] == 3 and {r["username"] for r in by_user["items"]} == {"chief.tripoli"}
    by_action = _audit(api, case_id=case_id, action="case.action")
    assert by_action["total"] == 1 and by_action["items"][0]["username"] == "officer.tripoli"

    first, second = _audit(api, case_id=case_id, limit=1), _audit(api, case_id=case_id, limit=1, offset=1)
    assert first["total"] == second["total"] == 4
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["id"] < second["items"][0]["id"]

    # a time window that holds only the last read; naive times are UTC
    reads = _audit(api, case_id=case_id, action="case.read")["items"]
    last_at = datetime.fromisoformat(reads[-1]["at"])
    window = _audit(api, case_id=case_id, **{"from": last_at.isoformat(), "to": (last_at + timedelta(seconds=1))
                                             .isoformat()})
    assert [r["id"] for r in window["items"]] == [reads[-1]["id"]]
    naive_first = datetime.fromisoformat(reads[0]["at"]).astimezone(UTC).replace(tzinfo=None)
    naive = _audit(api, case_id=case_id, **{"to": naive_first.isoformat()})
    assert reads[0]["id"] not in [r["id"] for r in naive["items"]]  # `to` is exclusive
    assert _audit(api, case_id=case_id, **{"from": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})[
        "total"] == 0

    bad = api.as_("auditor")("GET", "/api/v1/audit", params={"from": "yesterday"})
    assert bad.status_code == 422


def test_reading_the_audit_log_is_audited(api: Api) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    case_id = _open_case(api)
    _audit(api, case_id=case_id, username="officer.tripoli")
    reads = [r for r in _audit(api, username="auditor", action="audit.read", **{"from": start.isoformat()})["items"]
             if r["detail"].get("case_id") == case_id]
    assert len(reads) == 1, "the auditor's read is not on record"
    assert reads[0]["role"] == "auditor" and reads[0]["agency"] == "moi"
    assert reads[0]["detail"]["username"] == "officer.tripoli" and reads[0]["detail"]["hits"] >= 1


def test_the_chain_the_api_wrote_verifies() -> None:
    result = subprocess.run([sys.executable, "-m", "infra.cli", "audit", "verify"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "chain intact" in result.stdout
