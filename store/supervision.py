"""Supervision in SQL: the stalled list, the case lists behind the dashboard's numbers, and the numbers.

Everything reads the read model's `case_deadlines` rows (core.supervision.case_deadlines, projected with the
case) at one `now`, within what the caller may read (store.access.readable_statement) and what they supervise
(core.supervision.SupervisionScope: the cases held in their scope, or every one for a national supervisor).
Numbers and lists are built from the same conditions, so a number and the list it drills down to agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.access import Viewer
from core.supervision import (
    AGE_BUCKETS,
    ENDING_SOON,
    URGENCY_RANK,
    SupervisionScope,
    bucket_window,
    recent_weeks,
    urgency_of,
    week_window,
)
from core.vocabulary import AgeBucket, SlaBand, Stage, StallReason, Urgency
from store.access import readable_statement
from store.models import Case, CaseDeadline, PartyRow

Item = TypeVar("Item")

#: the reasons that concern a person's liberty (core.supervision.urgency_of)
LIBERTY_REASONS: tuple[str, ...] = tuple(r.value for r in StallReason if urgency_of(r) is Urgency.liberty)
#: how many weeks of cases opened and closed the dashboard shows
FLOW_WEEKS = 12
#: at most this many custody and detention deadlines listed as ending soon (the count is whole)
ENDING_SOON_LISTED = 100


class CaseStatus(StrEnum):
    open = "open"
    closed = "closed"
    any = "any"


def _conditions(viewer: Viewer, scope: SupervisionScope,
                holder: InstrumentedAttribute[str] | InstrumentedAttribute[str | None] = Case.owner_agency
                ) -> list[ColumnElement[bool]]:
    """What the caller may read, and supervises: `holder` is the agency a figure counts a case at (its holder;
    for cases opened, the station that opened it)."""
    readable = readable_statement(viewer).whereclause
    conditions: list[ColumnElement[bool]] = [readable if readable is not None else true()]
    if not scope.national:
        conditions.append(holder.in_(sorted(scope.agencies)))
    return conditions


def _window(column: SQLColumnExpression[datetime], bucket: AgeBucket, now: datetime) -> ColumnElement[bool]:
    earliest, latest = bucket_window(bucket, now)
    if earliest is None:
        return column <= latest
    return and_(column <= latest, column > earliest)


def _bucket_of(column: SQLColumnExpression[datetime], now: datetime) -> ColumnElement[str]:
    return case(*[(_window(column, bucket, now), bucket.value) for bucket in AGE_BUCKETS], else_=None)


# ---------------------------------------------------------------- the stalled list


@dataclass(frozen=True)
class StalledFilter:
    reason: StallReason | None = None
    agencies: tuple[str, ...] | None = None  # the holders asked for (an agency and its subtree); None: any
    holder: str | None = None  # held by exactly this agency
    age: AgeBucket | None = None  # how long stalled
    stage: Stage | None = None


@dataclass
class StalledRow:
    case: Case
    urgency: Urgency  # of its most urgent past deadline (among the reasons asked for)
    urgent_since: datetime  # when that deadline fell due
    stalled_since: datetime  # its longest past deadline's due instant (among the reasons asked for)
    deadlines: list[CaseDeadline] = field(default_factory=list)  # every deadline past, most urgent first


URGENCY_BY_RANK: dict[int, Urgency] = {rank: urgency for urgency, rank in URGENCY_RANK.items()}


def _stalled_statement(viewer: Viewer, scope: SupervisionScope, wanted: StalledFilter, now: datetime
                       ) -> Select[Case, int, datetime, datetime]:
    past = [CaseDeadline.due_at <= now]
    if wanted.reason is not None:
        past.append(CaseDeadline.reason == wanted.reason.value)
    ranked = select(
        CaseDeadline.case_id.label("case_id"), CaseDeadline.urgency.label("urgency"),
        CaseDeadline.due_at.label("urgent_since"),
        func.min(CaseDeadline.due_at).over(partition_by=CaseDeadline.case_id).label("stalled_since"),
        func.row_number().over(partition_by=CaseDeadline.case_id,
                               order_by=(CaseDeadline.urgency, CaseDeadline.due_at, CaseDeadline.key)
                               ).label("position"),
    ).where(*past).subquery("ranked")
    statement = (select(Case, ranked.c.urgency, ranked.c.urgent_since, ranked.c.stalled_since)
                 .join(ranked, and_(ranked.c.case_id == Case.id, ranked.c.position == 1))
                 .where(*_conditions(viewer, scope)))
    if wanted.agencies is not None:
        statement = statement.where(Case.owner_agency.in_(wanted.agencies))
    if wanted.holder is not None:
        statement = statement.where(Case.owner_agency == wanted.holder)
    if wanted.stage is not None:
        statement = statement.where(Case.stage == wanted.stage.value)
    if wanted.age is not None:
        statement = statement.where(_window(ranked.c.stalled_since, wanted.age, now))
    return statement.order_by(ranked.c.urgency, ranked.c.urgent_since, Case.id)


def _with_deadlines(session: Session, rows: Sequence[tuple[Case, int, datetime, datetime]], now: datetime
                    ) -> list[StalledRow]:
    ids = [row[0].id for row in rows]
    past: dict[str, list[CaseDeadline]] = {case_id: [] for case_id in ids}
    if ids:
        for deadline in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id.in_(ids),
                                                                  CaseDeadline.due_at <= now)
                                        .order_by(CaseDeadline.urgency, CaseDeadline.due_at, CaseDeadline.key)):
            past[deadline.case_id].append(deadline)
    return [StalledRow(case_row, URGENCY_BY_RANK[rank], urgent, since, past[case_row.id])
            for case_row, rank, urgent, since in rows]


def count_of(session: Session, statement: Select[Case, int, datetime, datetime] | Select[Case]) -> int:
    return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0


def stalled_page(session: Session, viewer: Viewer, scope: SupervisionScope, wanted: StalledFilter, now: datetime,
                 offset: int, limit: int) -> tuple[int, list[StalledRow]]:
    """The stalled cases asked for, most urgent first: how many in all, and one page of them."""
    statement = _stalled_statement(viewer, scope, wanted, now)
    total = count_of(session, statement)
    rows = session.execute(statement.offset(offset).limit(limit)).all()
    return total, _with_deadlines(session, list(rows), now)


def all_stalled(session: Session, viewer: Viewer, scope: SupervisionScope, wanted: StalledFilter, now: datetime,
                batch: int = 500) -> Iterator[StalledRow]:
    """Every stalled case asked for, in the list's order, a batch at a time (for an export)."""
    return _every_page(lambda offset: stalled_page(session, viewer, scope, wanted, now, offset, batch)[1], batch)


