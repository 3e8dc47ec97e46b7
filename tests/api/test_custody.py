"""Custody and detention follow the person (issue 13, Deliver 1) through the real API with real tokens: each rule
refused with its code in both languages, recording nothing; the hand-over at referral, its expiry into "release
due" (the test rules run it in seconds, tests/fast_rules.yaml), no extension after it, and no closing while the
case holds someone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support import Api, wait_for

pytestmark = pytest.mark.stack


def _open(api: Api, parties: list[dict[str, str]]) -> str:
    report = {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "…",
              "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(), "parties": parties}
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _actor(api: Api, case_id: str) -> Callable[[str, str, dict[str, Any]], httpx.Response]:
    def act(user: str, action: str, body: dict[str, Any]) -> httpx.Response:
        return api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body)
    return act


def _refusal(response: httpx.Response) -> tuple[int, str]:
    error = response.json()["error"]
    assert error["message"] and error["message_ar"], error  # said in both languages
    return response.status_code, error["code"]


def _read(api: Api, case_id: str, user: str = "prosecutor.tripoli") -> dict[str, Any]:
    response = api.as_(user)("GET", f"/api/v1/cases/{case_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_detention_order_is_for_a_defendant_not_already_detained(api: Api) -> None:
    case_id = _open(api, [{"role": "suspect", "name": "خالد مفتاح"}, {"role": "witness", "name": "سالم علي"}])
    act = _actor(api, case_id)
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    assert _read(api, case_id)["action_choices"]["order_detention"] == {"party_id": ["p1"]}
    witness = act("prosecutor.tripoli", "order_detention", {"party_id": "p2", "grounds": "…"})
    assert _refusal(witness) == (409, "not_a_defendant")
    assert act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "خشية الهرب"}).status_code == 200
    before = _read(api, case_id)
    again = act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "…"})
    assert _refusal(again) == (409, "already_detained")
    after = _read(api, case_id)
    assert after["open_clocks"] == before["open_clocks"]  # the prosecution's six days did not start again
    assert len(after["timeline"]) == len(before["timeline"])
    # nor does the case close over the detained person
    archived = act("chiefpros.tripoli", "archive", {"ground": "عدم كفاية الأدلة"})
    assert _refusal(archived) == (409, "person_held")
    assert archived.json()["error"]["held"] == ["p1"]
    assert "archive" not in after["allowed_actions"] and "archive" not in _read(api, case_id, "chiefpros.tripoli")[
        "allowed_actions"]
    released = act("prosecutor.tripoli", "release_person", {"party_id": "p1", "reason": "كفالة", "terms": "bail"})
    assert released.status_code == 200, released.text
    assert act("chiefpros.tripoli", "archive", {"ground": "عدم كفاية الأدلة"}).status_code == 200


def test_custody_is_handed_over_at_referral_and_expires_into_release_due(api: Api) -> None:
    case_id = _open(api, [{"role": "suspect", "name": "خالد مفتاح"}])
    act = _actor(api, case_id)
    arrested = act("officer.tripoli", "record_arrest", {"party_id": "p1", "arrested_at": datetime.now(UTC).isoformat()})
    assert arrested.status_code == 200, arrested.text
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    read = _read(api, case_id)
    assert read["parties"][0]["custody"] == "before_prosecution"
    assert [c["name"] for c in read["open_clocks"] if c["subject"] == "p1"] == ["prosecution_custody"]
    # the prosecution's period passes with no decision: release is due, escalated at once
    read = wait_for(lambda: (r := _read(api, case_id))["parties"][0]["custody"] == "release_due" and r, timeout=60)
    assert read["stalled"] and "prosecution_custody" in read["stalled_reasons"]
    # and on the list of those who supervise the prosecution office: the most urgent kind, marked "release due"
    listed = api.as_("chiefpros.tripoli")("GET", "/api/v1/stalled", params={"reason": "prosecution_custody",
                                                                            "limit": 200}).json()["items"]
    row = next(item for item in listed if item["id"] == case_id)
    assert row["urgency"] == "liberty"
    assert [(d["subject"], d["release_due"]) for d in row["deadlines"] if d["reason"] == "prosecution_custody"] == [
        ("p1", True)]
    ordered = act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "…"})
    assert _refusal(ordered) == (409, "release_due")
    # before the trial court, no extension revives it either
    assert act("chiefpros.tripoli", "refer_to_court", {"to_agency": "court.tripoli", "charges": ["سرقة"]}
               ).status_code == 200
    assert act("clerk.tripoli", "acknowledge_receipt", {}).status_code == 200
    extended = act("judge.tripoli", "extend_detention", {"party_id": "p1", "days": 10, "grounds": "…"})
    assert _refusal(extended) == (409, "release_due")
    assert "extend_detention" not in _read(api, case_id, "judge.tripoli")["allowed_actions"]
    released = act("judge.tripoli", "release_person", {"party_id": "p1", "reason": "انتهاء المدة"})
    assert released.status_code == 200, released.text
    read = wait_for(lambda: (r := _read(api, case_id, "judge.tripoli"))["parties"][0]["custody"] == "free" and r)
    assert "prosecution_custody" not in read["stalled_reasons"]


def test_a_merge_carries_the_detained_person_and_their_clock(api: Api) -> None:
    source = _open(api, [{"role": "suspect", "name": "خالد مفتاح", "national_id": "219876543210"}])
    target = _open(api, [{"role": "suspect", "name": "سالم علي"}])
    for case_id in (source, target):
        act = _actor(api, case_id)
        assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
        assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    act = _actor(api, source)
    assert act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "خشية الهرب"}).status_code == 200
    clock = next(c for c in _read(api, source)["open_clocks"] if c["name"] == "prosecution_detention")
    merged = act("chiefpros.tripoli", "merge_into", {"target_case_id": target})
    assert merged.status_code == 200, merged.text

    def arrived() -> dict[str, Any] | None:
        parties = _read(api, target)["parties"]
        return next((p for p in parties if p.get("national_id") == "219876543210"), None)

    person = wait_for(arrived, timeout=60)
    assert person["custody"] == "detained"
    carried = next(c for c in _read(api, target)["open_clocks"] if c["subject"] == person["party_id"])
    assert (carried["name"], carried["expires_at"]) == ("prosecution_detention", clock["expires_at"])


def test_a_state_security_case_runs_on_its_regimes_periods(api: Api) -> None:
    """Issue 13, Deliver 2: the offence's classification chooses the rule variant (published with the procedure)."""
    regimes = api.as_(None)("GET", "/api/v1/procedure").json()["regimes"]
    assert regimes[0]["name"] == "state_security" and regimes[0]["verify"] is True
    report = {"offence": "تخابر", "category": "felony", "classification": "state_security", "place": "طرابلس",
              "narrative": "…", "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
              "parties": [{"role": "suspect", "name": "خالد مفتاح"}]}
    opened = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["id"])
    act = _actor(api, case_id)
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    assert act("prosecutor.tripoli", "order_detention", {"party_id": "p1", "grounds": "…"}).status_code == 200
    clock = next(c for c in _read(api, case_id)["open_clocks"] if c["name"] == "prosecution_detention")
    started, expires = (datetime.fromisoformat(clock[k]) for k in ("started_at", "expires_at"))
    assert 15 <= (expires - started).days <= 16  # fifteen days to the end of the last, not the general six
    bad = dict(report, classification="treason")
    refused = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=bad)
    assert refused.status_code == 422


