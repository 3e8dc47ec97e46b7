"""Remand (issue 12): the case returns to the court whose judgment was quashed, or another court of its level, in
the stage that judgment was given in; the retrial needs a hearing of its own before a new verdict. The measured
bugs: a cassation remand of an appeal judgment went back to trial and opened a new appeal window, and a retrial
accepted a verdict on the first trial's hearing."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.case import CaseState
from core.effects import apply
from core.procedure import RuleRevision
from core.transitions import action_options, decide
from core.vocabulary import Stage
from tests.support.procedure import (
    AGENCY_REFS,
    APPEAL_CLERK,
    APPEAL_JUDGE,
    CLERK,
    JUDGE,
    PROSECUTOR,
    SUPREME_CLERK,
    SUPREME_JUDGE,
    act,
    command,
    open_case,
    refused,
    to_trial,
)

CONVICTED = {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة"}


def _appealed() -> tuple[CaseState, datetime]:
    """Judged at first instance, appealed, before the court of appeal with a hearing held."""
    state = open_case()
    when = to_trial(state)
    act(state, JUDGE, "record_verdict", when, verdicts=[CONVICTED])
    act(state, PROSECUTOR, "file_appeal", when, party_id="p1", to_agency="court.appeal.tripoli")
    act(state, APPEAL_CLERK, "acknowledge_receipt", when)
    act(state, APPEAL_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(hours=1)).isoformat())
    return state, when + timedelta(hours=2)


def _in_cassation() -> tuple[CaseState, datetime]:
    """The appeal judgment challenged before the Supreme Court, with a hearing held there."""
    state, when = _appealed()
    act(state, APPEAL_JUDGE, "record_verdict", when, verdicts=[CONVICTED])
    act(state, PROSECUTOR, "file_cassation", when, party_id="p1", to_agency="supreme_court")
    act(state, SUPREME_CLERK, "acknowledge_receipt", when)
    act(state, SUPREME_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(hours=1)).isoformat())
    return state, when + timedelta(hours=2)


def test_a_cassation_remand_of_an_appeal_judgment_goes_back_to_the_appeal_court_in_appeal() -> None:
    state, when = _in_cassation()
    event = decide(state, command("remand", SUPREME_JUDGE, {"to_agency": "court.appeal.tripoli",
                                                            "reasons": "قصور في التسبيب"}), when)
    assert event.fields["remand_stage"] == Stage.appeal  # the log says where it went back to
    apply(state, event)
    assert (state.stage, state.owner_agency) == (Stage.appeal, "court.appeal.tripoli")
    assert not [c for c in state.open_clocks() if c.name == "appeal_window"]  # no new appeal window
    # the appeal court hears it again, and its new judgment opens cassation, not appeal
    later = when + timedelta(days=1)
    act(state, APPEAL_CLERK, "acknowledge_receipt", later)
    act(state, APPEAL_CLERK, "schedule_hearing", later, hearing_at=(later + timedelta(hours=1)).isoformat())
    act(state, APPEAL_JUDGE, "record_verdict", later + timedelta(hours=2), verdicts=[CONVICTED])
    assert [c.name for c in state.open_clocks() if c.subject] == ["cassation_window"]


def test_a_remand_to_a_court_of_another_level_is_refused_naming_the_competent_one() -> None:
    state, when = _in_cassation()
    refusal = refused(state, SUPREME_JUDGE, "remand", when, to_agency="court.tripoli", reasons="قصور")
    assert (refusal.status, refusal.code, refusal.field) == (422, "not_competent_court", "to_agency")
    assert "court.appeal.tripoli" in refusal.details["competent"]  # type: ignore[index]
    assert "محكمة استئناف طرابلس" in refusal.message_ar
    # another court of the quashed court's level is accepted: what the form offers is what is accepted
    options = {o.action: o for o in action_options(state, SUPREME_JUDGE, when, AGENCY_REFS)}
    assert sorted(options["remand"].choices["to_agency"]) == ["court.appeal.benghazi", "court.appeal.tripoli"]


def test_an_appeal_courts_remand_returns_to_the_first_instance_court_which_must_hold_a_new_hearing() -> None:
    state, when = _appealed()
    act(state, APPEAL_JUDGE, "remand", when, to_agency="court.tripoli", reasons="بطلان الإجراءات")
    assert (state.stage, state.owner_agency) == (Stage.trial, "court.tripoli")
    later = when + timedelta(days=1)
    act(state, CLERK, "acknowledge_receipt", later)
    no_hearing = refused(state, JUDGE, "record_verdict", later, verdicts=[CONVICTED])
    assert no_hearing.code == "no_hearing_held"  # the first trial's hearing does not count
    act(state, CLERK, "schedule_hearing", later, hearing_at=(later + timedelta(hours=1)).isoformat())
    act(state, JUDGE, "record_verdict", later + timedelta(hours=2), verdicts=[CONVICTED])
    assert [c.name for c in state.open_clocks() if c.subject] == ["appeal_window"]


def test_a_remand_accepted_before_the_revision_replays_as_it_was_then() -> None:
    state, when = _in_cassation()
    old = decide(state, command("remand", SUPREME_JUDGE, {"to_agency": "court.tripoli", "reasons": "قصور"}), when,
                 revision=RuleRevision.legal_dates)
    assert "remand_stage" not in old.fields
    apply(state, old)
    assert (state.stage, state.owner_agency) == (Stage.trial, "court.tripoli")
