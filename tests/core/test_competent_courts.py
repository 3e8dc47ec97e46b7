"""Competent courts are data in the agency tree (issue 12, DOMAIN.md Additions): each first-instance court names
its court of appeal, felonies are tried by the felony chamber of the Court of Appeal, cassation lies only to the
Supreme Court; a challenge or a referral addressed elsewhere is refused (422 not_competent_court) naming the
competent court, and only the competent court is offered."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.case import Actor, CaseState
from core.procedure import RuleRevision
from core.refusal import Refusal
from core.transitions import action_options, decide
from core.vocabulary import CourtLevel, Stage
from tests.support.procedure import (
    AGENCY_REFS,
    APPEAL_CLERK,
    APPEAL_JUDGE,
    CHIEF,
    CHIEFPROS,
    CLERK,
    PROSECUTOR,
    T0,
    act,
    command,
    demo,
    open_case,
    refused,
    to_trial,
    trial_court,
)

CONVICTED = {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة"}


def _in_prosecution(category: str = "misdemeanour") -> CaseState:
    state = open_case(category)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def _judged(category: str = "misdemeanour") -> tuple[CaseState, datetime]:
    state = open_case(category)
    when = to_trial(state)
    act(state, trial_court(category)[2], "record_verdict", when, verdicts=[CONVICTED])
    return state, when


def _choices(state: CaseState, who: str | Actor, action: str, now: datetime = T0) -> list[str]:
    actor = demo(who) if isinstance(who, str) else who
    options = {o.action: o for o in action_options(state, actor, now, AGENCY_REFS)}
    return sorted(options[action].choices["to_agency"]) if action in options else []


def test_a_felony_is_referred_to_the_felony_chamber_of_its_region() -> None:
    state = _in_prosecution("felony")
    refusal = refused(state, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["القتل العمد"])
    assert (refusal.status, refusal.code, refusal.field) == (422, "not_competent_court", "to_agency")
    assert refusal.details["competent"] == ["court.appeal.tripoli.felony"]
    assert "Tripoli Felony Chamber" in refusal.message_en
    assert "دائرة الجنايات بمحكمة استئناف طرابلس" in refusal.message_ar
    assert refused(state, CHIEFPROS, "refer_to_court", to_agency="court.appeal.benghazi.felony",
                   charges=["القتل العمد"]).code == "not_competent_court"  # another region's chamber
    # the region's courts of both levels: the referral may requalify the felony as a misdemeanour (issue 12, 7)
    assert _choices(state, "chiefpros.tripoli", "refer_to_court") == ["court.appeal.tripoli.felony", "court.tripoli"]
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.appeal.tripoli.felony", charges=["القتل العمد"])
    assert (state.owner_agency, state.court_levels["court.appeal.tripoli.felony"]) == (
        "court.appeal.tripoli.felony", CourtLevel.felony_chamber)


def test_a_misdemeanour_is_referred_to_a_first_instance_court_of_its_region() -> None:
    state = _in_prosecution()
    for court in ("court.appeal.tripoli.felony", "court.appeal.tripoli", "court.benghazi"):
        refusal = refused(state, CHIEFPROS, "refer_to_court", to_agency=court, charges=["سرقة"])
        assert (refusal.code, refusal.details["competent"]) == ("not_competent_court", ["court.tripoli"]), court
    # and the felony chamber, for a referral that requalifies the facts as a felony (issue 12, 7)
    assert _choices(state, "chiefpros.tripoli", "refer_to_court") == ["court.appeal.tripoli.felony", "court.tripoli"]


def test_an_appeal_goes_to_the_court_of_appeal_the_judging_court_names() -> None:
    """The measured leak: file_appeal took any court, a first-instance court and the very court that judged."""
    state, when = _judged()
    for court in ("court.tripoli", "court.benghazi", "court.appeal.benghazi", "court.appeal.tripoli.felony"):
        refusal = refused(state, CLERK, "file_appeal", when, party_id="p1", to_agency=court)
        assert (refusal.code, refusal.details["competent"]) == ("not_competent_court", ["court.appeal.tripoli"])
        assert "Tripoli Court of Appeal" in refusal.message_en and "محكمة استئناف طرابلس" in refusal.message_ar
    assert _choices(state, CLERK, "file_appeal", when) == ["court.appeal.tripoli"]
    act(state, PROSECUTOR, "file_appeal", when, party_id="p1", to_agency="court.appeal.tripoli")
    assert (state.stage, state.owner_agency) == (Stage.appeal, "court.appeal.tripoli")


def test_which_challenge_lies_follows_the_level_of_the_court_that_judged() -> None:
    first_instance, _ = _judged()
    assert [c.name for c in first_instance.open_clocks() if c.subject] == ["appeal_window"]
    felony, when = _judged("felony")
    assert [c.name for c in felony.open_clocks() if c.subject] == ["cassation_window"]
    # cassation only at the Supreme Court: a court of appeal is not one, and the refusal says which is
    refusal = refused(felony, PROSECUTOR, "file_cassation", when, party_id="p1", to_agency="court.appeal.tripoli")
    assert (refusal.code, refusal.field) == ("wrong_agency_kind", "to_agency")
    assert "Supreme Court" in refusal.message_en and "المحكمة العليا" in refusal.message_ar
    assert _choices(felony, "prosecutor.tripoli", "file_cassation", when) == ["supreme_court"]

    appealed, when = _judged()
    act(appealed, PROSECUTOR, "file_appeal", when, party_id="p1", to_agency="court.appeal.tripoli")
    act(appealed, APPEAL_CLERK, "acknowledge_receipt", when)
    act(appealed, APPEAL_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(hours=1)).isoformat())
    act(appealed, APPEAL_JUDGE, "record_verdict", when + timedelta(hours=2), verdicts=[CONVICTED])
    assert [c.name for c in appealed.open_clocks() if c.subject] == ["cassation_window"]


def test_a_detention_is_extended_by_a_first_instance_court_of_the_region() -> None:
    state = _in_prosecution()
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    refusal = refused(state, PROSECUTOR, "request_detention_extension", party_id="p1",
                      to_agency="court.appeal.tripoli", grounds="…")
    assert (refusal.code, refusal.details["competent"]) == ("not_competent_court", ["court.tripoli"])
    assert _choices(state, "prosecutor.tripoli", "request_detention_extension") == ["court.tripoli"]


def test_a_courts_president_keeps_a_case_at_the_level_of_the_court_holding_it() -> None:
    state = open_case()
    to_trial(state)
    refusal = refused(state, demo("president.tripoli"), "reassign", to_agency="court.appeal.tripoli", reason="…")
    assert (refusal.code, refusal.field) == ("court_level_changes", "to_agency")
    assert _choices(state, "president.tripoli", "reassign") == ["court.benghazi"]


def test_a_referral_accepted_before_courts_were_data_is_decided_as_then() -> None:
    state = _in_prosecution("felony")
    referral = command("refer_to_court", CHIEFPROS, {"to_agency": "court.tripoli", "charges": ["قتل"]})
    with pytest.raises(Refusal):
        decide(state, referral, T0)
    assert decide(state, referral, T0, revision=RuleRevision.separation_of_powers).fields["to_agency"] == (
        "court.tripoli")