def test_an_acquittal_releases_the_detained_accused_and_a_prison_sentence_keeps_the_other(api: Api) -> None:
    case_id = _open(api, [{"role": "suspect", "name": "خالد مفتاح"}, {"role": "suspect", "name": "سالم علي"}])
    act = _actor(api, case_id)
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    for party_id in ("p1", "p2"):
        ordered = act("prosecutor.tripoli", "order_detention", {"party_id": party_id, "grounds": "خشية الهرب"})
        assert ordered.status_code == 200, ordered.text
    referred = act("chiefpros.tripoli", "refer_to_court", {"to_agency": "court.tripoli", "charges": ["سرقة"]})
    assert referred.status_code == 200, referred.text
    held = datetime.now(UTC)
    assert act("clerk.tripoli", "schedule_hearing", {"hearing_at": held.isoformat()}).status_code == 200
    verdict = act("judge.tripoli", "record_verdict", {"pronounced_at": held.isoformat(), "verdicts": [
        {"party_id": "p1", "result": "acquitted", "in_absentia": False},
        {"party_id": "p2", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False,
         "penalty": {"kind": "imprisonment", "years": 1}}]})
    assert verdict.status_code == 200, verdict.text
    read = _read(api, case_id, "judge.tripoli")
    [recorded] = [e for e in read["timeline"] if e["name"] == "record_verdict"]
    assert recorded["fields"]["released"] == ["p1"]  # the case's log says whom the judgment released
    custody = {p["party_id"]: p["custody"] for p in read["parties"]}
    assert custody == {"p1": "free", "p2": "detained"}
    assert {c["subject"] for c in read["open_clocks"] if c["name"].endswith("detention")} == {"p2"}
