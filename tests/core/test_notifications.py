"""Who is told what (core.notifications), from states built through decide/apply: the procedure table gives
those who act, the agency tree the escalation, and each notice's key makes it once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from core.agencies import Agency, AgencyTree
from core.case import ActionCommand, Actor, CaseState
from core.notifications import (
    AgencyRoles,
    CertificateStep,
    Notice,
    Person,
    acting_roles,
    certificate_notices,
    escalation_levels,
    hearing_notices,
    notices_for_event,
    reminder_notice,
    still_stalled_notices,
)
from core.transitions import apply, decide, due_clock_events
from core.vocabulary import AgencyKind, NotificationKind, Role, Stage
from tests.support.procedure import (
    AGENCIES,
    CHIEF,
    CHIEFPROS,
    CLERK,
    DEMO_AGENCIES,
    DEMO_TREE,
    JUDGE,
    PROSECUTOR,
    T0,
    act,
    open_case,
    to_trial,
)

K = NotificationKind


def _act(state: CaseState, who: Actor, action: str, now: datetime = T0, **fields: object) -> list[Notice]:
    """Act, and the notices the act's event gives rise to (the fold asks right after each apply)."""
    targets = {k: AGENCIES[v] for k, v in fields.items() if k == "to_agency" and isinstance(v, str)}
    event = decide(state, ActionCommand(action, who, dict(fields), targets), now)
    apply(state, event)
    return notices_for_event(state, event, DEMO_TREE)


def _tick(state: CaseState, now: datetime) -> list[Notice]:
    """The clock events due at `now`, applied, and their notices."""
    found = []
    for event in due_clock_events(state, now):
        apply(state, event)
        found += notices_for_event(state, event, DEMO_TREE)
    return found


def test_those_who_act_come_from_the_procedure_table() -> None:
    assert {Role.police_officer, Role.station_chief} <= acting_roles(Stage.police_inquiry)
    assert {Role.judge, Role.court_clerk, Role.prosecutor} <= acting_roles(Stage.trial)
    for stage in Stage:  # supervisors are told by escalation; the administrator reads no case file
        assert not {Role.supervisor, Role.admin, Role.citizen} & acting_roles(stage)


def test_a_hand_off_tells_the_receiving_agency_at_once() -> None:
    state = open_case()
    notices = _act(state, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    assert [n.kind for n in notices] == [K.handoff_arrived]
    [arrived] = notices
    [audience] = arrived.audiences
    assert isinstance(audience, AgencyRoles) and audience.agency == "pros.tripoli"
    assert Role.prosecutor in audience.roles and Role.chief_prosecutor in audience.roles
    assert arrived.agency == "station.tripoli.central"  # from whom
    assert arrived.due_at == T0 + timedelta(hours=24)  # the acknowledgement clock's deadline
    assert arrived.key == f"case:c1:{state.seq}:handoff_arrived"


def test_an_unacknowledged_hand_off_tells_the_receiver_and_escalates_to_what_is_above_it() -> None:
    state = open_case()
    _act(state, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    warned = _tick(state, T0 + timedelta(hours=21))
    assert [n.kind for n in warned] == [K.clock_warning]
    expired = _tick(state, T0 + timedelta(hours=25))
    assert [(n.kind, n.level) for n in expired] == [(K.handoff_unacknowledged, 0)]
    # the demo prosecution office has no office above it: escalation goes nowhere, rather than to the ministry
    assert escalation_levels("pros.tripoli", DEMO_TREE) == []
    attorney_general = Agency("ag", AgencyKind.prosecution_office, "النائب العام", "Attorney General", None, None)
    with_ag = AgencyTree([attorney_general, *(replace(a, parent="ag") if a.code == "pros.tripoli" else a
                                              for a in DEMO_AGENCIES)])
    assert escalation_levels("pros.tripoli", with_ag) == [AgencyRoles("ag", frozenset({Role.chief_prosecutor}))]


def test_a_station_escalates_up_the_tree_level_by_level() -> None:
    assert escalation_levels("station.tripoli.central", DEMO_TREE) == [
        AgencyRoles("dir.tripoli", frozenset({Role.supervisor})), AgencyRoles("moi", frozenset({Role.supervisor}))]


def test_an_expired_stage_deadline_tells_the_holder_and_the_first_level_then_climbs() -> None:
    state = open_case()
    expired = _tick(state, T0 + timedelta(days=40))  # past the 30-day police inquiry SLA, and idle
    kinds = {(n.kind, n.clock, n.level) for n in expired}
    assert (K.clock_expired, "stage_sla", 0) in kinds and (K.clock_expired, "stage_sla", 1) in kinds
    first = next(n for n in expired if n.clock == "stage_sla" and n.level == 1)
    assert first.audiences == (AgencyRoles("dir.tripoli", frozenset({Role.supervisor})),)
    stalled_since = next(s.since for s in state.stalled if s.reason == "stage_sla")
    early = still_stalled_notices(state, DEMO_TREE, stalled_since + timedelta(hours=47))
    assert [n for n in early if n.clock == "stage_sla"] == []
    climbed = still_stalled_notices(state, DEMO_TREE, stalled_since + timedelta(hours=49))
    stage_climbs = [n for n in climbed if n.clock == "stage_sla"]
    assert [(n.kind, n.level, n.audiences) for n in stage_climbs] == [
        (K.still_stalled, 2, (AgencyRoles("moi", frozenset({Role.supervisor})),))]
    # far later, still only as high as the tree goes, and the same keys: the fan-out keeps one of each
    later = still_stalled_notices(state, DEMO_TREE, stalled_since + timedelta(days=30))
    assert {n.key for n in later if n.clock == "stage_sla"} == {n.key for n in stage_climbs}


def test_custody_nearing_its_end_is_a_detention_notice() -> None:
    state = open_case()
    _act(state, CHIEF, "record_arrest", party_id="p1", arrested_at=T0.isoformat())
    notices = _tick(state, T0 + timedelta(hours=43))
    assert [(n.kind, n.clock) for n in notices] == [(K.detention_ending, "police_custody")]
    assert notices[0].due_at == T0 + timedelta(hours=48)


def test_a_lapsing_appeal_window_tells_nobody() -> None:
    state = open_case()
    now = to_trial(state)
    act(state, JUDGE, "record_verdict", now, verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "سنة", "in_absentia": False}])
    notices = _tick(state, now + timedelta(days=30))
    assert [n for n in notices if n.clock == "appeal_window"] == []


