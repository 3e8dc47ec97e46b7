"""Sentences as data (issue 13, Deliver 4) through the real API with real tokens: the sentence checked beside the
judge's wording (422, nothing recorded), the credit for detention and the expected release shown on the case, and
a death sentence not executed before the Supreme Court has confirmed it (the test rules close the appeal window in
seconds, tests/fast_rules.yaml)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.test_law import Case
from tests.support import Api, wait_for

pytestmark = pytest.mark.stack


def _judged(case: Case, penalty: dict[str, Any]) -> None:
    held = datetime.now(UTC)
    case.act("clerk.tripoli", "schedule_hearing", hearing_at=held.isoformat())
    verdict = {"party_id": "p1", "result": "convicted", "sentence": "نص الحكم كما نطق به", "in_absentia": False}
    before = len(case.read("judge.tripoli")["timeline"])
    bad = case.act("judge.tripoli", "record_verdict", 422, pronounced_at=held.isoformat(),
                   verdicts=[{**verdict, "penalty": {"kind": "imprisonment"}}])
    assert (bad["code"], bad["field"]) == ("sentence_term_required", "verdicts[0].penalty.years")
    assert bad["message_ar"]
    assert len(case.read("judge.tripoli")["timeline"]) == before
    case.act("judge.tripoli", "record_verdict", pronounced_at=held.isoformat(),
             verdicts=[{**verdict, "penalty": penalty}])
    wait_for(lambda: case.read("prosecutor.tripoli")["stage"] == "final", timeout=60)


def test_detention_is_credited_and_the_release_date_shown(api: Api) -> None:
    case = Case(api).to_prosecution()
    case.act("prosecutor.tripoli", "order_detention", party_id="p1", grounds="خشية الهرب")
    case.act("prosecutor.tripoli", "release_person", party_id="p1", reason="كفالة", terms="bail")
    case.act("chiefpros.tripoli", "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    case.act("clerk.tripoli", "acknowledge_receipt")
    _judged(case, {"kind": "imprisonment", "years": 2})
    [sentence] = case.read("prosecutor.tripoli")["sentences"]
    assert sentence == {"party_id": "p1", "kind": "imprisonment", "credited_days": 1, "expected_release": None,
                        "over_detention": False, "awaits_confirmation": False}
    case.act("prosecutor.tripoli", "record_execution", party_id="p1", detail="أودع المؤسسة")
    [sentence] = case.read("prosecutor.tripoli")["sentences"]
    executed = datetime.now(UTC)
    # two years from the execution, less the day begun in detention (give or take the day's turn in Tripoli)
    expected = datetime.fromisoformat(sentence["expected_release"]).date()
    assert abs((expected - executed.replace(year=executed.year + 2).date()).days + 1) <= 1
    assert case.read("prosecutor.tripoli")["verdicts"][0]["penalty"]["years"] == 2


def test_a_death_sentence_awaits_the_supreme_courts_confirmation(api: Api) -> None:
    case = Case(api).to_trial()
    _judged(case, {"kind": "death"})
    [sentence] = case.read("prosecutor.tripoli")["sentences"]
    assert sentence["awaits_confirmation"] is True
    refused = case.act("prosecutor.tripoli", "record_execution", 409, party_id="p1", detail="…")
    assert refused["code"] == "death_sentence_unconfirmed" and refused["message_ar"]
    assert case.read("prosecutor.tripoli")["stage"] == "final"
