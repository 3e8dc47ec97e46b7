"""Sentences as data (issue 13, Deliver 4) through `decide` and `apply`: the kind, term and fine checked beside the
judge's wording; custody and detention credited; the expected release date; over-detention; a death sentence
executed only once the Supreme Court has confirmed it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.case import CaseState
from core.clock_events import due_clock_events
from core.effects import apply
from core.procedure import RuleRevision
from core.sentences import sentence_facts
from core.transitions import decide
from core.vocabulary import Custody, SentenceKind, Stage
from tests.support.procedure import (
    CHIEF,
    CHIEFPROS,
    CLERK,
    FELONY_JUDGE,
    JUDGE,
    OFFICER,
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


def _verdict(penalty: dict[str, object] | None, result: str = "convicted") -> dict[str, object]:
    item: dict[str, object] = {"party_id": "p1", "result": result, "in_absentia": False,
                               "sentence": "الحبس سنة" if result == "convicted" else None}
    if penalty is not None:
        item["penalty"] = penalty
    return item


def _final(state: CaseState, judge: object, when: datetime, penalty: dict[str, object] | None,
           result: str = "convicted") -> datetime:
    act(state, judge, "record_verdict", when, verdicts=[_verdict(penalty, result)])  # type: ignore[arg-type]
    later = when + timedelta(days=70)
    for event in due_clock_events(state, later):
        apply(state, event)
    assert state.stage == Stage.final
    return later


def test_the_sentence_data_is_checked_beside_the_wording() -> None:
    state = open_case()
    when = to_trial(state)
    cases: list[tuple[dict[str, object], str]] = [({"kind": "imprisonment"}, "sentence_term_required"),
                          ({"kind": "fine"}, "fine_amount_required"),
                          ({"kind": "fine", "fine": 500, "years": 1}, "sentence_term_not_allowed"),
                          ({"kind": "flogging", "years": 1}, "invalid_choice"),
                          ({"kind": "imprisonment", "years": -1}, "invalid_integer"),
                          ({"kind": "imprisonment", "years": 1, "parole": True}, "unknown_field")]
    for penalty, code in cases:
        refusal = refused(state, JUDGE, "record_verdict", when, verdicts=[_verdict(penalty)])
        assert (refusal.status, refusal.code) == (422, code), penalty
    acquittal = {**_verdict(None, "acquitted"), "penalty": {"kind": "fine", "fine": 100}}
    assert refused(state, JUDGE, "record_verdict", when, verdicts=[acquittal]).code == "sentence_with_acquittal"
    act(state, JUDGE, "record_verdict", when, verdicts=[_verdict({"kind": "imprisonment", "years": 1, "months": 6})])
    assert state.verdicts[-1].penalty == {"kind": SentenceKind.imprisonment, "years": 1, "months": 6, "days": 0,
                                          "fine": 0}


def test_custody_and_detention_are_credited_and_the_release_date_computed() -> None:
    state = open_case()
    act(state, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=(T0 - timedelta(days=1)).isoformat())
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, PROSECUTOR, "order_detention", T0 + timedelta(hours=2), party_id="p1", grounds="…")
    act(state, PROSECUTOR, "release_person", T0 + timedelta(days=3), party_id="p1", reason="كفالة", terms="bail")
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, JUDGE, "acknowledge_receipt", T0)
    hearing = T0 + timedelta(days=4)
    act(state, CLERK, "schedule_hearing", T0,
        hearing_at=hearing.isoformat())
    later = _final(state, JUDGE, hearing + timedelta(hours=1), {"kind": "imprisonment", "years": 1})
    facts = sentence_facts(state, "p1", later)
    assert facts is not None and facts.credited_days == 4  # a day with the police, three with the prosecution
    assert facts.expected_release is None and not facts.over_detention  # free, and not yet executing
    executed = datetime(2027, 3, 1, 8, 0, tzinfo=T0.tzinfo)
    act(state, PROSECUTOR, "commit_to_prison", executed, party_id="p1", to_agency="prison.aljdaida")
    act(state, WARDEN, "admit_to_prison", executed, party_id="p1")  # the execution starts with the admission
    facts = sentence_facts(state, "p1", executed)
    assert facts is not None and facts.expected_release == date(2028, 2, 26)  # a year, less the four days
    assert not facts.over_detention
    past = datetime(2028, 2, 27, 8, 0, tzinfo=T0.tzinfo)
    facts = sentence_facts(state, "p1", past)
    assert facts is not None and facts.over_detention  # still in prison past the credited end
    act(state, WARDEN, "release_prisoner", past, party_id="p1", ground="served")
    facts = sentence_facts(state, "p1", past)
    # released: not over-detained; the credit stays what was held before the execution, not the prison's year
    assert facts is not None and not facts.over_detention and facts.credited_days == 4


def _detained_before_the_court() -> tuple[CaseState, datetime]:
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="…")
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    act(state, JUDGE, "acknowledge_receipt", T0)
    act(state, JUDGE, "extend_detention", T0, party_id="p1", days=45, grounds="…")
    hearing = T0 + timedelta(days=3)
    act(state, CLERK, "schedule_hearing", T0, hearing_at=hearing.isoformat())
    return state, hearing + timedelta(hours=1)


def test_a_fine_releases_the_person_held_and_before_that_rule_they_were_flagged_over_detained() -> None:
    state, at = _detained_before_the_court()
    act(state, JUDGE, "record_verdict", at, verdicts=[_verdict({"kind": "fine", "fine": 500})])
    facts = sentence_facts(state, "p1", at + timedelta(days=20))
    assert facts is not None and not facts.over_detention and facts.kind == SentenceKind.fine
    assert state.party("p1").custody == Custody.free  # type: ignore[union-attr]
    # a verdict accepted before RuleRevision.released_by_judgment left them held: past the fine, over-detained
    older, at = _detained_before_the_court()
    apply(older, decide(older, command("record_verdict", JUDGE, {
        "pronounced_at": at.isoformat(), "verdicts": [_verdict({"kind": "fine", "fine": 500})]}), at,
        revision=RuleRevision.sentence_term))
    for event in due_clock_events(older, at + timedelta(days=20)):
        apply(older, event)
    facts = sentence_facts(older, "p1", at + timedelta(days=20))
    assert facts is not None and facts.over_detention


def test_a_death_sentence_awaits_the_supreme_courts_confirmation() -> None:
    state = open_case("felony")
    when = to_trial(state)
    later = _final(state, FELONY_JUDGE, when, {"kind": "death"})
    facts = sentence_facts(state, "p1", later)
    assert facts is not None and facts.awaits_confirmation
    refusal = refused(state, PROSECUTOR, "record_execution", later, party_id="p1", detail="…")
    assert (refusal.status, refusal.code) == (409, "death_sentence_unconfirmed")
    # under the rules before sentences were data, the execution was accepted: it replays so
    event = decide(state, command("record_execution", PROSECUTOR, {"party_id": "p1", "detail": "…"}), later,
                   revision=RuleRevision.custody_follows_person)
    apply(state, event)
    assert state.stage == Stage.execution
