"""The supervision figures: each number from store.supervision, with its labels and the list it counts (REST or
web), and the case lists behind them. The REST API and the web's dashboard both call this."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from api.stalled.service import agencies_under, csv_lines, known_agency, scope_of
from api.stats.schemas import (
    AgencyFlowPublic,
    CaseRowPage,
    CaseRowPublic,
    CountPublic,
    DashboardPublic,
    EndingSoonItem,
    EndingSoonPublic,
    FlowPublic,
    HandoffsAtPublic,
    HandoffsPublic,
    OpenCasesPublic,
    PendencyPublic,
    ScopePublic,
    StageTimePublic,
    StalledFiguresPublic,
)
from config.rules import rulebook
from core.access import viewer_for
from core.agencies import AgencyTree
from core.case import Actor
from core.supervision import ENDING_SOON, SupervisionScope, age_days, bucket_of
from core.vocabulary import AgeBucket, Category, SlaBand, Stage, StallReason, label
from store import supervision as figures_store
from store.supervision import CaseFilter, CaseRow, CaseStatus, Figures

Surface = Literal["api", "web"]
#: where each surface lists the cases a number counts
LISTS: dict[Surface, dict[str, str]] = {
    "api": {"stalled": "/api/v1/stalled", "cases": "/api/v1/stats/cases"},
    "web": {"stalled": "/web/stalled", "cases": "/web/supervision/cases"},
}
ENDING_SOON_HOURS = int(ENDING_SOON / timedelta(hours=1))
#: the labels of what has no vocabulary of its own
TOTAL = ("المجموع", "Total")
WAITING = ("بانتظار الاستلام", "Waiting")
OVERDUE = ("تجاوزت ميعاد الاستلام", "Past the acknowledgement clock")
OPENED = ("فتحت", "Opened")
CLOSED = ("أغلقت", "Closed")


def href(surface: Surface, kind: Literal["stalled", "cases"], **params: object) -> str:
    given = {name: str(value) for name, value in params.items() if value is not None and value != ""}
    path = LISTS[surface][kind]
    return f"{path}?{urlencode(given)}" if given else path


def _count(key: str, labels: tuple[str, str], count: int, link: str) -> CountPublic:
    return CountPublic(key=key, label_ar=labels[0], label_en=labels[1], count=count, href=link)


def _labels(thing: StrEnum) -> tuple[str, str]:
    return label(thing, "ar"), label(thing, "en")


def _agency_labels(tree: AgencyTree, code: str) -> tuple[str, str]:
    agency = tree.by_code.get(code)
    return (agency.name_ar, agency.name_en) if agency else (code, code)


def dashboard(actor: Actor, session: Session, tree: AgencyTree, now: datetime, surface: Surface) -> DashboardPublic:
    """Every figure of the dashboard, for the caller's scope, at `now`."""
    scope = scope_of(actor)
    found = figures_store.figures(session, viewer_for(actor), scope, now)
    return DashboardPublic(
        as_of=now,
        scope=ScopePublic(national=scope.national, agencies=[] if scope.national else sorted(scope.agencies)),
        open_cases=_open_cases(found, tree, surface), stalled=_stalled(found, surface),
        handoffs=_handoffs(found, tree, now, surface), ending_soon=_ending_soon(found, now, surface),
        time_in_stage=_time_in_stage(found, now, surface), pendency=_pendency(found, surface),
        flow=_flow(found, tree, surface))


def _open_cases(found: Figures, tree: AgencyTree, surface: Surface) -> OpenCasesPublic:
    return OpenCasesPublic(
        total=_count("open", TOTAL, sum(found.open_by_stage.values()), href(surface, "cases", status="open")),
        by_stage=[_count(stage, _labels(stage), n, href(surface, "cases", stage=stage))
                  for stage, n in found.open_by_stage.items()],
        by_agency=[_count(code, _agency_labels(tree, code), n, href(surface, "cases", holder=code))
                   for code, n in found.open_by_agency.items()])


def _stalled(found: Figures, surface: Surface) -> StalledFiguresPublic:
    return StalledFiguresPublic(
        total=_count("stalled", TOTAL, found.stalled_total, href(surface, "stalled")),
        by_reason=[_count(reason, _labels(reason), n, href(surface, "stalled", reason=reason))
                   for reason, n in found.stalled_by_reason.items()],
        by_age=[_count(bucket, _labels(bucket), n, href(surface, "stalled", age=bucket))
                for bucket, n in found.stalled_by_age.items()])


