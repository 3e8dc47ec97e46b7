"""The event log and its projection, the read model: events appended once, folded through
core.effects.apply into the case's rows, with the notifications the events give rise to (an outbox: kept
in the same transaction as the events, so that they are kept exactly when the events are). Idempotent: a
repeated fold changes nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.agencies import AgencyTree
from core.arabic import normalize_name
from core.case import CaseEvent, CaseState, Party
from core.clocks import RuleBook
from core.effects import apply
from core.notifications import Notice, notices_for_event
from core.supervision import Deadline, case_deadlines, closed_at, stage_entered_at
from core.transitions import new_case
from core.vocabulary import SystemEvent
from store.agencies import load_agency_tree
from store.codec import event_from_row, state_from_json, to_json
from store.models import Case, CaseAgency, CaseDeadline, CaseEventRow, PartyRow
from store.notifications import record_notices
from store.people import person_for_party
from store.records import project_criminal_records

#: the agency tree where no event needs it (only an expiry escalates)
NO_TREE = AgencyTree(())


def fold_events(session: Session, case_id: str, number: str, rules: RuleBook,
                events: list[CaseEvent]) -> tuple[int, CaseState | None]:
    """Append the events not yet in the log and fold them into the projection: how many were written, and
    the case's state after the fold (None for a case with no events). Idempotent: events already in the
    log (by case and seq) are neither written nor folded again."""
    row = session.get(Case, case_id, with_for_update=True)
    state = state_from_json(row.snapshot) if row is not None else None
    before = ProjectedRows.of(state) if state is not None else None
    rows: list[CaseEventRow] = []
    notices: list[Notice] = []
    tree: AgencyTree | None = None
    for event in sorted(events, key=lambda e: e.seq):
        if state is not None and event.seq <= state.seq:
            continue
        if state is None:
            state = new_case(case_id, number, rules, event)
        else:
            apply(state, event)
        if tree is None and event.name == SystemEvent.clock_expired:  # escalation climbs the agency tree
            tree = load_agency_tree(session)
        notices.extend(notices_for_event(state, event, tree or NO_TREE))
        rows.append(CaseEventRow(
            case_id=case_id, seq=event.seq, name=event.name, at=event.at,
            actor_username=event.actor.username if event.actor else None,
            actor_role=event.actor.role if event.actor else None,
            actor_agency=event.actor.agency if event.actor else None,
            fields=to_json(event)["fields"],
        ))
    if rows and state is not None:
        project_case(session, state, before)  # the case row first: events refer to it
        session.add_all(rows)
        record_notices(session, notices, datetime.now(UTC))
    return len(rows), state


def rebuild_state(session: Session, case_id: str) -> CaseState:
    """The case's state as the fold of its permanent event log (for repairs and checks)."""
    rows = list(session.scalars(select(CaseEventRow).where(CaseEventRow.case_id == case_id)
                                .order_by(CaseEventRow.seq)))
    case = session.get(Case, case_id)
    if case is None or not rows:
        raise LookupError(f"no events for case {case_id}")
    snapshot = state_from_json(case.snapshot)
    events = [event_from_row(r) for r in rows]
    state = new_case(case_id, snapshot.number, snapshot.rules, events[0])
    for event in events[1:]:
        apply(state, event)
    return state


@dataclass(frozen=True)
class ProjectedRows:
    """What a case's party, agency and deadline rows were written from: most actions change few of them."""

    parties: list[Party]
    agencies: frozenset[str]
    deadlines: tuple[Deadline, ...] = ()

    @classmethod
    def of(cls, state: CaseState) -> ProjectedRows:
        return cls(copy.deepcopy(state.parties), frozenset(state.agencies_involved), tuple(case_deadlines(state)))


def project_case(session: Session, state: CaseState, before: ProjectedRows | None = None) -> None:
    """The case's rows from its state; with `before` (what the rows hold now), only what changed is rewritten."""
    row = session.get(Case, state.case_id)
    if row is not None and row.seq >= state.seq:
        return  # an older or repeated projection never overwrites a newer one
    values = dict(
        number=state.number, stage=state.stage, owner_agency=state.owner_agency, region=state.region,
        category=state.category, sensitivity=state.sensitivity, offence=state.offence, outcome=state.outcome,
        stalled=bool(state.stalled),
        in_transit=state.handoff is not None and state.handoff.acknowledged_at is None,
        opened_at=state.opened_at, updated_at=state.last_activity_at or state.opened_at, seq=state.seq,
        snapshot=to_json(state), opening_agency=state.opening_station or None,
        stage_entered_at=stage_entered_at(state), closed_at=closed_at(state),
    )
    if row is None:
        session.add(Case(id=state.case_id, **values))
        session.flush()
    else:
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
    if before is None or frozenset(state.agencies_involved) != before.agencies:
        _project_agencies(session, state)
    if before is None or state.parties != before.parties:
        _project_parties(session, state)
    deadlines = case_deadlines(state)
    if before is None or tuple(deadlines) != before.deadlines:
        project_deadlines(session, state.case_id, deadlines)
    project_criminal_records(session, state)


def project_deadlines(session: Session, case_id: str, deadlines: list[Deadline]) -> None:
    """The case's `case_deadlines` rows from its deadlines: only the rows that changed are written."""
    wanted = {d.key: _deadline_values(d) for d in deadlines}
    existing = {row.key: row for row in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id))}
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    for key, values in wanted.items():
        written = existing.get(key)
        if written is None:
            session.add(CaseDeadline(case_id=case_id, key=key, **values))
            continue
        for name, value in values.items():
            if getattr(written, name) != value:
                setattr(written, name, value)


def _deadline_values(deadline: Deadline) -> dict[str, object]:
    return {"reason": deadline.reason.value, "urgency": deadline.rank, "subject": deadline.subject,
            "started_at": deadline.started_at, "warn_at": deadline.warn_at, "due_at": deadline.due_at,
            "on_record": deadline.on_record}


def _project_agencies(session: Session, state: CaseState) -> None:
    known = set(session.scalars(select(CaseAgency.agency_code).where(CaseAgency.case_id == state.case_id)))
    for agency in state.agencies_involved:
        if agency not in known:
            session.add(CaseAgency(case_id=state.case_id, agency_code=agency))


def _project_parties(session: Session, state: CaseState) -> None:
    session.execute(delete(PartyRow).where(PartyRow.case_id == state.case_id))
    for party in state.parties:
        session.add(PartyRow(case_id=state.case_id, party_id=party.party_id, role=party.role, name=party.name,
                             name_normalized=normalize_name(party.name), national_id=party.national_id,
                             person_id=person_for_party(session, state.case_id, party),
                             passport_number=party.passport_number, nationality=party.nationality,
                             birth_date=party.birth_date, birth_place=party.birth_place,
                             mother_name=party.mother_name))
