"""Finality (issue 12): a verdict becomes final when every challenge open to that accused has closed, whichever
closes last: the measured bug was a verdict in absentia whose objection window closed after its appeal window,
which never became final and left the case in trial."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from core.case import CaseState
from core.clock_events import due_clock_events
from core.clocks import Expiry, default_rulebook
from core.effects import apply
from core.vocabulary import Stage
from tests.support.procedure import CLERK, JUDGE, act, open_case, to_trial

IN_ABSENTIA = {"party_id": "p1", "result": "convicted", "sentence": "الحبس سنة", "in_absentia": True}


def _served_with_objection_days(days: int, expiry: Expiry = Expiry.verdict_final) -> tuple[CaseState, datetime]:
    state = open_case()
    book = state.rules
    objection = replace(book.clock("objection_window"), length=days, expiry=expiry)
    state.rules = replace(book, clocks={**book.clocks, "objection_window": objection})
    when = to_trial(state)
    act(state, JUDGE, "record_verdict", when, verdicts=[IN_ABSENTIA])
    act(state, CLERK, "serve_verdict", when, party_id="p1", served_at=when.isoformat())
    return state, when


def _lapse(state: CaseState, until: datetime) -> None:
    for event in due_clock_events(state, until):
        apply(state, event)


def test_an_objection_window_closing_last_makes_the_verdict_final() -> None:
    state, when = _served_with_objection_days(20)
    _lapse(state, when + timedelta(days=15))
    verdict = state.latest_verdict("p1")
    assert verdict is not None and not verdict.final  # the appeal window closed; the objection is still open
    assert state.stage == Stage.trial
    _lapse(state, when + timedelta(days=25))
    assert state.latest_verdict("p1").final and state.stage == Stage.final  # type: ignore[union-attr]


def test_an_appeal_window_closing_last_makes_it_final_too() -> None:
    state, when = _served_with_objection_days(3)
    _lapse(state, when + timedelta(days=5))
    assert not state.latest_verdict("p1").final  # type: ignore[union-attr]
    _lapse(state, when + timedelta(days=15))
    assert state.stage == Stage.final


def test_the_default_rules_close_the_objection_as_a_window_of_finality() -> None:
    assert default_rulebook().clock("objection_window").expiry is Expiry.verdict_final


def test_a_case_opened_under_the_old_rule_book_replays_as_it_did() -> None:
    """Its rule book (kept in its state) still says objection_closed: the same events fold to the same state."""
    state, when = _served_with_objection_days(20, Expiry.objection_closed)
    _lapse(state, when + timedelta(days=25))
    assert state.stage == Stage.trial and not state.latest_verdict("p1").final  # type: ignore[union-attr]
