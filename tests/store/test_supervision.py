"""Supervision in SQL on both databases, over generated cases: the figures equal what the case states give
(tests.support.supervision's oracle), every figure's list holds exactly the cases it counts, the stalled list
is complete, ordered by urgency and paged without loss, the fold keeps the deadline rows in step, and
migration 0011 fills them for cases already on record."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from api.stalled.service import StalledQuery
from api.stalled.service import page as stalled_list
from api.stats.service import CaseQuery, case_page, dashboard
from core.access import may_see, viewer_for
from core.agencies import AgencyTree
from core.case import ActionCommand, Actor, CaseEvent, CaseState
from core.clock_events import due_clock_events
from core.clocks import default_rulebook
from core.effects import apply
from core.refusal import Refusal
from core.supervision import case_deadlines, closed_at, overdue, stage_entered_at, supervision_scope
from core.transitions import decide, decide_open, new_case
from core.vocabulary import AgeBucket, SlaBand, Stage, StallReason
from infra.demo import AGENCIES as DEMO_AGENCIES
from store.codec import to_json
from store.database import _alembic_config, ensure_schema
from store.models import Case, CaseDeadline
from store.readmodel import fold_events, project_case
from store.supervision import CaseStatus
from tests.support.procedure import AGENCIES, CHIEF, CHIEFPROS, DEMO_ACTORS, OFFICER, PROSECUTOR, T0
from tests.support.supervision import (
    expected_figures,
    figures_from_dashboard,
    generate_cases,
    stalled_129_days,
)

NOW = datetime(2026, 12, 2, 9, 15, tzinfo=UTC)
TREE = AgencyTree(DEMO_AGENCIES)
WATCHERS = ("supervisor", "supervisor.tripoli", "chief.tripoli", "chiefpros.tripoli", "chief.benghazi")


def _actor(username: str) -> Actor:
    return next(a for a in DEMO_ACTORS if a.username == username)


@pytest.fixture
def generated(db_engine: Engine) -> Iterator[tuple[Session, list[CaseState]]]:
    states = [*generate_cases(random.Random(2026), 160, NOW), stalled_129_days(NOW)]
    with Session(db_engine) as session:
        for state in states:
            project_case(session, state)
        session.commit()
        yield session, states


def _lists_total(session: Session, actor: Actor, link: str) -> int:
    """The size of the list a figure's `href` names, read with that list's own filters."""
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query))
    if parts.path == "/api/v1/stalled":
        stalled_query = StalledQuery(reason=StallReason(params["reason"]) if "reason" in params else None,
                             agency=params.get("agency"), age=AgeBucket(params["age"]) if "age" in params else None,
                             stage=Stage(params["stage"]) if "stage" in params else None, holder=params.get("holder"))
        return stalled_list(actor, session, TREE, stalled_query, NOW, 0, 1).total
    assert parts.path == "/api/v1/stats/cases", link
    week = {name: date.fromisoformat(params[name]) for name in ("opened_week", "closed_week") if name in params}
    query = CaseQuery(
        status=CaseStatus(params.get("status", "open")), stage=Stage(params["stage"]) if "stage" in params else None,
        agency=params.get("agency"), holder=params.get("holder"),
        pendency=AgeBucket(params["pendency"]) if "pendency" in params else None,
        sla=SlaBand(params["sla"]) if "sla" in params else None, waiting=params.get("waiting") == "true",
        ending_within_hours=int(params["ending_within_hours"]) if "ending_within_hours" in params else None,
        reason=StallReason(params["reason"]) if "reason" in params else None, **week)
    return case_page(actor, session, TREE, query, NOW, 0, 1).total


def _counts(node: object) -> Iterator[dict[str, object]]:
    """Every number of a dashboard answer (anything with a count and an href)."""
    if isinstance(node, dict):
        if "count" in node and "href" in node:
            yield node
        for value in node.values():
            yield from _counts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _counts(value)


@pytest.mark.parametrize("username", WATCHERS)
def test_the_figures_equal_what_the_case_states_give(generated: tuple[Session, list[CaseState]],
                                                     username: str) -> None:
    session, states = generated
    watcher = _actor(username)
    scope = supervision_scope(watcher)
    assert scope is not None
    found = figures_from_dashboard(dashboard(watcher, session, TREE, NOW, "api").model_dump(mode="json"))
    expected = expected_figures(states, {}, viewer_for(watcher), scope, NOW)
    assert found == expected
    if username == "supervisor":  # the generated set is rich enough to mean something
        # every reason but those of stages the generated walks stop before (the trial court's detention, the prison)
        reached = set(StallReason) - {StallReason.trial_detention, StallReason.committal_ack,
                                      StallReason.sentence_term}
        assert expected["stalled_total"] > 40 and len(expected["stalled_by_reason"]) == len(reached)
        assert expected["ending_soon_total"] and expected["handoffs"] and expected["closed"]
        assert all(expected["pendency"].values()) and len(expected["time_in_stage"]) >= 3


@pytest.mark.parametrize("username", ("supervisor", "supervisor.tripoli", "chiefpros.tripoli"))
def test_every_number_is_the_size_of_the_list_it_links_to(generated: tuple[Session, list[CaseState]],
                                                          username: str) -> None:
    session, _ = generated
    watcher = _actor(username)
    board = dashboard(watcher, session, TREE, NOW, "api").model_dump(mode="json")
    numbers = list(_counts(board))
    assert len(numbers) > 40
    for number in numbers:
        assert _lists_total(session, watcher, str(number["href"])) == number["count"], number


def test_the_stalled_list_is_complete_ordered_by_urgency_and_paged_without_loss(
        generated: tuple[Session, list[CaseState]]) -> None:
    session, states = generated
    watcher = _actor("supervisor")
    viewer = viewer_for(watcher)
    expected = {s.case_id for s in states if may_see(viewer, s.sensitivity, s.agencies_involved)
                and overdue(case_deadlines(s), NOW)}
    listed: list[str] = []
    keys = []
    offset = 0
    while True:
        page = stalled_list(watcher, session, TREE, StalledQuery(), NOW, offset, 7)
        assert page.total == len(expected)
        listed += [item.id for item in page.items]
        keys += [(item.urgency, item.urgent_since) for item in page.items]
        for item in page.items:
            state = next(s for s in states if s.case_id == item.id)
            assert [d.reason for d in item.deadlines] == [d.reason for d in overdue(case_deadlines(state), NOW)]
            assert item.on_record == all(d.on_record for d in overdue(case_deadlines(state), NOW))
        if len(page.items) < 7:
            break
        offset += 7
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed))
    rank = {"liberty": 0, "handoff": 1, "other": 2}
    assert keys == sorted(keys, key=lambda k: (rank[k[0]], k[1]))
    assert keys[0][0] == "liberty" and keys[-1][0] == "other"


def test_the_129_days_case_is_listed_and_said_to_be_not_yet_on_record(
        generated: tuple[Session, list[CaseState]]) -> None:
    session, states = generated
    case_id = states[-1].case_id
    assert session.get(Case, case_id).stalled is False  # type: ignore[union-attr]  # no flag: nothing recorded
    for username in ("supervisor", "supervisor.tripoli", "chief.tripoli"):
        page = stalled_list(_actor(username), session, TREE, StalledQuery(reason=StallReason.stage_sla), NOW, 0, 200)
        [item] = [i for i in page.items if i.id == case_id]
        sla = next(d for d in item.deadlines if d.reason is StallReason.stage_sla)
        assert (sla.days_past, sla.on_record, item.on_record) == (129, False, False)
    for reason in (None, StallReason.stage_sla, StallReason.idle):
        for age in AgeBucket:
            aged = stalled_list(_actor("supervisor"), session, TREE, StalledQuery(reason=reason, age=age), NOW, 0,
                                200)
            assert (case_id in {i.id for i in aged.items}) == (age is AgeBucket.days_91_180), (reason, age)
    # out of Benghazi's scope
    benghazi = stalled_list(_actor("chief.benghazi"), session, TREE, StalledQuery(), NOW, 0, 200)
    assert case_id not in {i.id for i in benghazi.items}


class _Logged:
    """A case carried through decide/apply, keeping its events for the fold (as the workflow's outbox does)."""

    def __init__(self) -> None:
        fields = {"offence": "سرقة", "category": "misdemeanour", "occurred_at": (T0 - timedelta(days=1)).isoformat(),
                  "place": "طرابلس", "narrative": "…", "parties": [{"role": "accused", "name": "متهم"}]}
        first = decide_open(ActionCommand("open_case", OFFICER, fields), T0)
        self.state = new_case("fold-1", "N/fold-1", default_rulebook(), first)
        self.events: list[CaseEvent] = [first]

    def act(self, who: Actor, action: str, at: datetime, **fields: object) -> None:
        targets = {k: AGENCIES[v] for k, v in fields.items() if k == "to_agency" and isinstance(v, str)}
        self.record(decide(self.state, ActionCommand(action, who, dict(fields), targets), at))

    def record(self, event: CaseEvent) -> None:
        apply(self.state, event)
        self.events.append(event)

    def clocks(self, until: datetime) -> None:
        for event in due_clock_events(self.state, until):
            self.record(event)


def test_the_fold_keeps_the_deadline_rows_in_step(db_engine: Engine) -> None:
    case = _Logged()
    state = case.state

    def fold() -> None:
        fold_events(session, state.case_id, state.number, state.rules, case.events)
        session.commit()
        assert _rows(session, state.case_id) == _wanted(state)

    with Session(db_engine) as session:
        fold()
        case.clocks(T0 + timedelta(days=31, hours=2))  # the idle period and the stage's SLA expire, recorded
        fold()
        assert {(r[2], r[4]) for r in _rows(session, state.case_id)} == {("idle", True), ("stage_sla", True)}
        case.act(CHIEF, "refer_to_prosecution", T0 + timedelta(days=32), to_agency="pros.tripoli")
        fold()
        assert {(r[2], r[4]) for r in _rows(session, state.case_id)} == {
            ("idle", False), ("stage_sla", False), ("handoff_ack", False)}
        case.act(PROSECUTOR, "acknowledge_receipt", T0 + timedelta(days=32, hours=1))
        fold()
        assert {r[2] for r in _rows(session, state.case_id)} == {"idle", "stage_sla"}
        row = session.get(Case, state.case_id)
        assert row is not None and row.stage_entered_at == stage_entered_at(state) == T0 + timedelta(days=32)
        assert row.opening_agency == "station.tripoli.central" and row.closed_at is None
        case.act(CHIEFPROS, "archive", T0 + timedelta(days=40), ground="…")
        fold()
        assert _rows(session, state.case_id) == []
        session.refresh(row)
        assert row.closed_at == T0 + timedelta(days=40) and row.stage_entered_at is None


def _rows(session: Session, case_id: str) -> list[tuple[object, ...]]:
    return sorted((r.case_id, r.key, r.reason, r.due_at, r.on_record) for r in
                  session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id)))


