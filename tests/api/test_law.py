"""The procedure holds the law (issue 12), through the real API with real tokens: each rule of the issue as a
prosecutor, a judge or a supervisor meets it. The pure rules behind them are tested through decide/apply in
tests/core (test_separation_of_powers, test_competent_courts, test_legal_dates, test_per_accused, …)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from core.clocks import TRIPOLI
from tests.support import Api, wait_for

pytestmark = pytest.mark.stack


class Case:
    """One case through the API: `act(user, action, **fields)` expects success unless `status` says otherwise."""

    def __init__(self, api: Api, category: str = "misdemeanour", accused: int = 1, narrative: str = "…") -> None:
        self.api = api
        report = {"offence": "سرقة", "category": category, "place": "طرابلس", "narrative": narrative,
                  "occurred_at": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
                  "parties": [{"role": "accused", "name": f"متهم {i + 1}"} for i in range(accused)]}
        response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
        assert response.status_code == 201, response.text
        self.id = str(response.json()["id"])

    def act(self, user: str, action: str, status: int = 200, **fields: Any) -> dict[str, Any]:
        response = self.api.as_(user)("POST", f"/api/v1/cases/{self.id}/actions/{action}", json=fields)
        assert response.status_code == status, (user, action, response.text)
        body: dict[str, Any] = response.json()
        return body if status == 200 else body["error"]

    def read(self, user: str = "officer.tripoli") -> dict[str, Any]:
        response = self.api.as_(user)("GET", f"/api/v1/cases/{self.id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def to_prosecution(self) -> Case:
        self.act("chief.tripoli", "refer_to_prosecution", to_agency="pros.tripoli")
        self.act("prosecutor.tripoli", "acknowledge_receipt")
        return self

    def to_trial(self, court: str = "court.tripoli", clerk: str = "clerk.tripoli") -> Case:
        self.to_prosecution()
        self.act("chiefpros.tripoli", "refer_to_court", to_agency=court, charges=["سرقة"])
        self.act(clerk, "acknowledge_receipt")
        return self


def _get(api: Api, user: str) -> Callable[..., httpx.Response]:
    return api.as_(user)


# ---------------------------------------------------------------- 1. separation of powers


def test_separation_of_powers_through_the_api(api: Api) -> None:
    """The Ministry's supervisor moves police cases only; the Attorney General moves the prosecution's cases;
    only the holding court's president moves a court's case."""
    police = Case(api)
    police.act("supervisor", "reassign", to_agency="station.tripoli.souq_aljuma", reason="اختصاص مكاني")

    prosecution = Case(api).to_prosecution()
    refused = prosecution.act("supervisor", "reassign", 403, to_agency="pros.benghazi", reason="…")
    assert refused["code"] == "outside_supervision" and refused["message_ar"]
    assert "reassign" not in prosecution.read("supervisor")["allowed_actions"]
    assert prosecution.read("attorney.general")["action_choices"]["reassign"]["to_agency"] == ["pros.ag",
                                                                                             "pros.benghazi"]
    prosecution.act("attorney.general", "reassign", to_agency="pros.benghazi", reason="دواعي أمنية")

    trial = Case(api).to_trial()
    assert trial.act("supervisor", "reassign", 403, to_agency="court.benghazi", reason="…")["code"] == (
        "outside_supervision")
    assert trial.act("president.benghazi", "reassign", 404, to_agency="court.benghazi", reason="…")["code"] == (
        "case_not_found")  # another court's president may not even see it
    moved = trial.act("president.tripoli", "reassign", to_agency="court.benghazi", reason="تنحي المحكمة")
    assert (moved["owner_agency"], moved["stage"]) == ("court.benghazi", "trial")


# ---------------------------------------------------------------- 3. competent courts


def test_competent_courts_through_the_api(api: Api) -> None:
    """A felony goes to the felony chamber; a challenge addressed to a court that is not competent is refused,
    naming the competent one; the published procedure carries the courts and their competence."""
    felony = Case(api, "felony").to_prosecution()
    refused = felony.act("chiefpros.tripoli", "refer_to_court", 422, to_agency="court.tripoli", charges=["قتل"])
    assert (refused["code"], refused["field"], refused["competent"]) == (
        "not_competent_court", "to_agency", ["court.appeal.tripoli.felony"])
    assert "دائرة الجنايات" in refused["message_ar"] and "Felony Chamber" in refused["message"]
    # the felony chamber, and the first-instance court for a referral that requalifies the felony (issue 12, 7)
    assert felony.read("chiefpros.tripoli")["action_choices"]["refer_to_court"]["to_agency"] == [
        "court.appeal.tripoli.felony", "court.tripoli"]
    felony.act("chiefpros.tripoli", "refer_to_court", to_agency="court.appeal.tripoli.felony", charges=["قتل"])

    published = api.as_(None)("GET", "/api/v1/procedure").json()
    courts = {c["code"]: c for c in published["competence"]["courts"]}
    assert courts["court.tripoli"]["appeals_to"] == "court.appeal.tripoli"
    assert courts["court.appeal.tripoli.felony"]["level"] == "felony_chamber"
    assert courts["supreme_court"]["level"] == "supreme"
    assert published["competence"]["trial_level"]["felony"] == "felony_chamber"
    assert published["competence"]["windows_after"]["first_instance"] == ["appeal_window"]
    assert published["per_accused"]["decisions_for_one_accused"] == ["archive", "record_reconciliation",
                                                                     "declare_lapsed"]
    assert published["per_accused"]["severance"] == ["sever_accused"]
    assert published["per_accused"]["outcome_precedence"][0] == "convicted"


# ---------------------------------------------------------------- 4. legal dates

#: an ISO 8601 instant as the API writes it: a date, a time, and always its offset
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def _instants(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _instants(v)]
    if isinstance(value, list):
        return [s for v in value for s in _instants(v)]
    return [value] if isinstance(value, str) and _INSTANT.match(value) else []


def test_legal_dates_through_the_api(api: Api) -> None:
    """A hearing already held is entered, marked late; the verdict states when it was pronounced (required, not
    before a hearing of the court, never in the future) and its window runs from that date and is shown as its
    last day; every timestamp the case returns carries its offset. A felony: the felony chamber's judgment opens
    the cassation window, counted in days even under the test suite's fast rules (tests/fast_rules.yaml)."""
    trial = Case(api, "felony").to_trial(court="court.appeal.tripoli.felony", clerk="clerk.felony")
    held = datetime.now(UTC)  # the court had the case a moment ago; the hearing is entered once it was held
    trial.act("clerk.felony", "schedule_hearing", hearing_at=held.isoformat(), room="القاعة 2")
    verdict = [{"party_id": "p1", "result": "convicted", "sentence": "السجن", "in_absentia": False}]
    missing = trial.act("judge.felony", "record_verdict", 422, verdicts=verdict)
    assert (missing["code"], missing["field"]) == ("missing_field", "pronounced_at")
    early = trial.act("judge.felony", "record_verdict", 422, verdicts=verdict,
                      pronounced_at=(held - timedelta(days=1)).isoformat())
    assert (early["code"], early["field"]) == ("pronounced_before_hearing", "pronounced_at")
    assert early["message_ar"] and early["message"]
    future = trial.act("judge.felony", "record_verdict", 422, verdicts=verdict,
                       pronounced_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    assert (future["code"], future["field"]) == ("datetime_in_future", "pronounced_at")
    assert trial.read("judge.felony")["verdicts"] == []  # the refusals changed nothing

    trial.act("judge.felony", "record_verdict", verdicts=verdict, pronounced_at=held.isoformat())
    detail = trial.read("judge.felony")
    [hearing] = detail["hearings"]
    assert hearing["entered_late"] is True
    [given] = detail["verdicts"]
    assert datetime.fromisoformat(given["at"]) == held
    assert datetime.fromisoformat(given["recorded_at"]) > held
    [window] = [c for c in detail["open_clocks"] if c["name"] == "cassation_window"]
    assert datetime.fromisoformat(window["started_at"]) == held
    # sixty days from the pronouncement, to the end of the last day in Tripoli (moved past a day off)
    last = date.fromisoformat(window["last_day"])
    assert timedelta(days=60) <= last - held.astimezone(TRIPOLI).date() <= timedelta(days=63)
    stamps = _instants(detail)
    assert len(stamps) > 10 and [s for s in stamps if not _OFFSET.search(s)] == []


# ---------------------------------------------------------------- 5. remand


def _heard_and_judged(trial: Case, clerk: str, judge: str) -> None:
    """A hearing held just now, entered as such, and the verdict pronounced at it."""
    held = datetime.now(UTC)
    trial.act(clerk, "schedule_hearing", hearing_at=held.isoformat())
    trial.act(judge, "record_verdict", pronounced_at=held.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": False}])


def test_a_cassation_remand_returns_to_the_court_of_appeal_through_the_api(api: Api) -> None:
    trial = Case(api).to_trial()
    _heard_and_judged(trial, "clerk.tripoli", "judge.tripoli")
    trial.act("prosecutor.tripoli", "file_appeal", party_id="p1", to_agency="court.appeal.tripoli")
    trial.act("clerk.appeal", "acknowledge_receipt")
    _heard_and_judged(trial, "clerk.appeal", "judge.appeal")
    trial.act("prosecutor.tripoli", "file_cassation", party_id="p1", to_agency="supreme_court")
    trial.act("clerk.supreme", "acknowledge_receipt")
    trial.act("clerk.supreme", "schedule_hearing", hearing_at=datetime.now(UTC).isoformat())
    assert sorted(trial.read("judge.supreme")["action_choices"]["remand"]["to_agency"]) == [
        "court.appeal.benghazi", "court.appeal.tripoli"]
    refused = trial.act("judge.supreme", "remand", 422, to_agency="court.tripoli", reasons="قصور في التسبيب")
    assert (refused["code"], refused["field"]) == ("not_competent_court", "to_agency")
    assert "court.appeal.tripoli" in refused["competent"] and "محكمة استئناف طرابلس" in refused["message_ar"]
    moved = trial.act("judge.supreme", "remand", to_agency="court.appeal.tripoli", reasons="قصور في التسبيب")
    assert (moved["stage"], moved["owner_agency"]) == ("appeal", "court.appeal.tripoli")
    trial.act("clerk.appeal", "acknowledge_receipt")
    # the court of appeal hears it again: its earlier hearing does not count for the new judgment
    no_hearing = trial.act("judge.appeal", "record_verdict", 409, pronounced_at=datetime.now(UTC).isoformat(),
                           verdicts=[{"party_id": "p1", "result": "acquitted", "in_absentia": False}])
    assert no_hearing["code"] == "no_hearing_held"


# ---------------------------------------------------------------- 2. per accused, 7. requalification


def _wait_for_case(api: Api, user: str, case_id: str) -> dict[str, Any]:
    """A case another case's workflow starts (a severance): on record within seconds."""
    response = wait_for(lambda: (r := api.as_(user)("GET", f"/api/v1/cases/{case_id}")).status_code == 200 and r)
    return dict(response.json())


def test_per_accused_challenges_and_verdicts_through_the_api(api: Api) -> None:
    """Two accused of a felony: A's cassation takes the case to the Supreme Court, B's own joins it there (no
    second hand-off), and the Supreme Court rules on both; then each keeps their own outcome."""
    felony = Case(api, "felony", accused=2).to_trial("court.appeal.tripoli.felony", "clerk.felony")
    held = datetime.now(UTC)
    felony.act("clerk.felony", "schedule_hearing", hearing_at=held.isoformat())
    felony.act("judge.felony", "record_verdict", pronounced_at=held.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "السجن سبع سنوات", "in_absentia": False},
        {"party_id": "p2", "result": "convicted", "sentence": "السجن ثلاث سنوات", "in_absentia": False}])
    felony.act("prosecutor.tripoli", "file_cassation", party_id="p1", to_agency="supreme_court")
    felony.act("clerk.supreme", "acknowledge_receipt")
    joined = felony.act("prosecutor.tripoli", "file_cassation", party_id="p2", to_agency="supreme_court")
    assert (joined["stage"], joined["owner_agency"]) == ("cassation", "supreme_court")
    read = felony.read("prosecutor.tripoli")
    assert read["timeline"][-1]["fields"]["joins"] is True and read["pending_handoff"] is None
    felony.act("clerk.supreme", "schedule_hearing", hearing_at=datetime.now(UTC).isoformat())
    one = felony.act("judge.supreme", "record_verdict", 422, pronounced_at=datetime.now(UTC).isoformat(),
                     verdicts=[{"party_id": "p1", "result": "acquitted", "in_absentia": False}])
    assert one["code"] == "verdict_per_accused" and one["message_ar"]
    final = felony.act("judge.supreme", "record_verdict", pronounced_at=datetime.now(UTC).isoformat(), verdicts=[
        {"party_id": "p1", "result": "acquitted", "in_absentia": False},
        {"party_id": "p2", "result": "convicted", "sentence": "السجن سنتين", "in_absentia": False}])
    assert final["stage"] == "final"


