"""The criminal record written from the case projection: one entry per final conviction, and the execution
of the sentence per convict (the convict's verdict says when it was recorded), not per case."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.case import ActionCommand, Actor, CaseEvent, CaseState
from core.clock_events import due_clock_events
from core.clocks import default_rulebook
from core.effects import apply
from core.records import default_record_rules
from core.transitions import decide, decide_open, new_case
from store.models import CriminalRecord
from store.readmodel import fold_events
from store.records import compute_record
from tests.support.procedure import CHIEF, CHIEFPROS, CLERK, JUDGE, OFFICER, PROSECUTOR, T0, actor, command


def _step(state: CaseState, events: list[CaseEvent], who: Actor, action: str, at: datetime, **fields: object) -> None:
    if action == "record_verdict":
        fields.setdefault("pronounced_at", at.isoformat())
    event = decide(state, command(action, who, fields), at)
    apply(state, event)
    events.append(event)


def test_each_convicts_record_carries_the_execution_of_their_own_sentence(db_engine: Engine) -> None:
    report = {"offence": "سرقة", "category": "misdemeanour", "occurred_at": (T0 - timedelta(days=1)).isoformat(),
              "place": "طرابلس", "narrative": "…",
              "parties": [{"role": "accused", "name": "سالم", "national_id": "119900044444"},
                          {"role": "accused", "name": "خالد", "national_id": "119900055555"}]}
    first = decide_open(ActionCommand("open_case", OFFICER, report), T0)
    state = new_case("c-x", "N/c-x", default_rulebook(), first)
    events = [first]
    _step(state, events, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    _step(state, events, PROSECUTOR, "acknowledge_receipt", T0)
    _step(state, events, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    _step(state, events, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=1)).isoformat())
    _step(state, events, JUDGE, "record_verdict", T0 + timedelta(days=2), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "حبس"},
        {"party_id": "p2", "result": "convicted", "sentence": "حبس"}])
    clock_events = due_clock_events(state, T0 + timedelta(days=30))
    for event in clock_events:
        apply(state, event)
    events += clock_events
    executed_at = T0 + timedelta(days=31)
    _step(state, events, PROSECUTOR, "record_execution", executed_at, party_id="p2", detail="أودع المؤسسة")
    with Session(db_engine) as session, session.begin():
        fold_events(session, "c-x", "N/c-x", default_rulebook(), events)
    with Session(db_engine) as session:
        records = {r.party_id: r for r in session.scalars(select(CriminalRecord))}
        assert set(records) == {"p1", "p2"}
        assert records["p1"].executed_at is None  # the case is in execution, this convict's sentence is not
        executed = records["p2"].executed_at
        assert executed is not None and executed.replace(tzinfo=executed.tzinfo or executed_at.tzinfo) == executed_at


def test_a_record_lapses_from_the_end_of_the_sentence_the_prison_records(db_engine: Engine) -> None:
    """Issue 13: the record keeps when the sentence ended (the prison's release), and the lapse runs from it: the
    same conviction is listed while the sentence runs, however long ago it was executed, and left off only once
    the rule's years have passed since its end."""
    report = {"offence": "سرقة", "category": "misdemeanour", "occurred_at": (T0 - timedelta(days=1)).isoformat(),
              "place": "طرابلس", "narrative": "…",
              "parties": [{"role": "accused", "name": "سالم", "national_id": "119900066666"}]}
    first = decide_open(ActionCommand("open_case", OFFICER, report), T0)
    state = new_case("c-y", "N/c-y", default_rulebook(), first)
    events = [first]
    _step(state, events, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    _step(state, events, PROSECUTOR, "acknowledge_receipt", T0)
    _step(state, events, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
    _step(state, events, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=1)).isoformat())
    _step(state, events, JUDGE, "record_verdict", T0 + timedelta(days=2), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس عشر سنوات",
         "penalty": {"kind": "imprisonment", "years": 10}}])
    clock_events = due_clock_events(state, T0 + timedelta(days=30))
    for event in clock_events:
        apply(state, event)
    events += clock_events
    warden = actor("prison_officer", "prison.aljdaida")
    admitted = T0 + timedelta(days=31)
    _step(state, events, PROSECUTOR, "commit_to_prison", admitted, party_id="p1", to_agency="prison.aljdaida")
    _step(state, events, warden, "admit_to_prison", admitted, party_id="p1")
    rules = default_record_rules()
    years = rules.rule("misdemeanour").lapse_years
    assert years is not None
    with Session(db_engine) as session, session.begin():
        fold_events(session, "c-y", "N/c-y", default_rulebook(), events)
    later = admitted + timedelta(days=365 * (years + 1))
    with Session(db_engine) as session:
        # executed years ago, still serving: listed
        assert len(compute_record(session, "119900066666", "سالم", later, rules).entries) == 1
    released = admitted + timedelta(days=365 * 10)
    _step(state, events, warden, "release_prisoner", released, party_id="p1", ground="served")
    with Session(db_engine) as session, session.begin():
        fold_events(session, "c-y", "N/c-y", default_rulebook(), events)
    with Session(db_engine) as session:
        record = session.scalars(select(CriminalRecord).where(CriminalRecord.case_id == "c-y")).one()
        assert (record.sentence_end_ground, record.sentence_ended_at is not None) == ("served", True)
        assert len(compute_record(session, "119900066666", "سالم", released + timedelta(days=365), rules).entries) == 1
        found = compute_record(session, "119900066666", "سالم", released + timedelta(days=365 * years + 30), rules)
        assert found.entries == [] and list(found.excluded.values()) == ["lapsed"]
