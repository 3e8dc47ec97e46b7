"""Everything per accused (issue 12, Deliver 2 and 7), through decide/apply: each accused has their own verdict,
windows, challenges, finality and outcome; a court rules on the accused whose verdict is before it; a
co-accused's challenge joins the proceedings where the case is; archive, lapse, reconciliation and a withdrawn
complaint for one accused; the case's outcome derived from its accused's; severance into a case of its own;
requalification of the facts at referral and in the verdict, with the history kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.case import CaseState
from core.clock_events import due_clock_events
from core.effects import apply
from core.procedure import RuleRevision
from core.severance import decide_severed_in, severance_of
from core.transitions import decide, new_case
from core.vocabulary import Category, ClockStatus, Custody, Outcome, Stage
from tests.support.procedure import (
    APPEAL_CLERK,
    APPEAL_JUDGE,
    CHIEF,
    CHIEFPROS,
    FELONY_JUDGE,
    JUDGE,
    PROSECUTOR,
    SUPREME_CLERK,
    SUPREME_JUDGE,
    T0,
    act,
    command,
    open_case,
    refused,
    to_trial,
    trial_court,
)

CONVICTED = {"result": "convicted", "sentence": "الحبس سنة", "in_absentia": False}
ACQUITTED = {"result": "acquitted", "in_absentia": False}


def _judged(category: str = "misdemeanour", parties: int = 2) -> tuple[CaseState, datetime]:
    """p1 convicted, the others acquitted, by the court that tries the category."""
    state = open_case(category, parties)
    when = to_trial(state)
    verdicts = [{**(CONVICTED if p.party_id == "p1" else ACQUITTED), "party_id": p.party_id} for p in state.accused()]
    act(state, trial_court(category)[2], "record_verdict", when, verdicts=verdicts)
    return state, when


def _appealed(state: CaseState, when: datetime, party_id: str = "p1") -> datetime:
    """p1's appeal before the court of appeal, heard: the instant after its hearing."""
    act(state, PROSECUTOR, "file_appeal", when, party_id=party_id, to_agency="court.appeal.tripoli")
    act(state, APPEAL_CLERK, "acknowledge_receipt", when)
    act(state, APPEAL_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(minutes=30)).isoformat())
    return when + timedelta(hours=1)


def _lapse(state: CaseState, until: datetime) -> None:
    for event in due_clock_events(state, until):
        apply(state, event)


def _in_prosecution(parties: int = 2, category: str = "misdemeanour") -> CaseState:
    state = open_case(category, parties)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def test_the_appeal_court_rules_on_the_accused_whose_verdict_is_before_it() -> None:
    """The measured bug: A's appeal court was refused a verdict on A alone until B's window lapsed."""
    state, when = _judged()
    when = _appealed(state, when)
    assert state.stage == Stage.appeal
    both = [{**CONVICTED, "party_id": "p1"}, {**ACQUITTED, "party_id": "p2"}]
    assert refused(state, APPEAL_JUDGE, "record_verdict", when, verdicts=both).code == "verdict_per_accused"
    act(state, APPEAL_JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, "party_id": "p1"}])
    assert [v.level for v in state.verdicts if v.party_id == "p1"] == [Stage.trial, Stage.appeal]
    assert state.latest_verdict("p2").level == Stage.trial  # type: ignore[union-attr]  # never judged again
    # nobody else awaits this court now
    assert refused(state, APPEAL_JUDGE, "record_verdict", when,
                   verdicts=[{**CONVICTED, "party_id": "p1"}]).code == "nobody_at_issue"


def test_before_per_accused_decisions_the_appeal_court_ruled_on_every_accused_not_final() -> None:
    """An Update accepted under the older rules replays as it was decided then."""
    state, when = _judged()
    when = _appealed(state, when)
    both = [{**CONVICTED, "party_id": "p1"}, {**ACQUITTED, "party_id": "p2"}]
    old = RuleRevision.remand_to_quashed_court
    event = decide(state, command("record_verdict", APPEAL_JUDGE, {"verdicts": both,
                                                                    "pronounced_at": when.isoformat()}),
                   when, revision=old)
    assert len(event.fields["verdicts"]) == 2