def _handoffs(found: Figures, tree: AgencyTree, now: datetime, surface: Surface) -> HandoffsPublic:
    at = [HandoffsAtPublic(
        agency=h.agency, label_ar=_agency_labels(tree, h.agency)[0], label_en=_agency_labels(tree, h.agency)[1],
        waiting=_count("waiting", WAITING, h.waiting, href(surface, "cases", waiting="true", holder=h.agency)),
        overdue=_count("overdue", OVERDUE, h.overdue,
                       href(surface, "stalled", reason=StallReason.handoff_ack, holder=h.agency)),
        waiting_since=h.waiting_since, hours_waiting=max(0, int((now - h.waiting_since) / timedelta(hours=1))))
        for h in found.handoffs]
    return HandoffsPublic(
        waiting=_count("waiting", WAITING, sum(h.waiting for h in found.handoffs),
                       href(surface, "cases", waiting="true")),
        overdue=_count("overdue", OVERDUE, sum(h.overdue for h in found.handoffs),
                       href(surface, "stalled", reason=StallReason.handoff_ack)),
        by_agency=at)


def _ending_soon(found: Figures, now: datetime, surface: Surface) -> EndingSoonPublic:
    return EndingSoonPublic(
        hours=ENDING_SOON_HOURS,
        total=_count("ending_soon", TOTAL, found.ending_soon_total,
                     href(surface, "cases", ending_within_hours=ENDING_SOON_HOURS)),
        by_reason=[_count(reason, _labels(reason), n,
                          href(surface, "cases", ending_within_hours=ENDING_SOON_HOURS, reason=reason))
                   for reason, n in found.ending_soon_by_reason.items()],
        items=[EndingSoonItem(case_id=e.case_id, number=e.number, owner_agency=e.agency, reason=e.reason,
                              subject=e.subject, person=e.person, due_at=e.due_at,
                              hours_left=int((e.due_at - now) / timedelta(hours=1)))
               for e in found.ending_soon])


def _time_in_stage(found: Figures, now: datetime, surface: Surface) -> list[StageTimePublic]:
    sla_days = rulebook().stage_sla_days
    return [StageTimePublic(
        stage=t.stage, label_ar=label(t.stage, "ar"), label_en=label(t.stage, "en"),
        sla_days=sla_days.get(t.stage),
        within=_count(SlaBand.within, _labels(SlaBand.within), t.within,
                      href(surface, "cases", stage=t.stage, sla=SlaBand.within)),
        near=_count(SlaBand.near, _labels(SlaBand.near), t.near,
                    href(surface, "cases", stage=t.stage, sla=SlaBand.near)),
        over=_count(SlaBand.over, _labels(SlaBand.over), t.over,
                    href(surface, "cases", stage=t.stage, sla=SlaBand.over)),
        longest_days=age_days(t.in_stage_since, now) if t.in_stage_since else None)
        for t in found.time_in_stage]


def _pendency(found: Figures, surface: Surface) -> PendencyPublic:
    return PendencyPublic(
        total=_count("open", TOTAL, sum(found.pendency.values()), href(surface, "cases", status="open")),
        by_age=[_count(bucket, _labels(bucket), n, href(surface, "cases", pendency=bucket))
                for bucket, n in found.pendency.items()])


def _flow(found: Figures, tree: AgencyTree, surface: Surface) -> FlowPublic:
    agencies = sorted({f.agency for f in found.flow})

    def opened(week: date, agency: str | None) -> CountPublic:
        n = sum(f.opened for f in found.flow if f.week == week and agency in (None, f.agency))
        return _count(week.isoformat(), OPENED, n,
                      href(surface, "cases", status=CaseStatus.any, opened_week=week.isoformat(), holder=agency))

    def closed(week: date, agency: str | None) -> CountPublic:
        n = sum(f.closed for f in found.flow if f.week == week and agency in (None, f.agency))
        return _count(week.isoformat(), CLOSED, n,
                      href(surface, "cases", status=CaseStatus.closed, closed_week=week.isoformat(), holder=agency))

    by_agency = []
    for agency in agencies:
        name_ar, name_en = _agency_labels(tree, agency)
        by_agency.append(AgencyFlowPublic(agency=agency, label_ar=name_ar, label_en=name_en,
                                          opened=[opened(w, agency) for w in found.weeks],
                                          closed=[closed(w, agency) for w in found.weeks]))
    return FlowPublic(weeks=found.weeks, opened=[opened(w, None) for w in found.weeks],
                      closed=[closed(w, None) for w in found.weeks], by_agency=by_agency)


