"""The prison (issue 13, Deliver 3) through `decide` and `apply`: a convict's committal is a hand-off of the person
to a prison, which acknowledges it by admitting them; the warden records admission, transfer and release; execution
is per convict, and the case closes only once every convict's is recorded and nobody is held under it."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.case import CaseEvent, CaseState, Clock
from core.clock_events import due_clock_events
from core.effects import apply
from core.notifications import AgencyRoles, Notice, holders, notices_for_event
from core.procedure import RuleRevision
from core.sentences import release_instant, term_end
from core.supervision import urgency_of
from core.transitions import allowed_actions, decide
from core.vocabulary import ClockStatus, Custody, Role, Stage, StallReason, Urgency
from tests.support.procedure import (
    AGENCY_REFS,
    CHIEFPROS,
    DEMO_TREE,
    JUDGE,
    PROSECUTOR,
    T0,
    act,
    actor,
    command,
    open_case,
    refused,
    to_trial,
)

WARDEN = actor("prison_officer", "prison.aljdaida")
OTHER_WARDEN = actor("prison_officer", "prison.alkuwaifiya")
CONVICTED = {"result": "convicted", "sentence": "الحبس سنة", "in_absentia": False}


def final_convicts(penalty: dict[str, object] | None = None) -> tuple[CaseState, datetime]:
    """Two accused convicted, the verdicts final: the instant after."""
    state = open_case(parties=2)
    when = to_trial(state)
    extra = {"penalty": penalty} if penalty else {}
    act(state, JUDGE, "record_verdict", when, verdicts=[{**CONVICTED, **extra, "party_id": p} for p in ("p1", "p2")])
    later = when + timedelta(days=40)
    for event in due_clock_events(state, later):
        apply(state, event)
    assert state.stage == Stage.final
    return state, later


def committed() -> tuple[CaseState, datetime]:
    state, now = final_convicts()
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    return state, now


def admitted() -> tuple[CaseState, datetime]:
    state, now = committed()
    act(state, WARDEN, "admit_to_prison", now, party_id="p1")
    return state, now


def test_committal_is_a_hand_off_of_the_person_the_prison_acknowledges() -> None:
    state, now = final_convicts()
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="court.tripoli").code == \
        "not_a_prison"
    # before the committal the warden has no say in the case
    assert refused(state, WARDEN, "admit_to_prison", now, party_id="p1").code == "forbidden_agency"
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    party = state.party("p1")
    assert party is not None and (party.custody, party.prison, state.stage) == (Custody.committed, "prison.aljdaida",
                                                                               Stage.execution)
    assert "prison.aljdaida" in state.agencies_involved  # the prison sees the case from now on
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida").code == \
        "already_committed"
    assert allowed_actions(state, WARDEN, now, AGENCY_REFS) == ["admit_to_prison"]
    assert refused(state, WARDEN, "admit_to_prison", now, party_id="p2").code == "not_committed_here"
    # unacknowledged, the committal is escalated like any hand-off
    for event in due_clock_events(state, now + timedelta(hours=25)):
        apply(state, event)
    assert [s.reason for s in state.stalled] == ["committal_ack"]
    act(state, WARDEN, "admit_to_prison", now + timedelta(hours=25), party_id="p1")
    assert party.custody == Custody.imprisoned and not state.stalled
    assert state.latest_verdict("p1").executed_at == now + timedelta(hours=25)  # type: ignore[union-attr]
    assert state.latest_verdict("p2").executed_at is None  # type: ignore[union-attr]  # per convict


def test_the_warden_transfers_and_releases_and_nobody_else_releases_a_prisoner() -> None:
    state, now = admitted()
    assert refused(state, PROSECUTOR, "release_person", now, party_id="p1", reason="…").code == "in_prison"
    assert refused(state, WARDEN, "transfer_prisoner", now, party_id="p1", to_agency="prison.aljdaida",
                   reason="…").code == "same_prison"
    act(state, WARDEN, "transfer_prisoner", now, party_id="p1", to_agency="prison.alkuwaifiya", reason="قرب الأسرة")
    party = state.party("p1")
    assert party is not None and (party.custody, party.prison) == (Custody.committed, "prison.alkuwaifiya")
    assert refused(state, WARDEN, "release_prisoner", now, party_id="p1", ground="served").code == "forbidden_agency"
    act(state, OTHER_WARDEN, "admit_to_prison", now, party_id="p1")
    released = now + timedelta(days=300)
    act(state, OTHER_WARDEN, "release_prisoner", released, party_id="p1", ground="remitted")
    verdict = state.latest_verdict("p1")
    assert verdict is not None and (verdict.sentence_ended_at, verdict.sentence_end_ground) == (released, "remitted")
    assert party.custody == Custody.free


def test_close_case_waits_for_every_convict() -> None:
    state, now = admitted()
    later = now + timedelta(days=365)
    refusal = refused(state, CHIEFPROS, "close_case", later)
    assert (refusal.code, refusal.details) == ("execution_pending", {"pending": ["p2"]})
    assert "close_case" not in allowed_actions(state, CHIEFPROS, later, AGENCY_REFS)
    # p2's fine paid: the prosecution records the sentence's end
    assert refused(state, PROSECUTOR, "record_sentence_end", later, party_id="p2", ground="served",
                   ended_at=(T0 - timedelta(days=1)).isoformat()).code == "ended_before_verdict"
    act(state, PROSECUTOR, "record_sentence_end", later, party_id="p2", ground="served",
        ended_at=(now + timedelta(days=2)).isoformat())
    # p1 is in prison: the case still holds them
    assert refused(state, CHIEFPROS, "close_case", later).code == "person_held"
    act(state, WARDEN, "release_prisoner", later, party_id="p1", ground="served")
    act(state, CHIEFPROS, "close_case", later)
    assert (state.stage, state.outcome) == (Stage.closed, "convicted")


def test_a_sentence_without_imprisonment_is_not_committed() -> None:
    state, now = final_convicts({"kind": "fine", "fine": 300})
    assert refused(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida").code == \
        "no_custodial_sentence"


# ---------------------------------------------------------------- a prisoner's term as a clock (RuleRevision 12)

ONE_YEAR = {"kind": "imprisonment", "years": 1}


def _term_clocks(state: CaseState, subject: str = "p1") -> list[Clock]:
    return [c for c in state.clocks if c.name == "sentence_term" and c.subject == subject]


def _run_clocks(state: CaseState, until: datetime) -> list[CaseEvent]:
    """The clocks run to `until`: the term's events among them."""
    events = due_clock_events(state, until)
    for event in events:
        apply(state, event)
    return [e for e in events if e.fields.get("clock") == "sentence_term"]