# ---------------------------------------------------------------- the case lists behind the numbers


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus = CaseStatus.open
    stage: Stage | None = None
    agencies: tuple[str, ...] | None = None  # holders; for `opened_week`, the station that opened the case
    holder: str | None = None  # exactly this one (the holder; for `opened_week`, the station that opened it)
    pendency: AgeBucket | None = None  # how long open (open cases)
    sla: SlaBand | None = None  # against the stage's SLA
    waiting: bool = False  # a hand-off not yet acknowledged
    ending_within: timedelta | None = None  # custody or detention ending within this (not yet past)
    reason: StallReason | None = None  # with `ending_within`: only this custody or detention
    opened_week: date | None = None  # opened in the week beginning that day
    closed_week: date | None = None  # closed in the week beginning that day


def _deadline_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(CaseDeadline.case_id == Case.id, *conditions)


def _sla_condition(band: SlaBand, now: datetime) -> ColumnElement[bool]:
    stage_sla = CaseDeadline.reason == StallReason.stage_sla.value
    if band is SlaBand.over:
        return _deadline_exists(stage_sla, CaseDeadline.due_at <= now)
    if band is SlaBand.near:
        return _deadline_exists(stage_sla, CaseDeadline.warn_at <= now, CaseDeadline.due_at > now)
    return _deadline_exists(stage_sla, or_(CaseDeadline.warn_at.is_(None), CaseDeadline.warn_at > now),
                            CaseDeadline.due_at > now)


def _ending_condition(within: timedelta, reason: StallReason | None, now: datetime) -> ColumnElement[bool]:
    reasons = [reason.value] if reason is not None else list(LIBERTY_REASONS)
    return _deadline_exists(CaseDeadline.reason.in_(reasons), CaseDeadline.due_at > now,
                            CaseDeadline.due_at <= now + within)


