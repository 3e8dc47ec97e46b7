"""Stalled cases through the real services: an unacknowledged hand-off (4 s under
tests/fast_rules.yaml) flags the case, supervisors in scope see it with why, Temporal's visibility
answers the same query, and the acknowledgement clears it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import Settings
from tests.support import Api, wait_for
from workflows.client import connect as connect_temporal

pytestmark = pytest.mark.stack


def _stalled_ids(api: Api, user: str) -> dict[str, list[str]]:
    response = api.as_(user)("GET", "/api/v1/cases", params={"stalled": "true", "limit": 200})
    assert response.status_code == 200, response.text
    return {c["id"]: c["stalled_reasons"] for c in response.json()["items"]}


def _temporal_stalled(settings: Settings, case_id: str) -> bool:
    async def query() -> bool:
        client = await connect_temporal(settings)
        found = [w.id async for w in client.list_workflows(f"MizanStalled = true AND WorkflowId = 'case-{case_id}'")]
        return bool(found)

    return asyncio.run(query())


def test_an_unacknowledged_handoff_stalls_the_case_until_acknowledged(api: Api, settings: Settings) -> None:
    report = {"offence": "إتلاف مال عام", "category": "misdemeanour", "place": "سوق الجمعة", "narrative": "…",
              "occurred_at": (datetime.now(UTC) - timedelta(hours=5)).isoformat(),
              "parties": [{"role": "suspect", "name": "مجهول"}]}
    created = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    referred = api.as_("chief.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/refer_to_prosecution",
                                        json={"to_agency": "pros.tripoli"})
    assert referred.status_code == 200, referred.text

    reasons = wait_for(lambda: _stalled_ids(api, "supervisor.tripoli").get(case_id), timeout=30)
    assert reasons == ["handoff_ack"]
    assert case_id in _stalled_ids(api, "supervisor")  # national scope
    assert case_id not in _stalled_ids(api, "officer.benghazi")  # outside their agency
    wait_for(lambda: _temporal_stalled(settings, case_id), timeout=30)  # the same query in Temporal's UI

    detail = api.as_("prosecutor.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    assert detail["in_transit"] and detail["pending_handoff"]["escalated"]
    assert any(e["name"] == "clock_expired" and e["fields"]["clock"] == "handoff_ack" for e in detail["timeline"])

    acknowledged = api.as_("prosecutor.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/acknowledge_receipt")
    assert acknowledged.status_code == 200, acknowledged.text
    wait_for(lambda: case_id not in _stalled_ids(api, "supervisor.tripoli"), timeout=30)
