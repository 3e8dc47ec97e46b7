"""The procedure table applied purely (no services): refusals, effects, clocks, and the fold."""

from __future__ import annotations

from datetime import UTC, datetime

from core.case import ActionCommand, Actor, CaseState
from core.clock_events import due_clock_events
from core.effects import apply
from core.procedure import ACTIONS, ACTIONS_BY_NAME
from core.refusal import Refusal
from core.transitions import allowed_actions, decide
from core.vocabulary import OPEN_STAGES, Role, Stage
from core.who_may_act import _agency_may_act
from tests.support.procedure import (
    AGENCIES,
    CHIEF,
    CHIEFPROS,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    T0,
    act,
    open_case,
    refused,
    to_trial,
)


def test_every_action_is_refused_outside_its_stages_or_roles() -> None:
    """Generated from the table: an action whose role or stage does not fit is refused: 403 for the role,
    then 403 for an agency with no say in the case (which learns nothing of its stage), then 409 for the
    stage."""
    state = open_case()
    for rule in ACTIONS:
        if rule.opens_case:
            continue
        for role in Role:
            who = Actor("u", [role], "station.tripoli.central", "police_station", "tripoli")
            try:
                decide(state, ActionCommand(rule.name, who, {}), T0)
            except Refusal as refusal:
                if role not in rule.roles:
                    assert (refusal.status, refusal.code) == (403, "forbidden_role"), (rule.name, role)
                elif not _agency_may_act(rule, state, who):
                    assert (refusal.status, refusal.code) == (403, "forbidden_agency"), (rule.name, role)
                elif Stage.police_inquiry not in rule.stages:
                    assert (refusal.status, refusal.code) == (409, "wrong_stage"), (rule.name, role)
            else:
                assert role in rule.roles and Stage.police_inquiry in rule.stages, (rule.name, role)


def test_an_agency_with_no_say_learns_nothing_of_the_stage() -> None:
    """A Benghazi prosecutor acting on a Tripoli case in inquiry hears about their agency, not the stage."""
    outsider = Actor("p", ["prosecutor"], "pros.benghazi", "prosecution_office", "benghazi")
    refusal = refused(open_case(), outsider, "order_detention", party_id="p1", grounds="…")
    assert (refusal.status, refusal.code) == (403, "forbidden_agency")


def test_closed_is_terminal_except_reopen_of_archived() -> None:
    assert {a.name for a in ACTIONS if Stage.closed in a.stages} == {"reopen"}
    assert all(Stage.closed not in a.stages for a in ACTIONS if a.name != "reopen")
    assert OPEN_STAGES == set(Stage) - {Stage.closed}


def test_skeleton_to_final_by_lapse_of_appeal_window() -> None:
    state = open_case()
    verdict_at = to_trial(state)
    assert refused(state, JUDGE, "record_verdict", T0, verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "حبس"}]).code == "no_hearing_held"
    act(state, JUDGE, "record_verdict", verdict_at,
        verdicts=[{"party_id": "p1", "result": "convicted", "sentence": "حبس"}])
    window = next(c for c in state.open_clocks() if c.name == "appeal_window")
    # a verdict on 4 Nov (Tripoli): ten days end with 14 Nov, a Saturday; the courts sit again on Sunday 15 Nov,
    # so the window ends at the end of that day in Tripoli, 22:00 UTC
    assert window.expires_at == datetime(2026, 11, 15, 22, 0, tzinfo=UTC)
    for event in due_clock_events(state, window.expires_at):
        apply(state, event)
    assert state.stage == Stage.final
    assert state.owner_agency == "pros.tripoli"


def test_conviction_needs_a_sentence_and_acquittal_none() -> None:
    state = open_case()
    when = to_trial(state)
    assert refused(state, JUDGE, "record_verdict", when, verdicts=[
        {"party_id": "p1", "result": "convicted"}]).code == "sentence_required"
    assert refused(state, JUDGE, "record_verdict", when, verdicts=[
        {"party_id": "p1", "result": "acquitted", "sentence": "x"}]).code == "sentence_with_acquittal"


def test_a_verdict_for_each_accused() -> None:
    state = open_case(parties=2)
    when = to_trial(state)
    assert refused(state, JUDGE, "record_verdict", when, verdicts=[
        {"party_id": "p1", "result": "acquitted"}]).code == "verdict_per_accused"


def test_other_agency_is_refused_403() -> None:
    state = open_case()
    benghazi = Actor("b", ["station_chief"], "station.benghazi.central", "police_station", "benghazi")
    assert refused(state, benghazi, "refer_to_prosecution", to_agency="pros.tripoli").code == "forbidden_agency"


def test_refer_to_court_needs_charges_and_a_court() -> None:
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    assert refused(state, CHIEFPROS, "refer_to_court", to_agency="court.tripoli").code == "missing_field"
    assert refused(state, CHIEFPROS, "refer_to_court", to_agency="pros.tripoli",
                   charges=["x"]).code == "wrong_agency_kind"


def test_fold_of_events_rebuilds_the_state() -> None:
    """The read model can be rebuilt from the event log: the fold gives the same state."""
    state = open_case()
    events = []
    original_apply = apply

    def recording(s: CaseState, e: object) -> None:
        events.append(e)
        original_apply(s, e)  # type: ignore[arg-type]

    when = to_trial(state)
    decided = decide(state, ActionCommand("record_verdict", JUDGE, {"verdicts": [
        {"party_id": "p1", "result": "acquitted"}], "pronounced_at": when.isoformat()}), when)
    recording(state, decided)
    assert state.verdicts[0].result == "acquitted"


def test_allowed_actions_follow_the_table() -> None:
    state = open_case()
    assert "refer_to_prosecution" in allowed_actions(state, CHIEF, T0, AGENCIES.values())
    assert "refer_to_prosecution" not in allowed_actions(state, OFFICER, T0, AGENCIES.values())
    assert allowed_actions(state, JUDGE, T0, AGENCIES.values()) == []
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    assert "acknowledge_receipt" in allowed_actions(state, PROSECUTOR, T0, AGENCIES.values())
    assert ACTIONS_BY_NAME["acknowledge_receipt"]