def _case_statement(viewer: Viewer, scope: SupervisionScope, wanted: CaseFilter, now: datetime
                    ) -> Select[Case]:
    holder = Case.opening_agency if wanted.opened_week is not None else Case.owner_agency
    statement = select(Case).where(*_conditions(viewer, scope, holder))
    if wanted.status is CaseStatus.open:
        statement = statement.where(Case.stage != Stage.closed.value)
    elif wanted.status is CaseStatus.closed:
        statement = statement.where(Case.stage == Stage.closed.value)
    if wanted.agencies is not None:
        statement = statement.where(holder.in_(wanted.agencies))
    if wanted.holder is not None:
        statement = statement.where(holder == wanted.holder)
    if wanted.stage is not None:
        statement = statement.where(Case.stage == wanted.stage.value)
    if wanted.pendency is not None:
        statement = statement.where(_window(Case.opened_at, wanted.pendency, now))
    if wanted.sla is not None:
        statement = statement.where(_sla_condition(wanted.sla, now))
    if wanted.waiting:
        statement = statement.where(_deadline_exists(CaseDeadline.reason == StallReason.handoff_ack.value))
    if wanted.ending_within is not None:
        statement = statement.where(_ending_condition(wanted.ending_within, wanted.reason, now))
    if wanted.opened_week is not None:
        start, end = week_window(wanted.opened_week)
        statement = statement.where(Case.opened_at >= start, Case.opened_at < end)
    if wanted.closed_week is not None:
        start, end = week_window(wanted.closed_week)
        statement = statement.where(Case.closed_at >= start, Case.closed_at < end)
    return statement.order_by(Case.opened_at, Case.id)


@dataclass
class CaseRow:
    case: Case
    past: list[CaseDeadline]  # the deadlines it is past, most urgent first


def case_page(session: Session, viewer: Viewer, scope: SupervisionScope, wanted: CaseFilter, now: datetime,
              offset: int, limit: int) -> tuple[int, list[CaseRow]]:
    """The cases behind one of the dashboard's numbers, oldest first: how many in all, and one page."""
    statement = _case_statement(viewer, scope, wanted, now)
    total = count_of(session, statement)
    cases = list(session.scalars(statement.offset(offset).limit(limit)))
    ids = [c.id for c in cases]
    past: dict[str, list[CaseDeadline]] = {case_id: [] for case_id in ids}
    if ids:
        for deadline in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id.in_(ids),
                                                                  CaseDeadline.due_at <= now)
                                        .order_by(CaseDeadline.urgency, CaseDeadline.due_at, CaseDeadline.key)):
            past[deadline.case_id].append(deadline)
    return total, [CaseRow(c, past[c.id]) for c in cases]


def all_cases(session: Session, viewer: Viewer, scope: SupervisionScope, wanted: CaseFilter, now: datetime,
              batch: int = 500) -> Iterator[CaseRow]:
    """Every case a figure counts, in the list's order, a batch at a time (for an export)."""
    return _every_page(lambda offset: case_page(session, viewer, scope, wanted, now, offset, batch)[1], batch)


def _every_page(page_at: Callable[[int], list[Item]], batch: int) -> Iterator[Item]:
    """The pages of a list from its first, `batch` rows each, until one comes back short."""
    offset = 0
    while True:
        rows = page_at(offset)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


# ---------------------------------------------------------------- the dashboard's numbers


@dataclass
class HandoffsWaiting:
    agency: str  # the receiver, which holds the case from the hand-off
    waiting: int
    overdue: int  # past the acknowledgement clock
    waiting_since: datetime  # the longest waiting


@dataclass
class EndingSoon:
    case_id: str
    number: str
    agency: str
    reason: StallReason
    subject: str | None
    person: str | None
    due_at: datetime


@dataclass
class StageTime:
    stage: Stage
    within: int
    near: int
    over: int
    in_stage_since: datetime | None  # the longest in the stage

    @property
    def total(self) -> int:
        return self.within + self.near + self.over


@dataclass
class WeekFlow:
    week: date
    agency: str
    opened: int = 0
    closed: int = 0


@dataclass
class Figures:
    """The dashboard, as numbers: each one the size of a list that `stalled_page` or `case_page` gives."""

    now: datetime
    open_by_stage: dict[Stage, int]
    open_by_agency: dict[str, int]
    stalled_total: int
    stalled_by_reason: dict[StallReason, int]
    stalled_by_age: dict[AgeBucket, int]
    handoffs: list[HandoffsWaiting]
    ending_soon_total: int
    ending_soon_by_reason: dict[StallReason, int]
    ending_soon: list[EndingSoon]
    time_in_stage: list[StageTime]
    pendency: dict[AgeBucket, int]
    weeks: list[date]
    flow: list[WeekFlow]


