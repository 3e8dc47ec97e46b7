"""Legal dates (issue 12, DOMAIN.md Additions): a verdict carries the date it was pronounced and its windows run
from that date; past hearings may be entered, marked late; deadlines show as their last day; the court calendar
(weekend, holidays) and whether a deadline moves to the next sitting day are part of the rule file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.case import CaseState
from core.clock_events import due_clock_events
from core.clocks import CourtCalendar, RuleBook, Unit, deadline, last_day, rulebook_with
from core.effects import apply
from core.procedure import RuleRevision
from core.transitions import decide
from core.vocabulary import Stage
from store.codec import decoder_for
from tests.support.procedure import (
    CHIEF,
    CHIEFPROS,
    CLERK,
    JUDGE,
    PROSECUTOR,
    T0,
    act,
    command,
    open_case,
    refused,
)

CONVICTED = {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة"}


def _before_the_court() -> CaseState:
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, CLERK, "acknowledge_receipt", T0)
    return state


def test_the_appeal_window_runs_from_the_pronouncement_not_from_the_entry() -> None:
    """The measured bug: a verdict entered 20 days after its hearing got a fresh 10 days."""
    state = _before_the_court()
    hearing = T0 + timedelta(days=3)
    act(state, CLERK, "schedule_hearing", T0, hearing_at=hearing.isoformat())
    entered = hearing + timedelta(days=20)
    act(state, JUDGE, "record_verdict", entered, verdicts=[CONVICTED], pronounced_at=hearing.isoformat())
    verdict = state.latest_verdict("p1")
    assert verdict is not None and (verdict.at, verdict.recorded_at) == (hearing, entered)
    window = next(c for c in state.clocks if c.name == "appeal_window")
    assert window.started_at == hearing and window.expires_at < entered
    for event in due_clock_events(state, entered):  # already lapsed when entered: final at once
        apply(state, event)
    assert (state.stage, state.latest_verdict("p1").final) == (Stage.final, True)  # type: ignore[union-attr]


def test_a_verdict_is_pronounced_in_the_past_at_or_after_a_hearing_of_its_court() -> None:
    state = _before_the_court()
    act(state, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=3)).isoformat())
    now = T0 + timedelta(days=5)
    early = refused(state, JUDGE, "record_verdict", now, verdicts=[CONVICTED],
                    pronounced_at=(T0 + timedelta(days=2)).isoformat())
    assert (early.status, early.code, early.field) == (422, "pronounced_before_hearing", "pronounced_at")
    future = refused(state, JUDGE, "record_verdict", now, verdicts=[CONVICTED],
                     pronounced_at=(now + timedelta(days=1)).isoformat())
    assert (future.code, future.field) == ("datetime_in_future", "pronounced_at")
    missing = command("record_verdict", JUDGE, {"verdicts": [CONVICTED]})
    with pytest.raises(Exception) as info:
        decide(state, missing, now)
    assert getattr(info.value, "code", None) == "missing_field"
    # an Update accepted before the date was asked for replays: pronounced as it was entered
    event = decide(state, missing, now, revision=RuleRevision.competent_courts)
    apply(state, event)
    assert state.latest_verdict("p1").at == now  # type: ignore[union-attr]


def test_a_hearing_already_held_is_entered_late_never_before_the_court_had_the_case() -> None:
    state = _before_the_court()
    now = T0 + timedelta(days=10)
    held = T0 + timedelta(days=2)
    act(state, CLERK, "schedule_hearing", now, hearing_at=held.isoformat(), room="القاعة 2")
    act(state, CLERK, "schedule_hearing", now, hearing_at=(now + timedelta(days=7)).isoformat())
    assert [(h.at, h.entered_late) for h in state.hearings] == [(held, True), (now + timedelta(days=7), False)]
    before = refused(state, CLERK, "schedule_hearing", now, hearing_at=(T0 - timedelta(days=1)).isoformat())
    assert (before.code, before.field) == ("hearing_before_seizure", "hearing_at")
    act(state, JUDGE, "record_verdict", now, verdicts=[CONVICTED], pronounced_at=held.isoformat())
    assert state.latest_verdict("p1").at == held  # type: ignore[union-attr]


def test_a_deadline_in_days_is_shown_as_its_last_day_in_tripoli() -> None:
    # "until the end of 10 Feb": ten days from 31 Jan end at 10 Feb's end, which is 11 Feb 00:00 in Tripoli
    expires = deadline(datetime(2027, 1, 31, 10, tzinfo=UTC), 10, Unit.days)
    assert expires == datetime(2027, 2, 10, 22, tzinfo=UTC)
    assert last_day(expires) == date(2027, 2, 10)


def test_the_court_calendar_and_the_next_sitting_day_come_from_the_rule_file() -> None:
    """The measured gap: the calendar could not be set, and a deadline on a day the courts don't sit never moved."""
    book = rulebook_with({"calendar": {"weekend": ["friday", "saturday"], "holidays": ["2027-02-11"]}})
    assert book.calendar == CourtCalendar((4, 5), ("2027-02-11",))
    assert book.version.startswith("2026.1+local.") and book.version != rulebook_with({}).version
    appeal, detention = book.clock("appeal_window"), book.clock("prosecution_detention")
    assert appeal.next_sitting_day and not detention.next_sitting_day
    # ten days from 1 Feb end with Thursday 11 Feb, a holiday, then the weekend: the window ends with Sunday 14 Feb
    start = datetime(2027, 2, 1, 10, tzinfo=UTC)
    moved = deadline(start, 10, Unit.days, book.calendar, appeal.next_sitting_day)
    assert last_day(moved) == date(2027, 2, 14)
    # a person's detention never grows with a holiday
    assert last_day(deadline(start, 10, Unit.days, book.calendar, detention.next_sitting_day)) == date(2027, 2, 11)
    # a clock's move can be set per clock in the file too
    off = rulebook_with({"clocks": {"appeal_window": {"next_sitting_day": False}}})
    assert not off.clock("appeal_window").next_sitting_day


@pytest.mark.parametrize("calendar", [{"weekend": ["funday"]}, {"holidays": ["11/02/2027"]},
                                      {"weekend": list(range(7))}])
def test_a_calendar_the_rule_file_gets_wrong_is_refused(calendar: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        rulebook_with({"calendar": calendar})


def test_a_rule_book_from_before_the_calendar_counts_as_it_did() -> None:
    """A case's state carries its rule book: one written before next_sitting_day existed decodes with it off."""
    old = {"version": "2026.1", "clocks": {"appeal_window": {
        "name": "appeal_window", "label_ar": "ميعاد الاستئناف", "label_en": "Appeal window",
        "starts_at": "record_verdict", "length": 10, "unit": "days", "expiry": "verdict_final"}},
        "stage_sla_days": {}, "calendar": {"weekend": [4, 5], "holidays": []}, "idle_days": 30}
    book = decoder_for(RuleBook)(old)
    assert not book.clock("appeal_window").next_sitting_day