def test_a_co_accused_appeal_within_its_window_joins_the_case_where_it_is() -> None:
    """The measured bug: B's own appeal while the case was in appeal was refused (409 wrong_stage)."""
    state, when = _judged()
    when = _appealed(state, when)
    seq_of_handoff = state.handoff.handoff_id  # type: ignore[union-attr]
    act(state, PROSECUTOR, "file_appeal", when, party_id="p2", to_agency="court.appeal.tripoli")
    assert (state.stage, state.owner_agency) == (Stage.appeal, "court.appeal.tripoli")
    assert state.handoff.handoff_id == seq_of_handoff  # type: ignore[union-attr]  # no new hand-off to itself
    assert state.latest_verdict("p2").challenged  # type: ignore[union-attr]
    # both are now before the court of appeal: its verdict rules on both
    assert refused(state, APPEAL_JUDGE, "record_verdict", when,
                   verdicts=[{**CONVICTED, "party_id": "p1"}]).code == "verdict_per_accused"
    act(state, APPEAL_JUDGE, "record_verdict", when,
        verdicts=[{**CONVICTED, "party_id": "p1"}, {**CONVICTED, "party_id": "p2"}])


def test_a_co_accused_appeal_after_its_window_is_refused() -> None:
    state, when = _judged()
    when = _appealed(state, when)
    _lapse(state, when + timedelta(days=30))
    assert refused(state, PROSECUTOR, "file_appeal", when + timedelta(days=30), party_id="p2",
                   to_agency="court.appeal.tripoli").code == "appeal_window_closed"


def test_the_case_does_not_leave_a_court_while_other_accused_await_its_verdict() -> None:
    """A's cassation from the appeal judgment, with B's appeal still before the court of appeal: sever first."""
    state, when = _judged()
    when = _appealed(state, when)
    act(state, PROSECUTOR, "file_appeal", when, party_id="p2", to_agency="court.appeal.tripoli")
    act(state, APPEAL_JUDGE, "record_verdict", when,
        verdicts=[{**CONVICTED, "party_id": "p1"}, {**CONVICTED, "party_id": "p2"}])
    act(state, PROSECUTOR, "file_cassation", when, party_id="p1", to_agency="supreme_court")
    act(state, SUPREME_CLERK, "acknowledge_receipt", when)
    assert state.stage == Stage.cassation
    # B's own cassation joins at the Supreme Court
    act(state, PROSECUTOR, "file_cassation", when, party_id="p2", to_agency="supreme_court")
    assert state.latest_verdict("p2").challenged  # type: ignore[union-attr]


def test_a_cassation_remand_retries_only_the_accused_whose_judgment_it_quashes() -> None:
    state, when = _judged("felony", 2)
    act(state, PROSECUTOR, "file_cassation", when, party_id="p1", to_agency="supreme_court")
    act(state, SUPREME_CLERK, "acknowledge_receipt", when)
    act(state, SUPREME_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(minutes=5)).isoformat())
    act(state, SUPREME_JUDGE, "remand", when + timedelta(hours=1), to_agency="court.appeal.tripoli.felony",
        reasons="قصور")
    assert state.latest_verdict("p1") is None  # set aside, to be tried again
    kept = state.latest_verdict("p2")
    assert kept is not None and kept.result == "acquitted"  # B's acquittal, which nobody challenged, stands


def test_a_lapse_for_one_accused_leaves_the_case_going_for_the_others() -> None:
    """The measured bug: declare_lapsed (the death of one accused) closed the case for all accused."""
    state = _in_prosecution()
    act(state, CHIEFPROS, "declare_lapsed", T0, ground="death", party_id="p2")
    assert state.stage == Stage.prosecution and state.outcome is None
    assert (state.party("p2").outcome, state.party("p2").outcome_ground) == (Outcome.lapsed, "death")  # type: ignore[union-attr]
    assert [p.party_id for p in state.active_accused()] == ["p1"]
    # the last accused's archive closes the case, its outcome from its accused's
    act(state, CHIEFPROS, "archive", T0, ground="عدم كفاية الأدلة", party_id="p1")
    assert (state.stage, state.outcome) == (Stage.closed, Outcome.lapsed)
    assert state.party("p1").outcome == Outcome.archived  # type: ignore[union-attr]


