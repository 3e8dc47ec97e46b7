"""The procedure table through the real services: every action's refusals by role and by stage
(nothing recorded), the published table, and merge_into's checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.procedure import ACTIONS
from core.vocabulary import Role, Stage
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


#: the demo users' roles that see a case just opened at Tripoli Central: its station's, and national readers
SEE_A_NEW_TRIPOLI_CASE = {Role.police_officer, Role.station_chief, Role.supervisor, Role.investigator, Role.auditor}


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
            for role in sorted(rule.roles):
                wrong_stage = api.as_(USER_BY_ROLE[role])("POST", path, json={})
                if role in SEE_A_NEW_TRIPOLI_CASE:
                    assert wrong_stage.status_code == 409, (rule.name, role, wrong_stage.text)
                    assert wrong_stage.json()["error"]["code"] == "wrong_stage"
                else:  # acting needs reading: an agency that has not held the case hears only "no such case"
                    assert wrong_stage.status_code == 404, (rule.name, role, wrong_stage.text)
                    assert wrong_stage.json()["error"]["code"] == "case_not_found"
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


def test_a_case_the_caller_may_not_see_answers_as_one_that_does_not_exist(api: Api) -> None:
    case_id = _open(api)
    benghazi = api.as_("officer.benghazi")
    for method, path in (("GET", "{}"), ("POST", "{}/actions/add_party"), ("GET", "{}/documents")):
        hidden = benghazi(method, "/api/v1/cases/" + path.format(case_id), json={"role": "witness", "name": "x"})
        unknown = benghazi(method, "/api/v1/cases/" + path.format("0" * 32), json={"role": "witness", "name": "x"})
        assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json()) == (
            404, {"error": {"code": "case_not_found", "message": "no such case", "message_ar": "القضية غير موجودة"}})


def test_a_judge_extends_detention_once_the_prosecution_asked_their_court(api: Api) -> None:
    """The court competent for the case's region rules on a detention the prosecution puts before it; from
    then on it sees the case, and what its judge may act on they may read (issue 11, one access rule)."""
    case_id = _open(api)
    act = lambda user, action, body: api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}",  # noqa: E731
                                                     json=body)
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    assert act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "خشية الهرب"}).status_code == 200
    extension = {"party_id": "p1", "days": 15, "grounds": "مقتضيات التحقيق"}
    assert act("judge.tripoli", "extend_detention", extension).status_code == 404  # not their case yet
    assert api.as_("judge.tripoli")("GET", f"/api/v1/cases/{case_id}").status_code == 404

    elsewhere = act("prosecutor.tripoli", "request_detention_extension",
                    {"party_id": "p1", "to_agency": "court.benghazi", "grounds": "…"})
    assert (elsewhere.status_code, elsewhere.json()["error"]["code"]) == (422, "not_competent_court")
    case = api.as_("prosecutor.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    # the first-instance court of the case's region (competent courts are data in the agency tree)
    assert case["action_choices"]["request_detention_extension"]["to_agency"] == ["court.tripoli"]
    asked = act("prosecutor.tripoli", "request_detention_extension",
                {"party_id": "p1", "to_agency": "court.tripoli", "grounds": "مقتضيات التحقيق"})
    assert asked.status_code == 200, asked.text
    assert api.as_("judge.tripoli")("GET", f"/api/v1/cases/{case_id}").status_code == 200
    assert act("judge.tripoli", "extend_detention", extension).status_code == 200
    assert act("judge.benghazi", "extend_detention", extension).status_code == 404
