"""All of a form's errors at once through HTTP with real tokens (issue 14): the refusal's own code, field and
messages stay the first error's, and `errors` carries every one; nothing is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import Api

pytestmark = pytest.mark.stack


def _open(api: Api) -> str:
    report = {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "…",
              "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
              "parties": [{"role": "suspect", "name": "خالد مفتاح"}]}
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_an_action_missing_two_fields_is_refused_with_both(api: Api) -> None:
    case_id = _open(api)
    officer = api.as_("officer.tripoli")
    before = len(officer("GET", f"/api/v1/cases/{case_id}").json()["timeline"])
    response = officer("POST", f"/api/v1/cases/{case_id}/actions/record_statement", json={})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("missing_field", "party_id")  # the first, as before
    assert [(e["field"], e["code"]) for e in error["errors"]] == [("party_id", "missing_field"),
                                                                 ("text", "missing_field")]
    assert all(e["message_ar"] and e["message"] for e in error["errors"])
    assert len(officer("GET", f"/api/v1/cases/{case_id}").json()["timeline"]) == before


def test_a_report_missing_its_fields_names_each(api: Api) -> None:
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json={"category": "misdemeanour"})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert {e["field"] for e in error["errors"]} == {"offence", "occurred_at", "place", "narrative"}
    assert error["field"] == error["errors"][0]["field"]