def test_archive_reconciliation_and_a_withdrawn_complaint_for_one_accused() -> None:
    state = _in_prosecution(parties=3)
    act(state, CHIEFPROS, "archive", T0, ground="عدم كفاية الأدلة", party_id="p1")
    act(state, CHIEFPROS, "record_reconciliation", T0, terms="تعويض", party_id="p2")
    act(state, CHIEFPROS, "declare_lapsed", T0, ground="complaint_withdrawn", party_id="p3")
    assert [p.outcome for p in state.accused()] == [Outcome.archived, Outcome.reconciled, Outcome.lapsed]
    assert (state.stage, state.outcome) == (Stage.closed, Outcome.reconciled)
    # one accused's decision twice is refused
    assert refused(_one_archived(), CHIEFPROS, "archive", T0, ground="…", party_id="p1").code == "accused_disposed"


def _one_archived() -> CaseState:
    state = _in_prosecution()
    act(state, CHIEFPROS, "archive", T0, ground="…", party_id="p1")
    return state


def test_the_case_outcome_derives_from_its_accused_and_each_keeps_their_own() -> None:
    state, when = _judged()
    _lapse(state, when + timedelta(days=30))
    assert state.stage == Stage.final
    act(state, PROSECUTOR, "record_execution", when + timedelta(days=30), party_id="p1", detail="أودع")
    act(state, CHIEFPROS, "close_case", when + timedelta(days=30))
    assert state.outcome == Outcome.convicted
    assert [p.outcome for p in state.accused()] == [Outcome.convicted, Outcome.acquitted]


def test_a_lapse_for_one_accused_at_trial_makes_the_judged_others_final() -> None:
    """B dies after A's verdict became final: nothing is left to rule on, the case becomes final."""
    state = open_case(parties=2)
    when = to_trial(state)
    act(state, JUDGE, "declare_lapsed", when, ground="death", party_id="p2")
    act(state, JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, "party_id": "p1"}])
    _lapse(state, when + timedelta(days=30))
    assert state.stage == Stage.final


def test_one_accused_s_proceedings_end_only_once_their_release_is_recorded() -> None:
    """Custody follows the person (issue 13): nobody is set free by a decision that does not say so."""
    state = _in_prosecution()
    act(state, PROSECUTOR, "order_detention", T0, party_id="p2", grounds="خشية الهرب")
    refusal = refused(state, CHIEFPROS, "archive", T0, ground="…", party_id="p2")
    assert (refusal.code, refusal.field, refusal.details["held"]) == ("person_held", "party_id", ["p2"])
    act(state, CHIEFPROS, "archive", T0, ground="…", party_id="p1")  # the free one's may end
    act(state, PROSECUTOR, "release_person", T0, party_id="p2", reason="إخلاء سبيل بضمان")
    act(state, CHIEFPROS, "archive", T0, ground="…", party_id="p2")
    assert state.party("p2").custody == Custody.free and state.stage == Stage.closed  # type: ignore[union-attr]
    assert all(c.status != ClockStatus.open for c in state.clocks if c.subject == "p2")


def test_a_reopened_file_reopens_the_proceedings_it_archived() -> None:
    state = _in_prosecution(parties=1)
    act(state, CHIEFPROS, "archive", T0, ground="…")
    assert state.party("p1").outcome == Outcome.archived  # type: ignore[union-attr]
    act(state, CHIEFPROS, "reopen", T0, reason="دليل جديد")
    assert state.party("p1").outcome is None and state.active_accused()  # type: ignore[union-attr]


# ---------------------------------------------------------------- severance