# ---------------------------------------------------------------- the cases behind a number


@dataclass(frozen=True)
class CaseQuery:
    """The case list's filters as given (each number's `href` gives them)."""

    status: CaseStatus = CaseStatus.open
    stage: Stage | None = None
    agency: str | None = None
    holder: str | None = None
    pendency: AgeBucket | None = None
    sla: SlaBand | None = None
    waiting: bool = False
    ending_within_hours: int | None = None
    reason: StallReason | None = None
    opened_week: date | None = None
    closed_week: date | None = None

    def store_filter(self, tree: AgencyTree) -> CaseFilter:
        within = timedelta(hours=self.ending_within_hours) if self.ending_within_hours else None
        return CaseFilter(status=self.status, stage=self.stage, agencies=agencies_under(tree, self.agency),
                          holder=known_agency(tree, self.holder, "holder"), pendency=self.pendency, sla=self.sla,
                          waiting=self.waiting, ending_within=within, reason=self.reason,
                          opened_week=self.opened_week, closed_week=self.closed_week)

    def params(self) -> dict[str, str]:
        given: dict[str, object] = {
            "status": self.status, "stage": self.stage, "agency": self.agency, "holder": self.holder,
            "pendency": self.pendency, "sla": self.sla, "waiting": "true" if self.waiting else None,
            "ending_within_hours": self.ending_within_hours, "reason": self.reason,
            "opened_week": self.opened_week.isoformat() if self.opened_week else None,
            "closed_week": self.closed_week.isoformat() if self.closed_week else None}
        return {name: str(value) for name, value in given.items() if value is not None}


def _case_public(row: CaseRow, now: datetime) -> CaseRowPublic:
    case = row.case
    days = age_days(case.opened_at, now)
    return CaseRowPublic(
        id=case.id, number=case.number, stage=Stage(case.stage), category=Category(case.category),
        offence=case.offence, owner_agency=case.owner_agency, opening_agency=case.opening_agency,
        in_transit=case.in_transit, opened_at=case.opened_at, updated_at=case.updated_at, closed_at=case.closed_at,
        days_open=days, pending=bucket_of(days) if case.stage != Stage.closed else None,
        past_deadlines=[StallReason(d.reason) for d in row.past])


def case_page(actor: Actor, session: Session, tree: AgencyTree, query: CaseQuery, now: datetime, offset: int,
              limit: int) -> CaseRowPage:
    scope: SupervisionScope = scope_of(actor)
    total, rows = figures_store.case_page(session, viewer_for(actor), scope, query.store_filter(tree), now, offset,
                                          limit)
    return CaseRowPage(items=[_case_public(r, now) for r in rows], total=total, offset=offset, limit=limit, as_of=now)


def export_cases(actor: Actor, session: Session, tree: AgencyTree, query: CaseQuery, now: datetime
                 ) -> list[CaseRowPublic]:
    scope = scope_of(actor)
    return [_case_public(row, now) for row in
            figures_store.all_cases(session, viewer_for(actor), scope, query.store_filter(tree), now)]


CASE_CSV_COLUMNS = ("number", "case_id", "stage", "holder", "holder_name", "opened_by", "opened_at", "closed_at",
                    "days_open", "past_deadlines", "offence")


def cases_csv(items: Iterable[CaseRowPublic], tree: AgencyTree, language: str) -> Iterator[str]:
    def name(code: str | None) -> str:
        agency = tree.by_code.get(code or "")
        return agency.name(language) if agency else (code or "")

    rows = ([item.number, item.id, label(item.stage, language), item.owner_agency, name(item.owner_agency),
             name(item.opening_agency), item.opened_at.isoformat(),
             item.closed_at.isoformat() if item.closed_at else "", item.days_open,
             "; ".join(label(reason, language) for reason in item.past_deadlines), item.offence] for item in items)
    return csv_lines(CASE_CSV_COLUMNS, rows)
