"""Custody and detention follow the person (issue 13, Deliver 1), through `decide` and `apply`: a detention order
only for a suspect or an accused not already detained; extensions only before expiry, capped per stage; expiry
without extension is "release due"; police custody handed over at referral; no case closes while it holds
someone; custody carried across a merge with its instants."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from core.case import ActionCommand, CaseRef, CaseState, MergeDelivery
from core.clock_events import due_clock_events
from core.clocks import Expiry
from core.custody import carry_custody, custody_to_carry
from core.effects import apply
from core.procedure import RuleRevision
from core.proceedings import CUSTODY_CLOCKS
from core.transitions import allowed_actions, decide, decide_merged_in
from core.vocabulary import ClockStatus, Custody, Stage
from tests.support.procedure import (
    AGENCY_REFS,
    CHIEF,
    CHIEFPROS,
    CLERK,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    T0,
    act,
    command,
    open_case,
    refused,
    to_trial,
)


def _in_prosecution(parties: int = 1) -> CaseState:
    state = open_case(parties=parties)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def _detained() -> CaseState:
    state = _in_prosecution()
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    return state


def _run_clocks(state: CaseState, until: datetime) -> None:
    for event in due_clock_events(state, until):
        apply(state, event)


def _open_custody(state: CaseState, party_id: str = "p1") -> list[str]:
    return [c.name for c in state.open_clocks() if c.subject == party_id and c.name in CUSTODY_CLOCKS]


def test_a_witness_is_not_detained() -> None:
    state = _in_prosecution()
    act(state, PROSECUTOR, "add_party", T0, role="witness", name="شاهد")
    assert refused(state, PROSECUTOR, "order_detention", party_id="p2", grounds="…").code == "not_a_defendant"
    # the dry run offers only the accused
    options = allowed_actions(state, PROSECUTOR, T0, AGENCY_REFS)
    assert "order_detention" in options


def test_a_second_order_does_not_restart_the_prosecutions_period() -> None:
    state = _detained()
    first = next(c for c in state.open_clocks() if c.name == "prosecution_detention")
    later = T0 + timedelta(days=5)
    refusal = refused(state, PROSECUTOR, "order_detention", later, party_id="p1", grounds="…")
    assert (refusal.status, refusal.code) == (409, "already_detained")
    assert next(c for c in state.open_clocks() if c.name == "prosecution_detention") == first


def test_before_the_rule_a_second_order_replays_as_it_was_accepted() -> None:
    state = _detained()
    event = decide(state, command("order_detention", PROSECUTOR, {"party_id": "p1", "grounds": "…"}),
                   T0 + timedelta(days=5), revision=RuleRevision.remand_to_quashed_court)
    apply(state, event)
    assert state.party("p1").custody == Custody.detained  # type: ignore[union-attr]


def test_prosecution_detention_expiry_makes_release_due_and_refuses_later_extensions() -> None:
    state = _detained()
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="مقتضيات التحقيق")
    expires = next(c for c in state.open_clocks() if c.name == "prosecution_detention").expires_at
    _run_clocks(state, expires)
    party = state.party("p1")
    assert party is not None and party.custody == Custody.release_due
    assert [s.reason for s in state.stalled] == ["prosecution_detention"]  # escalated at once
    after = expires + timedelta(minutes=1)
    refusal = refused(state, JUDGE, "extend_detention", after, party_id="p1", days=5, grounds="…")
    assert (refusal.status, refusal.code) == (409, "release_due")
    assert "extend_detention" not in allowed_actions(state, JUDGE, after, AGENCY_REFS)
    assert refused(state, PROSECUTOR, "order_detention", after, party_id="p1", grounds="…").code == "release_due"
    # the release is recorded, and clears the escalation
    act(state, PROSECUTOR, "release_person", after, party_id="p1", reason="انتهاء المدة", terms="unconditional")
    assert party.custody == Custody.free and not state.stalled


def test_a_judges_extension_also_expires_into_release_due() -> None:
    state = _detained()
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli", grounds="…")
    act(state, JUDGE, "extend_detention", T0 + timedelta(days=2), party_id="p1", days=10, grounds="…")
    assert _open_custody(state) == ["judicial_detention"]
    _run_clocks(state, T0 + timedelta(days=20))
    assert state.party("p1").custody == Custody.release_due  # type: ignore[union-attr]
    refusal = refused(state, JUDGE, "extend_detention", T0 + timedelta(days=20), party_id="p1", days=5, grounds="…")
    assert refusal.code == "release_due"


def test_an_expired_detention_under_an_older_rule_book_is_still_not_extended() -> None:
    """A case opened before expiry made release due (its rule book escalates only): the period is over all the
    same, and the judge is refused."""
    state = _detained()
    state.rules.clocks["prosecution_detention"] = replace(state.rules.clock("prosecution_detention"),
                                                          expiry=Expiry.escalate)
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli", grounds="…")
    _run_clocks(state, T0 + timedelta(days=8))
    assert state.party("p1").custody == Custody.detained  # type: ignore[union-attr]
    refusal = refused(state, JUDGE, "extend_detention", T0 + timedelta(days=8), party_id="p1", days=5, grounds="…")
    assert refusal.code == "release_due"


def test_the_investigation_cap_does_not_bind_the_trial_court() -> None:
    state = _detained()
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli", grounds="…")
    act(state, JUDGE, "extend_detention", T0, party_id="p1", days=15, grounds="…")
    act(state, JUDGE, "extend_detention", T0, party_id="p1", days=15, grounds="…")
    assert refused(state, JUDGE, "extend_detention", party_id="p1", days=1, grounds="…").code == \
        "extension_cap_reached"
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, JUDGE, "acknowledge_receipt", T0)
    later = T0 + timedelta(days=1)
    # the trial court's own period: at most 45 days at a time, counted apart from the investigation's 30
    assert refused(state, JUDGE, "extend_detention", later, party_id="p1", days=46, grounds="…").code == \
        "extension_too_long"
    act(state, JUDGE, "extend_detention", later, party_id="p1", days=45, grounds="…")
    assert _open_custody(state) == ["trial_detention"]
    party = state.party("p1")
    assert party is not None and (party.detention_days_extended, party.days_extended) == (30, {"trial_detention": 45})
    _run_clocks(state, later + timedelta(days=47))
    assert party.custody == Custody.release_due
    assert "trial_detention" in [s.reason for s in state.stalled]


def test_referral_hands_police_custody_over_to_the_prosecution() -> None:
    state = open_case(parties=2)
    act(state, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=T0.isoformat())
    referred = T0 + timedelta(hours=20)
    act(state, CHIEF, "refer_to_prosecution", referred, to_agency="pros.tripoli")
    assert [p.custody for p in state.parties] == [Custody.before_prosecution, Custody.free]
    assert _open_custody(state) == ["prosecution_custody"]
    # police custody no longer runs: past its 48 hours nothing is flagged for it
    act(state, PROSECUTOR, "acknowledge_receipt", referred)
    _run_clocks(state, referred + timedelta(hours=25))
    assert [s.reason for s in state.stalled] == ["prosecution_custody"]
    assert state.party("p1").custody == Custody.release_due  # type: ignore[union-attr]
    # a detention order in time replaces the hand-over's period
    fresh = open_case()
    act(fresh, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=T0.isoformat())
    act(fresh, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(fresh, PROSECUTOR, "order_detention", T0 + timedelta(hours=3), party_id="p1", grounds="…")
    assert _open_custody(fresh) == ["prosecution_detention"]


def test_a_case_does_not_close_while_it_holds_someone() -> None:
    state = _detained()
    for action, fields in (("archive", {"ground": "…"}), ("declare_lapsed", {"ground": "prescription"}),
                           ("record_reconciliation", {"terms": "…"})):
        refusal = refused(state, CHIEFPROS, action, T0, **fields)
        assert (refusal.status, refusal.code, refusal.details) == (409, "person_held", {"held": ["p1"]}), action
        assert action not in allowed_actions(state, CHIEFPROS, T0, AGENCY_REFS)
    act(state, PROSECUTOR, "release_person", T0, party_id="p1", reason="كفالة", terms="bail")
    act(state, CHIEFPROS, "archive", T0, ground="…")
    assert state.stage == Stage.closed


def test_a_merge_carries_the_person_held_on_the_same_clocks() -> None:
    source = _detained()
    clock = next(c for c in source.open_clocks() if c.name == "prosecution_detention")
    merge = ActionCommand("merge_into", CHIEFPROS, {"target_case_id": "c2"},
                          cases={"target_case_id": CaseRef("c2", Stage.prosecution, True)})
    apply(source, decide(source, merge, T0 + timedelta(days=2)))
    assert source.stage == Stage.closed and "p1" in source.custody_carried
    target = _in_prosecution()
    target.case_id = "c2"
    delivery = MergeDelivery(source.case_id, source.number, "c2", source.parties, source.documents,
                             custody=source.custody_carried)
    apply(target, decide_merged_in(target, delivery, T0 + timedelta(days=2)))
    arrived = target.parties[-1]
    assert arrived.custody == Custody.detained
    carried = next(c for c in target.open_clocks() if c.subject == arrived.party_id)
    assert (carried.name, carried.started_at, carried.expires_at) == ("prosecution_detention", clock.started_at,
                                                                      clock.expires_at)
    # not a fresh period: it ends when it would have ended in the merged case
    _run_clocks(target, clock.expires_at)
    assert arrived.custody == Custody.release_due


def test_custody_to_carry_for_a_severance_keeps_an_expired_period_expired() -> None:
    state = _detained()
    _run_clocks(state, T0 + timedelta(days=8))
    carried = custody_to_carry(state, "p1", CUSTODY_CLOCKS)
    assert carried is not None and carried["custody"] == "release_due"
    assert [c["status"] for c in carried["clocks"]] == ["expired"]
    other = _in_prosecution()
    carry_custody(other, other.parties[0], carried, 99, T0 + timedelta(days=8))
    assert other.parties[0].custody == Custody.release_due
    assert [c.status for c in other.clocks if c.subject == "p1" and c.name in CUSTODY_CLOCKS] == [ClockStatus.expired]
    assert "prosecution_detention" in [s.reason for s in other.stalled]
    assert custody_to_carry(other, "p2", CUSTODY_CLOCKS) is None


def test_to_trial_is_unchanged_for_a_free_accused() -> None:
    state = open_case()
    to_trial(state)
    assert state.stage == Stage.trial


# ---------------------------------------------------------------- released by the judgment (RuleRevision 13)


def _both_detained_before_the_court() -> tuple[CaseState, datetime]:
    """Two accused detained by the prosecution, referred to the court, heard: the instant the verdict is given."""
    state = _in_prosecution(parties=2)
    for party_id in ("p1", "p2"):
        act(state, PROSECUTOR, "order_detention", T0, party_id=party_id, grounds="خشية الهرب")
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, CLERK, "acknowledge_receipt", T0)
    act(state, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(hours=2)).isoformat())
    return state, T0 + timedelta(hours=3)


def _verdict(party_id: str, result: str, penalty: dict[str, object] | None = None) -> dict[str, object]:
    return {"party_id": party_id, "result": result, "sentence": "…" if result == "convicted" else None,
            "in_absentia": False, **({"penalty": penalty} if penalty else {})}


def test_an_acquittal_releases_the_detained_accused_at_once_and_a_prison_sentence_keeps_them() -> None:
    state, at = _both_detained_before_the_court()
    event = decide(state, command("record_verdict", JUDGE, {"pronounced_at": at.isoformat(), "verdicts": [
        _verdict("p1", "acquitted"), _verdict("p2", "convicted", {"kind": "imprisonment", "years": 1})]}), at)
    assert event.fields["released"] == ["p1"]
    apply(state, event)
    acquitted, convicted = state.party("p1"), state.party("p2")
    assert acquitted is not None and convicted is not None
    assert acquitted.custody == Custody.free and not _open_custody(state, "p1")
    assert acquitted.held_since is None and acquitted.held_seconds == (at - T0).total_seconds()
    assert convicted.custody == Custody.detained and _open_custody(state, "p2")  # held pending the challenges
    # nothing expires later for the person released: no "release due" a month on
    _run_clocks(state, at + timedelta(days=60))
    assert acquitted.custody == Custody.free


def test_a_sentence_that_imprisons_nobody_releases_and_one_in_words_only_does_not() -> None:
    state, at = _both_detained_before_the_court()
    act(state, JUDGE, "record_verdict", at, pronounced_at=at.isoformat(), verdicts=[
        _verdict("p1", "convicted", {"kind": "fine", "fine": 500}), _verdict("p2", "convicted")])
    assert [p.custody for p in state.parties] == [Custody.free, Custody.detained]


def test_before_the_rule_a_verdict_replays_without_releasing_anyone() -> None:
    state, at = _both_detained_before_the_court()
    event = decide(state, command("record_verdict", JUDGE, {"pronounced_at": at.isoformat(), "verdicts": [
        _verdict("p1", "acquitted"), _verdict("p2", "acquitted")]}), at, revision=RuleRevision.sentence_term)
    assert "released" not in event.fields
    apply(state, event)
    assert [p.custody for p in state.parties] == [Custody.detained, Custody.detained]