def _open(viewer: Viewer, scope: SupervisionScope) -> list[ColumnElement[bool]]:
    return [*_conditions(viewer, scope), Case.stage != Stage.closed.value]


def open_cases(session: Session, viewer: Viewer, scope: SupervisionScope) -> tuple[dict[Stage, int], dict[str, int]]:
    by_stage = {Stage(stage): count for stage, count in session.execute(
        select(Case.stage, func.count()).where(*_open(viewer, scope)).group_by(Case.stage))}
    by_agency = dict(session.execute(
        select(Case.owner_agency, func.count()).where(*_open(viewer, scope)).group_by(Case.owner_agency)).all())
    return ({stage: by_stage[stage] for stage in Stage if stage in by_stage},
            dict(sorted(by_agency.items(), key=lambda item: (-item[1], item[0]))))


def stalled_counts(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime
                   ) -> tuple[int, dict[StallReason, int], dict[AgeBucket, int]]:
    """How many cases are past a deadline; how many past each reason (a case past two counts under each); and
    how long they have been, by their longest past deadline."""
    per_case = (select(CaseDeadline.case_id.label("case_id"), func.min(CaseDeadline.due_at).label("since"))
                .where(CaseDeadline.due_at <= now).group_by(CaseDeadline.case_id).subquery("per_case"))
    aged = (select(_bucket_of(per_case.c.since, now).label("bucket"))
            .select_from(Case).join(per_case, per_case.c.case_id == Case.id)
            .where(*_conditions(viewer, scope)).subquery("aged"))
    by_age: dict[str, int] = dict(session.execute(select(aged.c.bucket, func.count()).group_by(aged.c.bucket)).all())
    by_reason = dict(session.execute(
        select(CaseDeadline.reason, func.count(func.distinct(Case.id)))
        .select_from(Case).join(CaseDeadline, CaseDeadline.case_id == Case.id)
        .where(CaseDeadline.due_at <= now, *_conditions(viewer, scope)).group_by(CaseDeadline.reason)).all())
    return (sum(by_age.values()),
            {reason: by_reason[reason.value] for reason in StallReason if reason.value in by_reason},
            {bucket: by_age.get(bucket.value, 0) for bucket in AGE_BUCKETS})


def handoffs_waiting(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime
                     ) -> list[HandoffsWaiting]:
    rows = session.execute(
        select(Case.owner_agency, func.count(), func.sum(case((CaseDeadline.due_at <= now, 1), else_=0)),
               func.min(CaseDeadline.started_at))
        .select_from(Case).join(CaseDeadline, CaseDeadline.case_id == Case.id)
        .where(CaseDeadline.reason == StallReason.handoff_ack.value, *_conditions(viewer, scope))
        .group_by(Case.owner_agency)).all()
    found = [HandoffsWaiting(agency, waiting, int(overdue or 0), since) for agency, waiting, overdue, since in rows]
    return sorted(found, key=lambda h: (h.waiting_since, h.agency))


def ending_soon(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime
                ) -> tuple[int, dict[StallReason, int], list[EndingSoon]]:
    """Custody and detention ending in the next 48 hours (not yet past): in how many cases, of each kind, and
    the soonest (one line per person)."""
    soon = [CaseDeadline.reason.in_(LIBERTY_REASONS), CaseDeadline.due_at > now,
            CaseDeadline.due_at <= now + ENDING_SOON]
    joined = select(Case.id).select_from(Case).join(CaseDeadline, CaseDeadline.case_id == Case.id)
    counts = dict(session.execute(
        joined.with_only_columns(CaseDeadline.reason, func.count(func.distinct(Case.id)))
        .where(*soon, *_conditions(viewer, scope)).group_by(CaseDeadline.reason)).all())
    total = session.scalar(joined.with_only_columns(func.count(func.distinct(Case.id)))
                           .where(*soon, *_conditions(viewer, scope))) or 0
    rows = session.execute(
        select(Case.id, Case.number, Case.owner_agency, CaseDeadline.reason, CaseDeadline.subject, PartyRow.name,
               CaseDeadline.due_at)
        .select_from(Case).join(CaseDeadline, CaseDeadline.case_id == Case.id)
        .outerjoin(PartyRow, and_(PartyRow.case_id == Case.id, PartyRow.party_id == CaseDeadline.subject))
        .where(*soon, *_conditions(viewer, scope))
        .order_by(CaseDeadline.due_at, Case.id).limit(ENDING_SOON_LISTED)).all()
    listed = [EndingSoon(case_id, number, agency, StallReason(reason), subject, person, due)
              for case_id, number, agency, reason, subject, person, due in rows]
    return total, {reason: counts[reason.value] for reason in StallReason if reason.value in counts}, listed


