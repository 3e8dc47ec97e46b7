"""The one definition of a case's deadlines (core.supervision), on states built through decide/apply: what is
past, whether its expiry is on record, how urgent, how old; and the supervision note (add_supervision_note)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core.case import CaseState
from core.clock_events import due_clock_events
from core.clocks import Expiry, default_rulebook
from core.effects import apply
from core.supervision import (
    AGE_BUCKETS,
    age_days,
    bucket_of,
    bucket_window,
    case_deadlines,
    closed_at,
    overdue,
    recent_weeks,
    stage_entered_at,
    stalled_since,
    supervision_scope,
    week_start,
    week_window,
)
from core.vocabulary import AgeBucket, ClockStatus, StallReason, Urgency
from tests.support.procedure import (
    CHIEF,
    CHIEFPROS,
    DEMO_ACTORS,
    JUDGE,
    OFFICER,
    PROSECUTOR,
    T0,
    act,
    open_case,
    refused,
)

SUPERVISOR = next(a for a in DEMO_ACTORS if a.username == "supervisor")
SUPERVISOR_TRIPOLI = next(a for a in DEMO_ACTORS if a.username == "supervisor.tripoli")
SUPERVISOR_BENGHAZI_LIKE = next(a for a in DEMO_ACTORS if a.username == "chief.benghazi")


def _record_clocks(state: CaseState, now: datetime) -> None:
    """What the case's workflow records when its timers fire at `now`."""
    for event in due_clock_events(state, now):
        apply(state, event)


def _reasons(state: CaseState, now: datetime) -> list[tuple[StallReason, bool]]:
    return [(d.reason, d.on_record) for d in overdue(case_deadlines(state), now)]


# ---------------------------------------------------------------- the issue's case, and why it was on no list


def test_a_stage_129_days_past_its_deadline_is_past_it_whether_or_not_the_expiry_is_on_record() -> None:
    state = open_case()
    sla = next(c for c in state.clocks if c.name == "stage_sla")
    now = sla.expires_at + timedelta(days=129, hours=3)
    # nothing recorded yet (the worker was down, the log behind): the case carries no flag...
    assert state.stalled == []
    # ...and it is past its stage's deadline all the same, 129 days, said to be not yet on record (and idle)
    past = overdue(case_deadlines(state), now)
    assert [(d.reason, d.on_record) for d in past] == [(StallReason.idle, False), (StallReason.stage_sla, False)]
    stage_past = past[1]
    assert age_days(stage_past.due_at, now) == 129
    assert bucket_of(age_days(stage_past.due_at, now)) is AgeBucket.days_91_180
    # once the workflow records the expiry (and the idle period's), both are past and on record
    _record_clocks(state, now)
    assert _reasons(state, now) == [(StallReason.idle, True), (StallReason.stage_sla, True)]
    assert stalled_since(case_deadlines(state), now) == T0 + timedelta(days=state.rules.idle_days)