def test_a_prisoner_s_term_runs_from_admission_less_the_credit_and_escalates_past_its_end() -> None:
    state, now = final_convicts(ONE_YEAR)
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    admitted_at = now + timedelta(days=3)  # three days held between committal and admission: credited
    act(state, WARDEN, "admit_to_prison", admitted_at, party_id="p1")
    [clock] = _term_clocks(state)
    verdict = state.latest_verdict("p1")
    assert verdict is not None and verdict.executed_at == admitted_at
    ends = term_end(admitted_at, ONE_YEAR) - timedelta(days=3)
    assert (clock.status, clock.expires_at, clock.warn_at) == (ClockStatus.open, ends, ends - timedelta(days=7))
    assert clock.expires_at == release_instant(verdict)  # the clock and the sentence's facts say the same day
    assert not _term_clocks(state, "p2")  # per convict: p2 was never admitted
    # a week before the end, the prison and the prosecution are told; past it, the case is flagged at once
    assert [e.name for e in _run_clocks(state, ends - timedelta(days=6))] == ["clock_warning"]
    assert "sentence_term" not in {s.reason for s in state.stalled}
    assert [e.name for e in _run_clocks(state, ends + timedelta(hours=1))] == ["clock_expired"]
    assert [(s.reason, s.clock_id) for s in state.stalled if s.reason == "sentence_term"] == [
        ("sentence_term", clock.clock_id)]
    assert urgency_of(StallReason.sentence_term) is Urgency.liberty
    # the prison can still release them (their custody stays "imprisoned"): the release ends the flag
    act(state, WARDEN, "release_prisoner", ends + timedelta(hours=2), party_id="p1", ground="served")
    assert "sentence_term" not in {s.reason for s in state.stalled}