def test_severance_splits_one_accused_into_a_case_of_their_own_linked_both_ways() -> None:
    state = _in_prosecution()
    act(state, PROSECUTOR, "order_detention", T0, party_id="p2", grounds="خشية الهرب")
    sever = decide(state, command("sever_accused", CHIEFPROS, {"party_id": "p2", "reason": "تعذر استكمال التحقيق"}),
                   T0)
    apply(state, sever)
    severed = state.party("p2")
    assert severed is not None and severed.outcome == Outcome.severed
    assert state.stage == Stage.prosecution and [p.party_id for p in state.active_accused()] == ["p1"]
    # the new case starts from the file the severance logged (the workflow starts it: activities.severing)
    found = severance_of(sever)
    assert found is not None and found[0] == severed.severed_to
    new = new_case(found[0], "pros.tripoli/2026/00002", state.rules,
                   decide_severed_in(found[0], found[1], T0 + timedelta(minutes=1)))
    assert (new.severed_from, new.severed_from_number) == (state.case_id, state.number)
    assert (new.stage, new.owner_agency, new.category, new.offence) == (
        Stage.prosecution, "pros.tripoli", state.category, state.offence)
    [accused] = new.accused()
    assert (accused.name, accused.custody) == (severed.name, Custody.detained)  # custody carries across
    [detention] = [c for c in new.open_clocks() if c.name == "prosecution_detention"]
    source_clock = next(c for c in state.clocks if c.name == "prosecution_detention")
    assert (detention.expires_at, detention.subject) == (source_clock.expires_at, accused.party_id)
    assert source_clock.status == ClockStatus.stopped  # held under the new case now, not under both
    # the same severance decided again names the same new case (the workflow's retries start it once)
    assert severance_of(sever) == found
    assert severance_of(decide(state, command("add_party", CHIEFPROS, {"role": "witness", "name": "ش"}), T0)) is None


def test_the_last_accused_is_not_severed() -> None:
    assert refused(_in_prosecution(parties=1), CHIEFPROS, "sever_accused", T0, party_id="p1",
                   reason="…").code == "last_accused"


def test_a_court_severs_an_accused_at_trial_and_the_others_are_judged_alone() -> None:
    state = open_case(parties=2)
    when = to_trial(state)
    act(state, JUDGE, "sever_accused", when, party_id="p2", reason="غياب المتهم")
    act(state, JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, "party_id": "p1"}])
    _lapse(state, when + timedelta(days=30))
    assert state.stage == Stage.final


# ---------------------------------------------------------------- requalification


def test_the_referral_requalifies_the_facts_and_goes_to_the_court_of_the_new_category() -> None:
    state = _in_prosecution(parties=1)
    assert refused(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["شروع في قتل"],
                   category="felony").code == "not_competent_court"
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.appeal.tripoli.felony", charges=["شروع في قتل"],
        category="felony")
    assert state.category == Category.felony
    assert [(q.category, q.action) for q in state.qualifications] == [
        (Category.misdemeanour, "open_case"), (Category.felony, "refer_to_court")]


def test_the_verdict_requalifies_the_facts_with_the_history_kept() -> None:
    state = open_case("felony")
    when = to_trial(state)
    act(state, FELONY_JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, "party_id": "p1"}],
        category="misdemeanour", charges=["ضرب أفضى إلى عاهة"])
    assert (state.category, state.charges) == (Category.misdemeanour, ["ضرب أفضى إلى عاهة"])
    assert [q.charges for q in state.qualifications] == [["سرقة"], ["ضرب أفضى إلى عاهة"]]
    # the felony chamber's judgment still opens cassation, whatever the new description
    assert {c.name for c in state.open_clocks() if c.subject == "p1"} == {"cassation_window"}


def test_a_requalification_that_changes_nothing_adds_no_history() -> None:
    state = _in_prosecution(parties=1)
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"], category="misdemeanour")
    assert state.qualifications == []


@pytest.mark.parametrize("action", ["archive", "declare_lapsed", "record_reconciliation"])
def test_a_decision_for_one_accused_names_an_accused(action: str) -> None:
    state = _in_prosecution()
    act(state, PROSECUTOR, "add_party", T0, role="victim", name="مجني عليه")
    fields = {"archive": {"ground": "…"}, "declare_lapsed": {"ground": "death"},
              "record_reconciliation": {"terms": "…"}}[action]
    assert refused(state, CHIEFPROS, action, T0, party_id="p3", **fields).code == "not_accused"
