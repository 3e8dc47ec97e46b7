"""An action request may carry an `Idempotency-Key`: a retried request returns the first result and
records nothing twice, through the real API, Temporal and the read model."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import Api

pytestmark = pytest.mark.stack


def _report() -> dict[str, object]:
    return {
        "offence": "سرقة دراجة نارية", "category": "misdemeanour",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
        "place": "طرابلس، قرجي", "narrative": "سرقة دراجة نارية من أمام منزل المشتكي.",
        "parties": [{"role": "complainant", "name": "عادل سالم الزروق"}],
    }


def _case(api: Api, case_id: str) -> dict:
    response = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_opening_a_case_twice_with_one_key_opens_one_case(api: Api) -> None:
    officer, key, report = api.as_("officer.tripoli"), uuid.uuid4().hex, _report()
    first = officer("POST", "/api/v1/cases", json=report, headers={"Idempotency-Key": key})
    second = officer("POST", "/api/v1/cases", json=report, headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    # another key is another report
    third = officer("POST", "/api/v1/cases", json=_report(), headers={"Idempotency-Key": uuid.uuid4().hex})
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]
    # the key is the caller's: the same key from another officer is that officer's own request
    other = api.as_("chief.tripoli")("POST", "/api/v1/cases", json=report, headers={"Idempotency-Key": key})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


def test_concurrent_retries_of_an_opening_answer_the_same_case_and_number(api: Api) -> None:
    # a client that timed out and retried while its first request was still being served
    officer, key, report = api.as_("officer.tripoli"), uuid.uuid4().hex, _report()
    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(
            lambda _: officer("POST", "/api/v1/cases", json=report, headers={"Idempotency-Key": key}), range(3)))
    assert [r.status_code for r in responses] == [201, 201, 201], [r.text for r in responses]
    bodies = [r.json() for r in responses]
    assert bodies[0] == bodies[1] == bodies[2]
    case = _case(api, bodies[0]["id"])
    assert case["number"] == bodies[0]["number"]
    assert [e["name"] for e in case["timeline"]] == ["open_case"]
    # the retries drew no number of their own: the station's next report takes the very next one (this suite
    # opens its cases one at a time, so no other opening comes between)
    station, year, serial = case["number"].rsplit("/", 2)
    following = officer("POST", "/api/v1/cases", json=_report(), headers={"Idempotency-Key": uuid.uuid4().hex})
    assert following.status_code == 201, following.text
    assert following.json()["number"] == f"{station}/{year}/{int(serial) + 1:05d}"


def test_a_retried_action_returns_the_first_result_and_records_one_event(api: Api) -> None:
    officer = api.as_("officer.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    key = uuid.uuid4().hex
    party = {"role": "witness", "name": "نادية فرج القاضي"}

    def add_party(idempotency_key: str) -> dict:
        response = officer("POST", f"/api/v1/cases/{case_id}/actions/add_party", json=party,
                           headers={"Idempotency-Key": idempotency_key})
        assert response.status_code == 200, response.text
        return dict(response.json())

    first, retried = add_party(key), add_party(key)
    assert retried == first
    case = _case(api, case_id)
    assert [e["name"] for e in case["timeline"]].count("add_party") == 1
    assert [p["name"] for p in case["parties"]].count(party["name"]) == 1

    # the same request under a new key is a new action: the retry above was recognised, not refused
    assert add_party(uuid.uuid4().hex)["seq"] == first["seq"] + 1
    case = _case(api, case_id)
    assert [e["name"] for e in case["timeline"]].count("add_party") == 2


def test_concurrent_retries_of_an_action_record_it_once(api: Api) -> None:
    officer = api.as_("officer.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    key = uuid.uuid4().hex
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: officer(
            "POST", f"/api/v1/cases/{case_id}/actions/add_party", json={"role": "witness", "name": "سعاد الهادي"},
            headers={"Idempotency-Key": key}), range(4)))
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    assert len({r.json()["seq"] for r in responses}) == 1
    assert [e["name"] for e in _case(api, case_id)["timeline"]].count("add_party") == 1


def test_a_key_sent_again_with_another_request_is_refused(api: Api) -> None:
    officer, key = api.as_("officer.tripoli"), uuid.uuid4().hex
    report = _report()
    assert officer("POST", "/api/v1/cases", json=report, headers={"Idempotency-Key": key}).status_code == 201
    changed = officer("POST", "/api/v1/cases", json={**report, "place": "مصراتة"}, headers={"Idempotency-Key": key})
    assert changed.status_code == 422, changed.text
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert changed.json()["error"]["field"] == "Idempotency-Key"

    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    action_key = uuid.uuid4().hex
    path = f"/api/v1/cases/{case_id}/actions/add_party"
    assert officer("POST", path, json={"role": "witness", "name": "أ"}, headers={"Idempotency-Key": action_key}
                   ).status_code == 200
    other = officer("POST", path, json={"role": "witness", "name": "ب"}, headers={"Idempotency-Key": action_key})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    # nor on another case
    other_case = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    elsewhere = officer("POST", f"/api/v1/cases/{other_case}/actions/add_party", json={"role": "witness", "name": "أ"},
                        headers={"Idempotency-Key": action_key})
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["code"] == "idempotency_key_reused"
    assert [e["name"] for e in _case(api, case_id)["timeline"]].count("add_party") == 1


def test_a_refused_request_leaves_its_key_for_the_corrected_one(api: Api) -> None:
    officer = api.as_("officer.tripoli")
    case_id = officer("POST", "/api/v1/cases", json=_report()).json()["id"]
    key, path = uuid.uuid4().hex, f"/api/v1/cases/{case_id}/actions/add_party"
    refused = officer("POST", path, json={"role": "witness"}, headers={"Idempotency-Key": key})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "missing_field"
    corrected = officer("POST", path, json={"role": "witness", "name": "هدى"}, headers={"Idempotency-Key": key})
    assert corrected.status_code == 200, corrected.text


@pytest.mark.parametrize("key", ["x" * 201, "two words", "مفتاح", "tab\there"])
def test_a_malformed_key_is_refused_before_anything_happens(api: Api, key: str) -> None:
    officer = api.as_("officer.tripoli")
    response = officer("POST", "/api/v1/cases", json=_report(), headers={"Idempotency-Key": key.encode()})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
