"""The read model as a projection of the event log, on SQLite and on PostgreSQL (CI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.case import ActionCommand, Actor, AgencyRef, CaseEvent, CaseState
from core.clocks import default_rulebook
from core.effects import apply
from core.transitions import decide, decide_open, new_case
from core.vocabulary import AgencyKind
from store.codec import state_from_json
from store.database import ensure_schema, pending_model_changes
from store.models import Case, CaseAgency, CaseEventRow, PartyRow, Person
from store.readmodel import fold_events, rebuild_state

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
OFFICER = Actor("officer.tripoli", ["police_officer"], "station.tripoli.central", "police_station", "tripoli")
CHIEF = Actor("chief.tripoli", ["station_chief"], "station.tripoli.central", "police_station", "tripoli")
PROS = AgencyRef("pros.tripoli", AgencyKind.prosecution_office, "tripoli")


def _case(case_id: str, national_id: str) -> tuple[CaseState, list[CaseEvent]]:
    fields = {"offence": "احتيال", "category": "misdemeanour", "occurred_at": (T0 - timedelta(days=3)).isoformat(),
              "place": "طرابلس", "narrative": "…",
              "parties": [{"role": "accused", "name": "سالم عبد الله", "national_id": national_id},
                          {"role": "witness", "name": "علي"}]}
    first = decide_open(ActionCommand("open_case", OFFICER, fields), T0)
    state = new_case(case_id, f"N/{case_id}", default_rulebook(), first)
    second = decide(state, ActionCommand("refer_to_prosecution", CHIEF, {"to_agency": "pros.tripoli"},
                                         {"to_agency": PROS}), T0 + timedelta(hours=1))
    apply(state, second)
    return state, [first, second]


def _record(engine: Engine, case_id: str, events: list[CaseEvent]) -> int:
    with Session(engine) as session, session.begin():
        written, _ = fold_events(session, case_id, f"N/{case_id}", default_rulebook(), events)
        return written


def test_the_projection_is_the_fold_of_the_log_and_retries_change_nothing(db_engine: Engine) -> None:
    state, events = _case("c-1", "119900022222")
    assert _record(db_engine, "c-1", events[:1]) == 1
    assert _record(db_engine, "c-1", events) == 1  # the first is already on record
    assert _record(db_engine, "c-1", events) == 0  # a retried batch writes nothing
    assert _record(db_engine, "c-1", events[:1]) == 0  # an older batch never rolls the case back
    with Session(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(CaseEventRow)) == 2
        row = session.get(Case, "c-1")
        assert row is not None and (row.stage, row.seq, row.in_transit) == ("prosecution", 2, True)
        assert state_from_json(row.snapshot) == state
        assert rebuild_state(session, "c-1") == state
        assert set(session.scalars(select(CaseAgency.agency_code))) == {"station.tripoli.central", "pros.tripoli"}


def test_one_person_per_national_id_across_cases(db_engine: Engine) -> None:
    for case_id in ("c-a", "c-b"):
        _, events = _case(case_id, "119900033333")
        _record(db_engine, case_id, events)
    with Session(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        person_ids = set(session.scalars(select(PartyRow.person_id).where(PartyRow.national_id == "119900033333")))
        assert len(person_ids) == 1 and None not in person_ids
        witness = session.scalar(select(PartyRow).where(PartyRow.role == "witness", PartyRow.case_id == "c-a"))
        assert witness is not None and witness.person_id is None  # no ID: never merged into an identity
        assert witness.name_normalized == "علي"


def test_the_migrations_build_exactly_the_models(db_engine: Engine) -> None:
    ensure_schema(db_engine)  # a second upgrade is a no-op
    assert pending_model_changes(db_engine) == []