def test_a_transfer_keeps_the_term_running_and_an_early_release_stops_it() -> None:
    state, now = final_convicts(ONE_YEAR)
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    act(state, WARDEN, "admit_to_prison", now, party_id="p1")
    [first] = _term_clocks(state)
    later = now + timedelta(days=100)
    act(state, WARDEN, "transfer_prisoner", later, party_id="p1", to_agency="prison.alkuwaifiya", reason="قرب الأسرة")
    act(state, OTHER_WARDEN, "admit_to_prison", later, party_id="p1")
    assert _term_clocks(state) == [first] and first.status == ClockStatus.open  # one term, not a new one
    act(state, OTHER_WARDEN, "release_prisoner", later + timedelta(days=1), party_id="p1", ground="remitted")
    assert first.status == ClockStatus.stopped
    assert not [e for e in due_clock_events(state, first.expires_at + timedelta(days=1))
                if e.fields.get("clock") == "sentence_term"]


def test_a_term_the_credit_covers_is_past_at_admission_and_a_sentence_in_words_starts_no_clock() -> None:
    state, now = final_convicts({"kind": "imprisonment", "days": 2})
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    admitted_at = now + timedelta(days=2, hours=1)  # three days begun in custody: more than the term
    act(state, WARDEN, "admit_to_prison", admitted_at, party_id="p1")
    [clock] = _term_clocks(state)
    assert clock.expires_at < admitted_at
    assert [e.name for e in _run_clocks(state, admitted_at)] == ["clock_expired"]
    assert "sentence_term" in {s.reason for s in state.stalled}
    # the judge's wording alone: no term to count, no clock (nothing is computed that the verdict does not say)
    worded, then = final_convicts()
    act(worded, PROSECUTOR, "commit_to_prison", then, party_id="p1", to_agency="prison.aljdaida")
    act(worded, WARDEN, "admit_to_prison", then, party_id="p1")
    assert not _term_clocks(worded)


def test_an_admission_decided_before_the_term_clock_starts_none() -> None:
    """A history replayed from before RuleRevision.sentence_term folds as it was: no clock, no timer."""
    state, now = final_convicts(ONE_YEAR)
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    event = decide(state, command("admit_to_prison", WARDEN, {"party_id": "p1"}), now,
                   revision=RuleRevision.juvenile_route)
    assert "sentence_term" not in event.fields
    apply(state, event)
    assert not _term_clocks(state)


def test_the_prison_and_the_prosecution_are_told_of_a_term_ending_and_of_a_prisoner_held_past_it() -> None:
    state, now = final_convicts(ONE_YEAR)
    act(state, PROSECUTOR, "commit_to_prison", now, party_id="p1", to_agency="prison.aljdaida")
    act(state, WARDEN, "admit_to_prison", now, party_id="p1")
    [clock] = _term_clocks(state)
    prison = AgencyRoles("prison.aljdaida", frozenset({Role.prison_officer}))
    told: dict[str, list[Notice]] = {}
    for until in (clock.warn_at + timedelta(minutes=1), clock.expires_at + timedelta(minutes=1)):
        for event in due_clock_events(state, until):
            apply(state, event)
            if event.fields.get("clock") == "sentence_term":
                told[event.name] = notices_for_event(state, event, DEMO_TREE)
    [warning] = told["clock_warning"]
    assert warning.clock == "sentence_term" and warning.due_at == clock.expires_at
    assert prison in warning.audiences and holders(state) in warning.audiences
    acting, escalated = told["clock_expired"]
    assert prison in acting.audiences and holders(state) in acting.audiences
    assert escalated.level == 1  # up the prosecution's hierarchy, as any case it holds that is past a deadline
