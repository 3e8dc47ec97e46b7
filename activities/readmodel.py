"""Projects case events into the event log and the read model. Idempotent: a retry changes nothing."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from temporalio import activity

from activities.contracts import RECORD_EVENTS, RecordEvents
from activities.database import session_scope
from activities.models import Case, CaseAgency, CaseEventRow, PartyRow, Person
from activities.records import project_criminal_records
from activities.snapshots import to_json
from core.arabic import normalize_name
from core.case import CaseEvent, CaseState


@activity.defn(name=RECORD_EVENTS)
def record_events(request: RecordEvents) -> int:
    """Append the events not yet in the log, then bring the case's projection up to `state`."""
    with session_scope() as session:
        written = append_events(session, request.case_id, request.events, request.state)
    return written


def append_events(session: Session, case_id: str, events: list[CaseEvent], state: CaseState) -> int:
    project_case(session, state)
    known = set(session.scalars(select(CaseEventRow.seq).where(
        CaseEventRow.case_id == case_id, CaseEventRow.seq.in_([e.seq for e in events]))))
    written = 0
    for event in events:
        if event.seq in known:
            continue
        session.add(CaseEventRow(
            case_id=case_id, seq=event.seq, name=event.name, at=event.at,
            actor_username=event.actor.username if event.actor else None,
            actor_role=event.actor.role if event.actor else None,
            actor_agency=event.actor.agency if event.actor else None,
            fields=to_json(event)["fields"],
        ))
        written += 1
    return written


def project_case(session: Session, state: CaseState) -> None:
    row = session.get(Case, state.case_id)
    if row is not None and row.seq >= state.seq:
        return  # an older or repeated projection never overwrites a newer one
    values = dict(
        number=state.number, stage=state.stage, owner_agency=state.owner_agency, region=state.region,
        category=state.category, sensitivity=state.sensitivity, offence=state.offence, outcome=state.outcome,
        stalled=bool(state.stalled),
        in_transit=state.handoff is not None and state.handoff.acknowledged_at is None,
        opened_at=state.opened_at, updated_at=state.last_activity_at or state.opened_at, seq=state.seq,
        snapshot=to_json(state),
    )
    if row is None:
        session.add(Case(id=state.case_id, **values))
        session.flush()
    else:
        for key, value in values.items():
            setattr(row, key, value)
    known_agencies = set(session.scalars(select(CaseAgency.agency_code).where(CaseAgency.case_id == state.case_id)))
    for agency in state.agencies_involved:
        if agency not in known_agencies:
            session.add(CaseAgency(case_id=state.case_id, agency_code=agency))
    session.execute(delete(PartyRow).where(PartyRow.case_id == state.case_id))
    for party in state.parties:
        person_id = person_for(session, party.national_id, party.name) if party.national_id else None
        session.add(PartyRow(case_id=state.case_id, party_id=party.party_id, role=party.role, name=party.name,
                             name_normalized=normalize_name(party.name), national_id=party.national_id,
                             person_id=person_id))
    project_criminal_records(session, state)


def person_for(session: Session, national_id: str, name: str) -> int:
    """The one identity for a national ID, created on first sight."""
    existing = session.scalar(select(Person.id).where(Person.national_id == national_id))
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            person = Person(national_id=national_id, name=name)
            session.add(person)
            session.flush()
            return person.id
    except IntegrityError:
        found = session.scalar(select(Person.id).where(Person.national_id == national_id))
        assert found is not None
        return found