def test_a_served_verdict_tells_the_court_and_the_referring_prosecution() -> None:
    state = open_case()
    now = to_trial(state)
    act(state, JUDGE, "record_verdict", now, verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "سنة", "in_absentia": True}])
    notices = _act(state, CLERK, "serve_verdict", now, party_id="p1", served_at=now.isoformat())
    [served] = [n for n in notices if n.kind is K.verdict_served]
    agencies = {a.agency for a in served.audiences if isinstance(a, AgencyRoles)}
    assert agencies == {"court.tripoli", "pros.tripoli"}


def test_tomorrows_hearing_is_reminded_once_per_hearing() -> None:
    state = open_case()
    to_trial(state)  # a hearing at T0 + 3 days
    hearing = state.hearings[0].at
    assert hearing_notices(state, hearing - timedelta(days=3)) == []
    [reminder] = hearing_notices(state, hearing - timedelta(hours=20))
    assert reminder.kind is K.hearing_tomorrow and reminder.due_at == hearing
    assert {a.agency for a in reminder.audiences if isinstance(a, AgencyRoles)} == {"court.tripoli", "pros.tripoli"}
    assert hearing_notices(state, hearing - timedelta(hours=18))[0].key == reminder.key


def test_a_reminder_goes_to_the_holder_with_the_supervisors_words() -> None:
    state = open_case()
    notice = reminder_notice(state, "r1", T0, "supervisor.tripoli", "أرجو الإحالة اليوم")
    assert notice.audiences == (AgencyRoles("station.tripoli.central", acting_roles(Stage.police_inquiry)),)
    assert notice.params()["note"] == "أرجو الإحالة اليوم"


def test_certificate_steps_reach_the_records_officers_and_the_citizen() -> None:
    step = CertificateStep("cert1", K.certificate_to_review, T0, "citizen1", "records", T0 + timedelta(hours=48))
    [review] = certificate_notices(step, DEMO_TREE)
    assert review.audiences == (AgencyRoles("records", frozenset({Role.records_officer})),)
    overdue = certificate_notices(CertificateStep("cert1", K.certificate_review_overdue, T0, "citizen1", "records"),
                                  DEMO_TREE)
    assert overdue[0].audiences[1] == AgencyRoles("moi", frozenset({Role.supervisor}))
    [issued] = certificate_notices(CertificateStep("cert1", K.certificate_issued, T0, "citizen1", "records"),
                                   DEMO_TREE)
    assert issued.audiences == (Person("citizen1"),)


def test_keys_differ_for_different_events_and_repeat_for_the_same() -> None:
    state = open_case()
    first = _act(state, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    _act(state, PROSECUTOR, "acknowledge_receipt")
    second = _act(state, CHIEFPROS, "refer_to_court", to_agency="court.tripoli", charges=["سرقة"])
    assert first[0].key != second[0].key
