"""What the work lists show, read through the same access filter as every other case query. What is late is
core.supervision's one definition: the same deadlines the stalled list and the dashboard count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.access import viewer_for
from core.case import Actor, AgencyRef, CaseState, Hearing
from core.clocks import TRIPOLI, counts_whole_days, last_day
from core.roles import Capability, may
from core.supervision import case_deadlines, overdue
from core.transitions import allowed_actions
from core.vocabulary import Stage
from store.access import readable_statement
from store.agencies import agency_refs
from store.codec import state_from_json
from store.models import Case

WORK_LIMIT = 500
#: the receipt of a hand-off: the call to action of the receiver's home page
ACKNOWLEDGE = "acknowledge_receipt"


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
    suspects: list[str] = field(default_factory=list)  # the names of the people the case is against
    next_hearing: Hearing | None = None
    #: the receipt awaits me and decide() would accept mine now (core.transitions.action_options, run dry)
    may_acknowledge: bool = False

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


def upcoming_hearing(state: CaseState, now: datetime) -> Hearing | None:
    """The case's hearing ahead: the one set last (an adjournment or a new setting replaces the one before it),
    if it is still to come."""
    current = state.hearings[-1] if state.hearings else None
    return current if current is not None and current.at >= now else None


#: how a work list may be ordered: by urgency (the default), the last change, the next hearing, the number
SORTS = ("urgency", "updated", "hearing", "number")
#: what a work list may be narrowed to
STATUSES = ("receipt", "due", "stalled", "hearing")
PAGE_SIZE = 25


@dataclass(frozen=True)
class WorkFilter:
    stage: str | None = None
    status: str | None = None
    sort: str = "urgency"
    page: int = 1

    @classmethod
    def of(cls, stage: str | None, status: str | None, sort: str | None, page: str | None) -> WorkFilter:
        """From a list's address; what is not a stage, status, order or page is ignored (a hand-made address)."""
        number = int(page) if page and page.isdigit() and len(page) < 6 else 1
        return cls(stage if stage in tuple(Stage) else None, status if status in STATUSES else None,
                   sort if sort in SORTS else "urgency", max(1, number))

    def keeps(self, item: WorkItem) -> bool:
        if self.stage and item.stage != self.stage:
            return False
        return {None: True, "receipt": item.awaiting_my_receipt, "due": bool(item.clocks_due),
                "stalled": item.stalled, "hearing": item.next_hearing is not None}[self.status]

    def params(self, **changed: str | int | None) -> dict[str, str]:
        values = {"stage": self.stage, "status": self.status, "sort": self.sort, "page": self.page} | changed
        return {k: str(v) for k, v in values.items() if v is not None and not (k == "sort" and v == "urgency")
                and not (k == "page" and v == 1)}


def _sort_key(sort: str) -> Any:
    far = datetime.max.replace(tzinfo=UTC)
    return {"urgency": WorkItem.urgency,
            "updated": lambda i: -i.updated_at.timestamp(),
            "hearing": lambda i: (i.next_hearing.at if i.next_hearing else far, i.number),
            "number": lambda i: i.number}[sort]


@dataclass
class MyWork:
    items: list[WorkItem]
    now: datetime | None = None

    @property
    def awaiting_receipt(self) -> list[WorkItem]:
        return [i for i in self.items if i.awaiting_my_receipt]

    @property
    def clocks_due(self) -> list[tuple[WorkItem, ClockDue]]:
        due = [(item, clock) for item in self.items for clock in item.clocks_due]
        return sorted(due, key=lambda pair: pair[1].expires_at)

    def hearings_within(self, days: int) -> list[WorkItem]:
        """The cases with a hearing from now to the end of the `days`-th day from today (Tripoli), soonest first:
        1 is today's list, 7 the week's."""
        if self.now is None:
            return []
        last = self.now.astimezone(TRIPOLI).date() + timedelta(days=days - 1)
        found = [(i.next_hearing.at, i) for i in self.items
                 if i.next_hearing is not None and i.next_hearing.at.astimezone(TRIPOLI).date() <= last]
        return [item for _, item in sorted(found, key=lambda pair: pair[0])]

    def listed(self, chosen: WorkFilter) -> tuple[list[WorkItem], int]:
        """One page of the list as filtered and ordered, and how many pages it has."""
        kept = sorted((i for i in self.items if chosen.keeps(i)), key=_sort_key(chosen.sort))
        pages = max(1, -(-len(kept) // PAGE_SIZE))
        number = min(chosen.page, pages)
        return kept[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], pages


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


def work_item(row: Case, state: CaseState, actor: Actor, now: datetime, agencies: list[AgencyRef] | None = None
              ) -> WorkItem:
    handoff = state.handoff
    awaiting = (handoff is not None and handoff.acknowledged_at is None and handoff.to_agency == actor.agency)
    may_acknowledge = awaiting and agencies is not None and ACKNOWLEDGE in allowed_actions(state, actor, now, agencies)
    past = overdue(case_deadlines(state), now)
    return WorkItem(
        case_id=row.id, number=row.number, stage=row.stage, offence=row.offence, category=row.category,
        owner_agency=row.owner_agency, updated_at=row.updated_at, awaiting_my_receipt=awaiting,
        stalled=bool(past), clocks_due=_due(state, now),
        stalled_reasons=[(d.reason.value, d.due_at) for d in past],
        suspects=[p.name for p in state.accused()], next_hearing=upcoming_hearing(state, now),
        may_acknowledge=may_acknowledge)


def _cases(session: Session, statement: Select[Any]) -> list[Case]:
    # typed loosely: store.access.readable_statement's `Select[tuple[Case]]` reads as rows of tuples to mypy
    return list(session.scalars(statement))


def my_work(actor: Actor, session: Session, now: datetime) -> MyWork:
    """The open cases my agency holds now (a file handed to it is held from the hand-off), by urgency."""
    statement = (readable_statement(viewer_for(actor))
                 .where(Case.owner_agency == actor.agency, Case.stage != Stage.closed.value)
                 .order_by(Case.updated_at.desc()).limit(WORK_LIMIT))
    agencies = agency_refs(session)
    items = [work_item(row, state_from_json(row.snapshot), actor, now, agencies) for row in _cases(session, statement)]
    return MyWork(sorted(items, key=WorkItem.urgency), now)


def may_supervise(actor: Actor) -> bool:
    return may(actor.roles, Capability.watch_stalled_cases)


@dataclass
class ListExtras:
    """What a list row says of a case besides what the list itself carries: whom it is against, its next hearing."""

    suspects: list[str]
    next_hearing: Hearing | None


def list_extras(session: Session, case_ids: list[str], now: datetime) -> dict[str, ListExtras]:
    """For cases a list already found the reader may see (a search's hits, a supervisor's list): their accused
    and next hearing."""
    if not case_ids:
        return {}
    rows = session.scalars(select(Case).where(Case.id.in_(case_ids)))
    return {row.id: extras_of(state_from_json(row.snapshot), now) for row in rows}


def extras_of(state: CaseState, now: datetime) -> ListExtras:
    return ListExtras([p.name for p in state.accused()], upcoming_hearing(state, now))
