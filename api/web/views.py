"""What the work lists show, read through the same access filter as every other case query. What is late is
core.supervision's one definition: the same deadlines the stalled list and the dashboard count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from core.access import viewer_for
from core.case import Actor, CaseState
from core.clocks import counts_whole_days, last_day
from core.roles import Capability, may
from core.supervision import case_deadlines, overdue
from core.vocabulary import Stage
from store.access import readable_statement
from store.codec import state_from_json
from store.models import Case

WORK_LIMIT = 500


@dataclass
class ClockDue:
    name: str
    subject: str | None
    expires_at: datetime
    expired: bool
    last_day: date | None = None  # a deadline in days: its last day (shown "until the end of …")


@dataclass
class WorkItem:
    case_id: str
    number: str
    stage: str
    offence: str
    category: str
    owner_agency: str
    updated_at: datetime
    awaiting_my_receipt: bool
    stalled: bool
    clocks_due: list[ClockDue] = field(default_factory=list)  # past their warning point, soonest first
    stalled_reasons: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def next_deadline(self) -> datetime | None:
        return self.clocks_due[0].expires_at if self.clocks_due else None

    def urgency(self) -> tuple[int, float, float]:
        """Expired clocks first, then the nearest deadline, then files waiting for receipt, then the rest."""
        if any(c.expired for c in self.clocks_due):
            rank = 0
        elif self.clocks_due:
            rank = 1
        elif self.awaiting_my_receipt:
            rank = 2
        elif self.stalled:
            rank = 3
        else:
            rank = 4
        deadline = self.next_deadline.timestamp() if self.next_deadline else float("inf")
        return rank, deadline, -self.updated_at.timestamp()


@dataclass
class MyWork:
    items: list[WorkItem]

    @property
    def awaiting_receipt(self) -> list[WorkItem]:
        return [i for i in self.items if i.awaiting_my_receipt]

    @property
    def clocks_due(self) -> list[tuple[WorkItem, ClockDue]]:
        due = [(item, clock) for item in self.items for clock in item.clocks_due]
        return sorted(due, key=lambda pair: pair[1].expires_at)


def _last_day(state: CaseState, clock_name: str | None, due_at: datetime) -> date | None:
    """The last day of a deadline counted in whole days (the law's "until the end of …"), else none."""
    rule = state.rules.clocks.get(clock_name) if clock_name else None
    return last_day(due_at) if rule is not None and counts_whole_days(rule.unit) else None


def _due(state: CaseState, now: datetime) -> list[ClockDue]:
    """The case's deadlines past now (core.supervision: an expiry on record or not yet, never one since
    resolved), and its running clocks past their warning point (a challenge window closing among them); a
    deadline in days shows its last day."""
    past = overdue(case_deadlines(state), now)
    clock_names = {c.clock_id: c.name for c in state.clocks}
    due = [ClockDue(d.reason.value, d.subject, d.due_at, True, _last_day(state, clock_names.get(d.key), d.due_at))
           for d in past]
    shown = {d.key for d in past}
    due += [ClockDue(c.name, c.subject, c.expires_at, False, _last_day(state, c.name, c.expires_at))
            for c in state.open_clocks() if c.warn_at <= now < c.expires_at and c.clock_id not in shown]
    return sorted(due, key=lambda c: c.expires_at)


def work_item(row: Case, state: CaseState, actor: Actor, now: datetime) -> WorkItem:
    handoff = state.handoff
    awaiting = (handoff is not None and handoff.acknowledged_at is None and handoff.to_agency == actor.agency)
    past = overdue(case_deadlines(state), now)
    return WorkItem(
        case_id=row.id, number=row.number, stage=row.stage, offence=row.offence, category=row.category,
        owner_agency=row.owner_agency, updated_at=row.updated_at, awaiting_my_receipt=awaiting,
        stalled=bool(past), clocks_due=_due(state, now),
        stalled_reasons=[(d.reason.value, d.due_at) for d in past])


def _cases(session: Session, statement: Select[Any]) -> list[Case]:
    # typed loosely: store.access.readable_statement's `Select[tuple[Case]]` reads as rows of tuples to mypy
    return list(session.scalars(statement))


def my_work(actor: Actor, session: Session, now: datetime) -> MyWork:
    """The open cases my agency holds now (a file handed to it is held from the hand-off), by urgency."""
    statement = (readable_statement(viewer_for(actor))
                 .where(Case.owner_agency == actor.agency, Case.stage != Stage.closed.value)
                 .order_by(Case.updated_at.desc()).limit(WORK_LIMIT))
    items = [work_item(row, state_from_json(row.snapshot), actor, now) for row in _cases(session, statement)]
    return MyWork(sorted(items, key=WorkItem.urgency))


def may_supervise(actor: Actor) -> bool:
    return may(actor.roles, Capability.watch_stalled_cases)
