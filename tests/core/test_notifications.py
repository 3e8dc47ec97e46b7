"""Who is told what (core.notifications), from states built through decide/apply: the procedure table gives
those who act, the agency tree the escalation, and each notice's key makes it once."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.case import ActionCommand, Actor, CaseState
from core.clock_events import due_clock_events
from core.effects import apply
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
from core.transitions import decide
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


def test_an_unacknowledged_hand_off_tells_the_receiver_and_escalates_to_the_attorney_general() -> None:
    state = open_case()
    _act(state, CHIEF, "refer_to_prosecution", to_agency="pros.tripoli")
    warned = _tick(state, T0 + timedelta(hours=21))
    assert [n.kind for n in warned] == [K.clock_warning]
    expired = _tick(state, T0 + timedelta(hours=25))
    assert [(n.kind, n.level) for n in expired] == [(K.handoff_unacknowledged, 0), (K.handoff_unacknowledged, 1)]
    # the prosecution's hierarchy, never the ministry: every demo prosecution office sits under the Attorney
    # General's office, whose chief prosecutor is told; the Attorney General's own office goes no higher
    escalated = next(n for n in expired if n.level == 1)
    assert escalated.audiences == (AgencyRoles("pros.ag", frozenset({Role.chief_prosecutor})),)
    offices = [a.code for a in DEMO_AGENCIES if a.kind is AgencyKind.prosecution_office and a.code != "pros.ag"]
    assert offices and all(escalation_levels(office, DEMO_TREE) == [
        AgencyRoles("pros.ag", frozenset({Role.chief_prosecutor}))] for office in offices)
    assert escalation_levels("pros.ag", DEMO_TREE) == []


def test_a_courts_stalled_case_goes_to_its_own_president() -> None:
    """The separation of powers: neither the ministry's supervisors nor the prosecution hear of a court's stalled
    case; its president does, for every court of the demo tree (first instance, appeal, felony chamber, supreme)."""
    courts = [a for a in DEMO_AGENCIES if a.kind in (AgencyKind.court, AgencyKind.supreme_court)]
    assert {a.level for a in courts} >= {"first_instance", "appeal", "felony_chamber", "supreme"}
    for court in courts:
        assert escalation_levels(court.code, DEMO_TREE) == [
            AgencyRoles(court.code, frozenset({Role.court_president}))], court.code
    state = open_case()
    when = to_trial(state)
    expired = _tick(state, when + timedelta(days=200))  # the trial's stage deadline long past
    escalated = [n for n in expired if n.clock == "stage_sla" and n.level == 1]
    assert [n.audiences for n in escalated] == [(AgencyRoles("court.tripoli", frozenset({Role.court_president})),)]


def test_a_chief_prosecutor_is_among_those_who_act_though_they_oversee_their_offices() -> None:
    assert Role.chief_prosecutor in acting_roles(Stage.prosecution)  # refers to court, closes, archives
    assert Role.court_president not in acting_roles(Stage.trial)  # told by escalation, acts only by reassigning


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