def test_a_lapse_for_one_accused_and_a_severance_through_the_api(api: Api) -> None:
    """The death of one accused ends the proceedings for them alone; another is severed into a case of their own,
    numbered and linked both ways; the last one's archive closes the case with the outcome its accused give."""
    case = Case(api, accused=3).to_prosecution()
    lapsed = case.act("chiefpros.tripoli", "declare_lapsed", ground="death", party_id="p3")
    assert lapsed["stage"] == "prosecution"
    case.act("prosecutor.tripoli", "order_detention", party_id="p2", grounds="خشية الهرب")
    severed = case.act("chiefpros.tripoli", "sever_accused", party_id="p2", reason="تعذر استكمال التحقيق معه")
    source = case.read("prosecutor.tripoli")
    new_id = source["timeline"][-1]["fields"]["severed_case_id"]
    assert source["timeline"][-1]["seq"] == severed["seq"]
    outcomes = {p["party_id"]: (p["outcome"], p["severed_to"]) for p in source["parties"]}
    assert outcomes == {"p1": (None, None), "p2": ("severed", new_id), "p3": ("lapsed", None)}
    new = _wait_for_case(api, "prosecutor.tripoli", new_id)
    assert (new["severed_from"], new["severed_from_number"]) == (case.id, source["number"])
    assert new["number"] != source["number"] and new["number"].startswith("pros.tripoli/")
    assert (new["stage"], new["owner_agency"]) == ("prosecution", "pros.tripoli")
    [accused] = new["parties"]
    assert (accused["name"], accused["custody"]) == ("متهم 2", "detained")  # custody carries across
    assert [e["name"] for e in new["timeline"]] == ["severed_in"]
    # the severed case goes on by itself: its detention is its own
    new_case = Case.__new__(Case)
    new_case.api, new_case.id = api, new_id
    new_case.act("prosecutor.tripoli", "release_person", party_id="p1", reason="كفالة")
    # one accused left: archiving them closes the case
    closed = case.act("chiefpros.tripoli", "archive", ground="عدم كفاية الأدلة", party_id="p1")
    assert closed["stage"] == "closed"
    assert case.read("prosecutor.tripoli")["outcome"] == "lapsed"
    # a refusal for one accused whose proceedings are over
    assert Case(api, accused=1).to_prosecution().act("chiefpros.tripoli", "sever_accused", 409, party_id="p1",
                                                     reason="…")["code"] == "last_accused"


