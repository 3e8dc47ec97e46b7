"""The prison (issue 13, Deliver 3) through the real API with real tokens: the committal a hand-off of the person
that the warden acknowledges by admitting them, the warden's release ending the sentence, only the prison releasing
a prisoner, and close_case waiting for every convict (the test rules close the appeal window in seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.test_law import Case
from tests.support import Api, wait_for

pytestmark = pytest.mark.stack


def _final_with_two_convicts(api: Api) -> Case:
    case = Case(api, accused=2).to_trial()
    held = datetime.now(UTC)
    case.act("clerk.tripoli", "schedule_hearing", hearing_at=held.isoformat())
    verdict: dict[str, Any] = {"result": "convicted", "sentence": "الحبس سنة", "in_absentia": False,
                               "penalty": {"kind": "imprisonment", "years": 1}}
    case.act("judge.tripoli", "record_verdict", pronounced_at=held.isoformat(),
             verdicts=[{**verdict, "party_id": "p1"}, {**verdict, "party_id": "p2"}])
    wait_for(lambda: case.read("prosecutor.tripoli")["stage"] == "final", timeout=60)
    return case


def test_the_warden_admits_and_releases_and_the_case_waits_for_every_convict(api: Api) -> None:
    case = _final_with_two_convicts(api)
    # the prison has no say in the case before a committal: it hears "no such case"
    assert api.as_("warden")("GET", f"/api/v1/cases/{case.id}").status_code == 404
    wrong = case.act("prosecutor.tripoli", "commit_to_prison", 422, party_id="p1", to_agency="court.tripoli")
    assert wrong["code"] == "not_a_prison" and wrong["message_ar"]
    assert case.read("prosecutor.tripoli")["action_choices"]["commit_to_prison"]["to_agency"] == [
        "prison.aljdaida", "prison.alkuwaifiya"]
    case.act("prosecutor.tripoli", "commit_to_prison", party_id="p1", to_agency="prison.aljdaida")
    seen = case.read("warden")
    assert seen["parties"][0]["custody"] == "committed"
    assert seen["allowed_actions"] == ["admit_to_prison"]
    assert seen["action_choices"]["admit_to_prison"] == {"party_id": ["p1"]}
    case.act("warden", "admit_to_prison", party_id="p1")
    assert case.read("warden")["parties"][0]["custody"] == "imprisoned"
    refused = case.act("prosecutor.tripoli", "release_person", 409, party_id="p1", reason="…")
    assert refused["code"] == "in_prison"
    # p2's execution is not recorded: the case waits for them
    pending = case.act("chiefpros.tripoli", "close_case", 409)
    assert (pending["code"], pending["pending"]) == ("execution_pending", ["p2"])
    case.act("prosecutor.tripoli", "commit_to_prison", party_id="p2", to_agency="prison.aljdaida")
    case.act("warden", "admit_to_prison", party_id="p2")
    held = case.act("chiefpros.tripoli", "close_case", 409)
    assert (held["code"], sorted(held["held"])) == ("person_held", ["p1", "p2"])
    for party_id in ("p1", "p2"):
        case.act("warden", "release_prisoner", party_id=party_id, ground="served")
    read = case.read("prosecutor.tripoli")
    assert {v["party_id"]: v["sentence_end_ground"] for v in read["verdicts"]} == {"p1": "served", "p2": "served"}
    case.act("chiefpros.tripoli", "close_case")
    assert case.read("prosecutor.tripoli")["outcome"] == "convicted"


def test_a_prisoner_held_past_their_term_is_flagged_at_once_and_the_prison_told(api: Api) -> None:
    """One day's imprisonment, and a day begun in custody credited: the term is over at the admission. The
    durable clock fires at once, the case is flagged as a matter of liberty, and the warden is told; the release
    ends the flag."""
    case = Case(api).to_trial()
    held = datetime.now(UTC)
    case.act("clerk.tripoli", "schedule_hearing", hearing_at=held.isoformat())
    case.act("judge.tripoli", "record_verdict", pronounced_at=held.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس يوماً", "in_absentia": False,
         "penalty": {"kind": "imprisonment", "days": 1}}])
    wait_for(lambda: case.read("prosecutor.tripoli")["stage"] == "final", timeout=60)
    case.act("prosecutor.tripoli", "commit_to_prison", party_id="p1", to_agency="prison.aljdaida")
    case.act("warden", "admit_to_prison", party_id="p1")

    def flagged() -> dict[str, Any] | None:
        read = case.read("warden")
        return read if "sentence_term" in read["stalled_reasons"] else None

    read = wait_for(flagged, timeout=60)
    assert read["parties"][0]["custody"] == "imprisoned"  # the prison can still release them
    [facts] = read["sentences"]
    assert facts["over_detention"] and facts["credited_days"] == 1
    # the warden's inbox, and the supervisors' list at its first rank: a person's liberty
    def told() -> bool:
        inbox = api.as_("warden")("GET", "/api/v1/notifications", params={"limit": 100}).json()["items"]
        return any(i["case_id"] == case.id and i["kind"] == "clock_expired" for i in inbox)

    wait_for(told, timeout=60)
    stalled = api.as_("chiefpros.tripoli")("GET", "/api/v1/stalled", params={"reason": "sentence_term"}).json()
    [row] = [i for i in stalled["items"] if i["id"] == case.id]
    assert row["urgency"] == "liberty"
    case.act("warden", "release_prisoner", party_id="p1", ground="served")
    assert "sentence_term" not in case.read("prosecutor.tripoli")["stalled_reasons"]
