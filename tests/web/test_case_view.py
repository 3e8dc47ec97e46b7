"""What the case page shows besides its facts (api.web.case_view), without services: every worded field on
record, adjourned hearings, a convict's standing, each deadline once with the expired kept, the timeline in the
order things happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.cases.schemas import CasePublic, ClockPublic, EventPublic
from api.web import case_view
from core.vocabulary import ClockStatus

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _event(seq: int, name: str, at: datetime, actor: str | None = "u", **fields: Any) -> EventPublic:
    return EventPublic(seq=seq, name=name, at=at, actor=actor, role="police_officer" if actor else None,
                       agency="station.tripoli.central" if actor else None, fields=fields)


def _clock(clock_id: str, name: str, started: datetime, expires: datetime, status: ClockStatus = ClockStatus.open,
           subject: str | None = None) -> ClockPublic:
    return ClockPublic(clock_id=clock_id, name=name, label_ar=name, label_en=name, subject=subject,
                       started_at=started, expires_at=expires, expires_at_local=expires.isoformat(), status=status)


def _case(timeline: list[EventPublic], **changed: Any) -> CasePublic:
    base: dict[str, Any] = dict(
        id="c1", number="station.tripoli.central/2026/00001", stage="trial", outcome=None,
        owner_agency="court.tripoli", region="tripoli", category="misdemeanour", sensitivity="normal",
        offence="سرقة", place="طرابلس", narrative="…", opened_at=T0, in_transit=False, stalled=False,
        stalled_reasons=[], parties=[{"party_id": "p1", "role": "accused", "name": "أحمد", "custody": "police_custody"},
                                     {"party_id": "p2", "role": "witness", "name": "سالم", "custody": "free"}],
        verdicts=[], hearings=[], charges=[], pending_handoff=None, open_clocks=[], agencies_involved=[],
        allowed_actions=[], timeline=timeline)
    return CasePublic(**(base | changed))


def test_every_statement_evidence_and_note_on_record_is_listed() -> None:
    case = _case([
        _event(1, "open_case", T0, offence="سرقة", place="طرابلس", narrative="…"),
        _event(2, "record_statement", T0, party_id="p1", text="أنكر"),
        _event(3, "add_evidence", T0, description="صندوق", document="sha256:ab"),
        _event(4, "refer_to_prosecution", T0, to_agency="pros.tripoli", summary="محال"),
        _event(5, "refer_to_court", T0, to_agency="court.tripoli", charges=["السرقة"]),
        _event(6, "add_supervision_note", T0, note="يرجى الإسراع"),
    ])
    found = [(r.kind, r.action, r.text) for r in case_view.recorded(case)]
    assert found == [("statement", "record_statement", "أنكر"), ("evidence", "add_evidence", "صندوق"),
                     ("note", "refer_to_prosecution", "محال")]  # the report, the charges and the supervision notes
    # stand in their own panels
    assert case_view.recorded(case)[1].document == "sha256:ab"


def test_an_adjourned_hearing_is_marked_with_its_new_date_and_reason() -> None:
    first, second = T0 + timedelta(days=1), T0 + timedelta(days=8)
    case = _case([_event(1, "schedule_hearing", T0, hearing_at=first.isoformat()),
                  _event(2, "adjourn_hearing", T0, hearing_at=second.isoformat(), reason="لإعلان الشهود")],
                 hearings=[{"at": first, "court": "court.tripoli"}, {"at": second, "court": "court.tripoli"}])
    views = case_view.hearings(case)
    assert (views[0].adjourned_to, views[0].adjourned_because) == (second, "لإعلان الشهود")
    assert views[1].adjourned_to is None
    assert case_view.next_hearing(case, T0) == views[1]


def test_a_convict_stands_convicted_not_in_police_custody() -> None:
    case = _case([], verdicts=[{"party_id": "p1", "result": "convicted", "at": T0}])
    assert case_view.standing(case, case.parties[0]) == [("verdict", "convicted")]
    assert case_view.standing(case, case.parties[1]) == [("custody", "free")]
    # still held pending an appeal, or in a prison: the verdict, and where they are held
    case.parties[0]["custody"] = "imprisoned"
    assert case_view.standing(case, case.parties[0]) == [("verdict", "convicted"), ("custody", "imprisoned")]
    # one accused's proceedings ended here alone: their own outcome
    case.parties[1]["outcome"] = "severed"
    assert case_view.standing(case, case.parties[1]) == [("outcome", "severed")]


def test_each_deadline_once_and_an_expired_one_kept_and_marked() -> None:
    expired = _clock("k1", "police_custody", T0, T0 + timedelta(hours=48), ClockStatus.expired, "p1")
    running = _clock("k2", "stage_sla", T0, T0 + timedelta(days=30))
    restarted = _clock("k3", "stage_sla", T0 + timedelta(days=1), T0 + timedelta(days=31))
    case = _case([], open_clocks=[running, restarted], expired_clocks=[expired])
    views = case_view.deadlines(case, T0 + timedelta(days=3))
    assert [(d.clock.clock_id, d.expired) for d in views] == [("k1", True), ("k3", False)]


def test_a_clock_event_noticed_late_stands_at_its_own_time() -> None:
    case = _case([_event(1, "open_case", T0), _event(2, "record_arrest", T0 + timedelta(hours=50)),
                  _event(3, "clock_expired", T0 + timedelta(hours=48), actor=None, clock="police_custody")])
    assert [e.seq for e in case_view.timeline(case)] == [1, 3, 2]