def test_requalification_through_the_api(api: Api) -> None:
    """The referral requalifies a misdemeanour as a felony and goes to the felony chamber; the history is kept in
    the case and the search document carries the new description."""
    tag = uuid.uuid4().hex[:10]
    bad = Case(api).to_prosecution().act("chiefpros.tripoli", "refer_to_court", 422, to_agency="court.tripoli",
                                         charges=["x"], category="treason")
    assert (bad["field"], bad["message_ar"] != "") == ("category", True)
    case = Case(api, narrative=f"واقعة {tag}").to_prosecution()
    case.act("chiefpros.tripoli", "refer_to_court", to_agency="court.appeal.tripoli.felony", charges=["شروع في قتل"],
             category="felony")
    read = case.read("chiefpros.tripoli")
    assert (read["category"], read["charges"]) == ("felony", ["شروع في قتل"])
    assert [(q["category"], q["action"]) for q in read["qualifications"]] == [
        ("misdemeanour", "open_case"), ("felony", "refer_to_court")]
    found = wait_for(lambda: (r := api.as_("chiefpros.tripoli")("GET", "/api/v1/search",
                                                                  params={"q": tag, "category": "felony"}).json())
                     ["items"] and r)
    assert [hit["id"] for hit in found["items"]] == [case.id]
