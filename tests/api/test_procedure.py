"""The procedure table through the real services: every action's refusals by role and by stage
(nothing recorded), the published table, and merge_into's checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.procedure import ACTIONS
from core.vocabulary import Stage
from infra.demo import USERS
from tests.support import Api

pytestmark = pytest.mark.stack

USER_BY_ROLE: dict[str, str] = {}
for demo_user in USERS:
    USER_BY_ROLE.setdefault(demo_user.role, demo_user.username)


def _open(api: Api) -> str:
    report = {"offence": "سرقة بالإكراه", "category": "felony", "place": "طرابلس", "narrative": "…",
              "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
              "parties": [{"role": "suspect", "name": "خالد مفتاح"}]}
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _timeline_length(api: Api, case_id: str) -> int:
    return len(api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["timeline"])


def test_every_action_refuses_a_wrong_role_and_a_wrong_stage(api: Api) -> None:
    case_id = _open(api)
    before = _timeline_length(api, case_id)
    for rule in ACTIONS:
        if rule.name == "open_case":
            continue
        path = f"/api/v1/cases/{case_id}/actions/{rule.name}"
        wrong_role = api.as_("investigator")("POST", path, json={})
        assert wrong_role.status_code == 403, (rule.name, wrong_role.text)
        assert wrong_role.json()["error"]["code"] == "forbidden_role"
        if Stage.police_inquiry not in rule.stages:
            role = sorted(rule.roles)[0]
            wrong_stage = api.as_(USER_BY_ROLE[role])("POST", path, json={})
            assert wrong_stage.status_code == 409, (rule.name, role, wrong_stage.text)
            assert wrong_stage.json()["error"]["code"] == "wrong_stage"
    assert _timeline_length(api, case_id) == before  # every refusal recorded nothing


def test_bad_fields_are_422_with_the_field_named(api: Api) -> None:
    case_id = _open(api)
    response = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/record_arrest",
                                          json={"party_id": "p1",
                                                "arrested_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat()})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "datetime_in_future"
    assert response.json()["error"]["field"] == "arrested_at"
    unknown = api.as_("officer.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/fly_away", json={})
    assert unknown.status_code == 404


def test_the_procedure_is_published(api: Api) -> None:
    body = api.as_(None)("GET", "/api/v1/procedure").json()
    assert {a["name"] for a in body["actions"]} == {a.name for a in ACTIONS}
    assert {c["name"] for c in body["clocks"]} >= {"police_custody", "appeal_window", "handoff_ack"}


def test_merge_into_needs_another_open_case(api: Api) -> None:
    source, target = _open(api), _open(api)
    chief, prosecutor = api.as_("chief.tripoli"), api.as_("prosecutor.tripoli")
    for case_id in (source, target):
        assert chief("POST", f"/api/v1/cases/{case_id}/actions/refer_to_prosecution",
                     json={"to_agency": "pros.tripoli"}).status_code == 200
        assert prosecutor("POST", f"/api/v1/cases/{case_id}/actions/acknowledge_receipt").status_code == 200
    chiefpros = api.as_("chiefpros.tripoli")
    missing = chiefpros("POST", f"/api/v1/cases/{source}/actions/merge_into", json={"target_case_id": "nope"})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_case_reference"
    itself = chiefpros("POST", f"/api/v1/cases/{source}/actions/merge_into", json={"target_case_id": source})
    assert itself.status_code == 422
    merged = chiefpros("POST", f"/api/v1/cases/{source}/actions/merge_into", json={"target_case_id": target})
    assert merged.status_code == 200, merged.text
    assert merged.json()["stage"] == "closed"


def test_the_case_read_offers_only_what_would_be_accepted_and_reassign_keeps_the_kind(api: Api) -> None:
    case_id = _open(api)
    officer, supervisor = api.as_("officer.tripoli"), api.as_("supervisor")
    read = officer("GET", f"/api/v1/cases/{case_id}").json()
    assert "release_person" not in read["allowed_actions"]  # nobody is held
    assert read["action_choices"]["record_arrest"] == {"party_id": ["p1"]}
    arrested = officer("POST", f"/api/v1/cases/{case_id}/actions/record_arrest",
                       json={"party_id": "p1", "arrested_at": datetime.now(UTC).isoformat()})
    assert arrested.status_code == 200, arrested.text
    read = officer("GET", f"/api/v1/cases/{case_id}").json()
    assert "record_arrest" not in read["allowed_actions"]  # the only party is held already
    assert read["action_choices"]["release_person"] == {"party_id": ["p1"]}
    assert read["parties"][0]["custody"] == "police_custody"

    to_records = supervisor("POST", f"/api/v1/cases/{case_id}/actions/reassign",
                            json={"to_agency": "records", "reason": "…"})
    assert to_records.status_code == 422, to_records.text
    assert (to_records.json()["error"]["code"], to_records.json()["error"]["field"]) == ("wrong_agency_kind",
                                                                                         "to_agency")
    offered = supervisor("GET", f"/api/v1/cases/{case_id}").json()["action_choices"]["reassign"]["to_agency"]
    assert set(offered) == {"station.tripoli.souq_aljuma", "station.benghazi.central", "station.benghazi.alberka"}