def time_in_stage(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime) -> list[StageTime]:
    """Open cases against their stage's SLA (its clock's warning point and due instant), per stage."""
    rows = session.execute(
        select(Case.stage,
               func.sum(case((and_(or_(CaseDeadline.warn_at.is_(None), CaseDeadline.warn_at > now),
                                   CaseDeadline.due_at > now), 1), else_=0)),
               func.sum(case((and_(CaseDeadline.warn_at <= now, CaseDeadline.due_at > now), 1), else_=0)),
               func.sum(case((CaseDeadline.due_at <= now, 1), else_=0)),
               func.min(CaseDeadline.started_at))
        .select_from(Case).join(CaseDeadline, CaseDeadline.case_id == Case.id)
        .where(CaseDeadline.reason == StallReason.stage_sla.value, *_open(viewer, scope))
        .group_by(Case.stage)).all()
    found = {Stage(stage): StageTime(Stage(stage), int(within or 0), int(near or 0), int(over or 0), since)
             for stage, within, near, over, since in rows}
    return [found[stage] for stage in Stage if stage in found]


def pendency(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime) -> dict[AgeBucket, int]:
    """Open cases by how long they have been open."""
    aged = select(_bucket_of(Case.opened_at, now).label("bucket")).where(*_open(viewer, scope)).subquery("aged")
    by_age: dict[str, int] = dict(session.execute(select(aged.c.bucket, func.count()).group_by(aged.c.bucket)).all())
    return {bucket: by_age.get(bucket.value, 0) for bucket in AGE_BUCKETS}


def _week_of(column: SQLColumnExpression[datetime] | SQLColumnExpression[datetime | None], weeks: list[date]
             ) -> ColumnElement[str]:
    whens = []
    for first_day in weeks:
        start, end = week_window(first_day)
        whens.append((and_(column >= start, column < end), first_day.isoformat()))
    return case(*whens, else_=None)


def flow(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime, count: int = FLOW_WEEKS
         ) -> tuple[list[date], list[WeekFlow]]:
    """Cases opened (at the station that opened them) and closed (at the agency that held them) per week."""
    weeks = recent_weeks(now, count)
    first, _ = week_window(weeks[0])
    found: dict[tuple[date, str], WeekFlow] = {}
    opened = select(_week_of(Case.opened_at, weeks).label("week"), Case.opening_agency.label("agency")).where(
        Case.opened_at >= first, *_conditions(viewer, scope, Case.opening_agency)).subquery("opened")
    for week, agency, number in session.execute(
            select(opened.c.week, opened.c.agency, func.count()).group_by(opened.c.week, opened.c.agency)):
        if week is not None:
            key = (date.fromisoformat(week), agency or "")
            found.setdefault(key, WeekFlow(*key)).opened = number
    closed = select(_week_of(Case.closed_at, weeks).label("week"), Case.owner_agency.label("agency")).where(
        Case.closed_at >= first, *_conditions(viewer, scope)).subquery("closed")
    for week, agency, number in session.execute(
            select(closed.c.week, closed.c.agency, func.count()).group_by(closed.c.week, closed.c.agency)):
        if week is not None:
            key = (date.fromisoformat(week), agency)
            found.setdefault(key, WeekFlow(*key)).closed = number
    return weeks, sorted(found.values(), key=lambda f: (f.week, f.agency))


def figures(session: Session, viewer: Viewer, scope: SupervisionScope, now: datetime) -> Figures:
    by_stage, by_agency = open_cases(session, viewer, scope)
    total, by_reason, by_age = stalled_counts(session, viewer, scope, now)
    ending_total, ending_counts, ending = ending_soon(session, viewer, scope, now)
    weeks, weekly = flow(session, viewer, scope, now)
    return Figures(now=now, open_by_stage=by_stage, open_by_agency=by_agency, stalled_total=total,
                   stalled_by_reason=by_reason, stalled_by_age=by_age,
                   handoffs=handoffs_waiting(session, viewer, scope, now), ending_soon_total=ending_total,
                   ending_soon_by_reason=ending_counts,
                   ending_soon=ending, time_in_stage=time_in_stage(session, viewer, scope, now),
                   pendency=pendency(session, viewer, scope, now), weeks=weeks, flow=weekly)