def test_an_expired_clock_whose_flag_was_resolved_is_no_deadline_any_more() -> None:
    """The lead's guess, confirmed: the work list showed every expired escalating clock in red, while the stalled
    list read only the flags. A stage left after its SLA expired keeps its clock `expired`, and its flag goes."""
    state = open_case()
    sla = next(c for c in state.clocks if c.name == "stage_sla")
    later = sla.expires_at + timedelta(days=1)
    _record_clocks(state, later)
    act(state, CHIEF, "refer_to_prosecution", later, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", later)
    # the old clock is still `expired` and escalating (what the old work list painted red for ever)...
    assert sla.status == ClockStatus.expired and state.rules.clock("stage_sla").expiry is Expiry.escalate
    assert state.stalled == []  # ...while nothing is flagged
    # the one definition: only the new stage's SLA and the idle period are deadlines, neither past
    assert [(d.reason, d.key) for d in case_deadlines(state)] == [
        (StallReason.idle, "idle"),
        (StallReason.stage_sla, next(c.clock_id for c in state.clocks if c.status == ClockStatus.open))]
    assert overdue(case_deadlines(state), later + timedelta(days=10)) == []


def test_an_acknowledged_handoff_and_a_released_person_end_their_deadlines() -> None:
    state = open_case()
    act(state, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=(T0 - timedelta(hours=20)).isoformat())
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    now = T0 + timedelta(days=2)
    # police custody ended at the referral: the person is before the prosecution now (issue 13)
    assert _reasons(state, now) == [(StallReason.prosecution_custody, False), (StallReason.handoff_ack, False)]
    _record_clocks(state, now)
    assert _reasons(state, now) == [(StallReason.prosecution_custody, True), (StallReason.handoff_ack, True)]
    act(state, PROSECUTOR, "acknowledge_receipt", now)
    assert _reasons(state, now) == [(StallReason.prosecution_custody, True)]
    act(state, PROSECUTOR, "release_person", now, party_id="p1", reason="كفالة")
    assert _reasons(state, now) == []


def test_liberty_comes_first_then_handoffs_then_the_rest_by_how_long_past() -> None:
    state = open_case(parties=2)
    sla = next(c for c in state.clocks if c.name == "stage_sla")
    act(state, OFFICER, "record_arrest", sla.expires_at + timedelta(days=5), party_id="p2",
        arrested_at=(sla.expires_at + timedelta(days=4)).isoformat())
    # a station to another station: the stage (and its SLA) goes on, the file awaits its receipt
    act(state, SUPERVISOR_TRIPOLI, "reassign", sla.expires_at + timedelta(days=5),
        to_agency="station.tripoli.souq_aljuma", reason="…")
    now = sla.expires_at + timedelta(days=90)
    past = overdue(case_deadlines(state), now)
    # the stage SLA has been past longest, and still comes after a person held and a file not received
    assert [(d.reason, d.urgency, d.subject) for d in past] == [
        (StallReason.police_custody, Urgency.liberty, "p2"), (StallReason.handoff_ack, Urgency.handoff, None),
        (StallReason.stage_sla, Urgency.other, None), (StallReason.idle, Urgency.other, None)]
    assert stalled_since(case_deadlines(state), now) == sla.expires_at


def test_detention_and_its_extension_are_deadlines_of_the_person() -> None:
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli", grounds="…")
    [detention] = [d for d in case_deadlines(state) if d.urgency is Urgency.liberty]
    assert (detention.reason, detention.subject) == (StallReason.prosecution_detention, "p1")
    act(state, JUDGE, "extend_detention", T0 + timedelta(days=2), party_id="p1", days=1, grounds="…")
    [extended] = [d for d in case_deadlines(state) if d.urgency is Urgency.liberty]
    assert extended.reason is StallReason.judicial_detention
    assert extended.due_at - (T0 + timedelta(days=2)) <= timedelta(hours=48)


def test_the_idle_period_starts_again_with_every_action_but_a_supervision_note() -> None:
    state = open_case()
    idle = next(d for d in case_deadlines(state) if d.reason is StallReason.idle)
    assert idle.due_at == T0 + timedelta(days=state.rules.idle_days)
    later = T0 + timedelta(days=35)
    act(state, SUPERVISOR_TRIPOLI, "add_supervision_note", later, note="ما سبب التأخير؟")
    assert next(d for d in case_deadlines(state) if d.reason is StallReason.idle).due_at == idle.due_at
    _record_clocks(state, later)
    assert (StallReason.idle, True) in _reasons(state, later)
    act(state, SUPERVISOR_TRIPOLI, "add_supervision_note", later, note="تذكير ثانٍ")
    assert (StallReason.idle, True) in _reasons(state, later)  # a note is not progress
    act(state, OFFICER, "add_party", later, role="witness", name="شاهد")
    assert StallReason.idle not in [r for r, _ in _reasons(state, later)]


def test_a_closed_case_has_no_deadline_and_says_when_it_closed() -> None:
    state = open_case()
    assert stage_entered_at(state) == T0 and closed_at(state) is None
    act(state, CHIEF, "refer_to_prosecution", T0 + timedelta(days=1), to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0 + timedelta(days=2))
    assert stage_entered_at(state) == T0 + timedelta(days=1)
    act(state, CHIEFPROS, "archive", T0 + timedelta(days=3), ground="…")
    assert case_deadlines(state) == [] and stage_entered_at(state) is None
    assert closed_at(state) == T0 + timedelta(days=3)


def test_every_escalating_clock_of_the_rule_table_is_a_reason() -> None:
    escalating = {c.name for c in default_rulebook().clocks.values() if c.escalates}
    assert escalating | {"idle"} == {r.value for r in StallReason}


# ---------------------------------------------------------------- ages and weeks


@pytest.mark.parametrize(("days", "bucket"), [
    (0, AgeBucket.days_0_30), (30, AgeBucket.days_0_30), (31, AgeBucket.days_31_90), (90, AgeBucket.days_31_90),
    (91, AgeBucket.days_91_180), (180, AgeBucket.days_91_180), (181, AgeBucket.days_181_365),
    (365, AgeBucket.days_181_365), (366, AgeBucket.over_365), (5000, AgeBucket.over_365), (-1, None)])
def test_age_buckets_have_the_issues_boundaries(days: int, bucket: AgeBucket | None) -> None:
    assert bucket_of(days) is bucket


def test_a_bucket_window_holds_exactly_the_instants_of_that_bucket() -> None:
    rng = random.Random(7)
    now = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    instants = [now - timedelta(seconds=rng.randint(0, 900 * 86400)) for _ in range(2000)]
    instants += [now - timedelta(days=d) + timedelta(microseconds=e) for d in (30, 31, 90, 91, 365, 366)
                 for e in (-1, 0, 1)]
    for since in instants:
        for bucket in AGE_BUCKETS:
            earliest, latest = bucket_window(bucket, now)
            inside = since <= latest and (earliest is None or since > earliest)
            assert inside == (bucket_of(age_days(since, now)) is bucket), (since, bucket)


def test_weeks_begin_on_sunday_in_tripoli() -> None:
    # Saturday 23:30 UTC is Sunday 01:30 in Tripoli: the new week
    assert week_start(datetime(2026, 11, 28, 23, 30, tzinfo=UTC)) == date(2026, 11, 29)
    assert week_start(datetime(2026, 11, 28, 21, 30, tzinfo=UTC)) == date(2026, 11, 22)
    start, end = week_window(date(2026, 11, 29))
    assert (start.astimezone(UTC), end - start) == (datetime(2026, 11, 28, 22, 0, tzinfo=UTC), timedelta(days=7))
    weeks = recent_weeks(datetime(2026, 12, 2, tzinfo=UTC), 3)
    assert weeks == [date(2026, 11, 15), date(2026, 11, 22), date(2026, 11, 29)]


# ---------------------------------------------------------------- who supervises what


def test_supervision_scope_follows_the_capability_and_the_agency_tree() -> None:
    officer = next(a for a in DEMO_ACTORS if a.username == "officer.tripoli")
    assert supervision_scope(officer) is None
    tripoli = supervision_scope(SUPERVISOR_TRIPOLI)
    assert tripoli is not None and not tripoli.national
    assert tripoli.agencies == {"dir.tripoli", "station.tripoli.central", "station.tripoli.souq_aljuma"}
    national = supervision_scope(SUPERVISOR)
    assert national is not None and national.national
    chief = supervision_scope(SUPERVISOR_BENGHAZI_LIKE)
    assert chief is not None and chief.agencies == {"station.benghazi.central"} and not chief.national


# ---------------------------------------------------------------- the supervision note


def test_a_supervision_note_stays_on_the_case_signed_and_moves_nothing() -> None:
    state = open_case()
    idle_from = state.last_activity_at
    # the ministry's supervisor notes on the station's file: the idle period does not start again
    act(state, SUPERVISOR, "add_supervision_note", T0, note="متابعة من الوزارة")
    assert state.last_activity_at == idle_from
    act(state, CHIEF, "refer_to_prosecution", T0 + timedelta(hours=1), to_agency="pros.tripoli")
    before = (state.stage, state.owner_agency, state.last_activity_at, state.handoff)
    # the receiving office's chief notes on a file in transit: the note does not acknowledge it
    act(state, CHIEFPROS, "add_supervision_note", T0 + timedelta(hours=2), note="يرجى استلام الملف")
    assert (state.stage, state.owner_agency, state.last_activity_at, state.handoff) == before
    assert state.handoff is not None and state.handoff.acknowledged_at is None
    # the prosecution's file is not the ministry's to annotate (separation of powers, issue 12)
    assert refused(state, SUPERVISOR, "add_supervision_note", note="…").code == "outside_supervision"
    assert [(n.by, n.agency, n.text, n.seq) for n in state.supervision_notes] == [
        ("supervisor", "moi", "متابعة من الوزارة", 2),
        ("chief_prosecutor@pros.tripoli", "pros.tripoli", "يرجى استلام الملف", 4)]


def test_a_supervision_note_is_refused_outside_the_scope_and_to_other_roles() -> None:
    state = open_case()
    assert refused(state, OFFICER, "add_supervision_note", note="…").code == "forbidden_role"
    assert refused(state, SUPERVISOR_BENGHAZI_LIKE, "add_supervision_note", note="…").code == "forbidden_agency"
    assert refused(state, CHIEFPROS, "add_supervision_note", note="…").code == "forbidden_agency"
    assert refused(state, SUPERVISOR_TRIPOLI, "add_supervision_note", note="  ").code == "missing_field"
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    # the case is with the prosecution now: out of the police's scope (separation of powers)
    assert refused(state, SUPERVISOR_TRIPOLI, "add_supervision_note", note="…").code == "forbidden_agency"
    act(state, CHIEFPROS, "archive", T0, ground="…")
    assert refused(state, SUPERVISOR, "add_supervision_note", note="…").code == "case_closed"