def _wanted(state: CaseState) -> list[tuple[object, ...]]:
    return sorted((state.case_id, d.key, d.reason.value, d.due_at, d.on_record) for d in case_deadlines(state))


def test_migration_0011_fills_the_deadlines_of_cases_already_on_record(empty_db_engine: Engine) -> None:
    engine = empty_db_engine
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0008")
    states = [*generate_cases(random.Random(8), 30, NOW), stalled_129_days(NOW)]
    with engine.begin() as connection:
        for state in states:
            connection.execute(text(
                "INSERT INTO cases (id, number, stage, owner_agency, category, sensitivity, offence, stalled, "
                "in_transit, opened_at, updated_at, seq, snapshot, access_revision) VALUES (:id, :number, :stage, "
                ":owner, 'felony', 'normal', 'o', :stalled, false, :opened, :opened, :seq, :snapshot, 0)"),
                {"id": state.case_id, "number": state.number, "stage": state.stage.value, "owner": state.owner_agency,
                 "stalled": bool(state.stalled), "opened": state.opened_at, "seq": state.seq,
                 "snapshot": json.dumps(to_json(state))})
    ensure_schema(engine)
    with Session(engine) as session:
        for state in states:
            assert _rows(session, state.case_id) == _wanted(state), state.case_id
            row = session.get(Case, state.case_id)
            assert row is not None
            assert (row.opening_agency, row.stage_entered_at, row.closed_at) == (
                state.opening_station, stage_entered_at(state), closed_at(state))
        assert any(closed_at(s) for s in states) and any(_wanted(s) for s in states)


def test_a_caller_who_supervises_nothing_is_refused(generated: tuple[Session, list[CaseState]]) -> None:
    session, _ = generated
    with pytest.raises(Refusal) as info:
        dashboard(_actor("officer.tripoli"), session, TREE, NOW, "api")
    assert (info.value.status, info.value.code) == (403, "forbidden_role")

