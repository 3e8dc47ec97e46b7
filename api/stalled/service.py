"""The stalled list: who may read it, the filters a caller gives, the page and the export (REST and web)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from api.stalled.schemas import PastDeadlinePublic, StalledCasePublic, StalledPage
from config.rules import rulebook
from core.access import viewer_for
from core.agencies import AgencyTree
from core.case import Actor
from core.clocks import Expiry
from core.refusal import Refusal, invalid
from core.supervision import SupervisionScope, age_days, bucket_of, supervision_scope, urgency_of
from core.vocabulary import AgeBucket, Category, Stage, StallReason, label, label_of
from store.models import CaseDeadline
from store.supervision import StalledFilter, StalledRow, all_stalled, stalled_page

#: the columns of an export, in order
CSV_COLUMNS = ("number", "case_id", "stage", "holder", "holder_name", "urgency", "reasons", "stalled_since",
               "days_stalled", "on_record", "offence")


def scope_of(actor: Actor) -> SupervisionScope:
    """What the caller supervises; refused (403) to anyone who supervises nothing."""
    scope = supervision_scope(actor)
    if scope is None:
        raise Refusal("forbidden_role", 403, "only supervisors and chiefs watch over stalled cases and the figures",
                      "متابعة القضايا المتعثرة والأرقام من صلاحية المشرفين ورؤساء الجهات")
    return scope


def known_agency(tree: AgencyTree, code: str | None, name: str) -> str | None:
    """An agency a filter names: known, or a 422 on that filter."""
    if not code:
        return None
    if code not in tree.by_code:
        raise invalid(name, f"unknown agency {code}", "الجهة غير معروفة", "unknown_agency")
    return code


def agencies_under(tree: AgencyTree, code: str | None) -> tuple[str, ...] | None:
    """An agency filter: the agency and every agency under it; None for no filter. An unknown code is a 422."""
    known = known_agency(tree, code, "agency")
    return tuple(sorted(tree.subtree(known))) if known else None


@dataclass(frozen=True)
class StalledQuery:
    """The filters as given (for the audit and the links), and as the store reads them."""

    reason: StallReason | None = None
    agency: str | None = None
    age: AgeBucket | None = None
    stage: Stage | None = None
    holder: str | None = None

    def store_filter(self, tree: AgencyTree) -> StalledFilter:
        return StalledFilter(reason=self.reason, agencies=agencies_under(tree, self.agency),
                             holder=known_agency(tree, self.holder, "holder"), age=self.age, stage=self.stage)

    def params(self) -> dict[str, str]:
        given = {"reason": self.reason, "agency": self.agency, "holder": self.holder, "age": self.age,
                 "stage": self.stage}
        return {name: str(value) for name, value in given.items() if value}


def _deadline(row: CaseDeadline, now: datetime) -> PastDeadlinePublic:
    reason = StallReason(row.reason)
    return PastDeadlinePublic(reason=reason, label_ar=label(reason, "ar"), label_en=label(reason, "en"),
                              urgency=urgency_of(reason), subject=row.subject, started_at=row.started_at,
                              due_at=row.due_at, days_past=age_days(row.due_at, now), on_record=row.on_record,
                              release_due=_makes_release_due(reason))


def _makes_release_due(reason: StallReason) -> bool:
    """A person's period past with no extension: by the rules, they are due for release (issue 13)."""
    rule = rulebook().clocks.get(reason.value)
    return rule is not None and rule.expiry is Expiry.release_due


def public(row: StalledRow, now: datetime) -> StalledCasePublic:
    case = row.case
    days = age_days(row.stalled_since, now)
    return StalledCasePublic(
        id=case.id, number=case.number, stage=Stage(case.stage), category=Category(case.category),
        offence=case.offence, owner_agency=case.owner_agency, in_transit=case.in_transit, urgency=row.urgency,
        urgent_since=row.urgent_since, stalled_since=row.stalled_since, days_stalled=days,
        age=bucket_of(days) or AgeBucket.days_0_30, on_record=all(d.on_record for d in row.deadlines),
        deadlines=[_deadline(d, now) for d in row.deadlines])


def page(actor: Actor, session: Session, tree: AgencyTree, query: StalledQuery, now: datetime, offset: int,
         limit: int) -> StalledPage:
    scope = scope_of(actor)
    total, rows = stalled_page(session, viewer_for(actor), scope, query.store_filter(tree), now, offset, limit)
    return StalledPage(items=[public(r, now) for r in rows], total=total, offset=offset, limit=limit, as_of=now)


def export_rows(actor: Actor, session: Session, tree: AgencyTree, query: StalledQuery, now: datetime
                ) -> Iterator[StalledCasePublic]:
    scope = scope_of(actor)
    for row in all_stalled(session, viewer_for(actor), scope, query.store_filter(tree), now):
        yield public(row, now)


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula is quoted as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text a line at a time, starting with a byte-order mark (spreadsheets then read the Arabic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def csv_export(items: Iterable[StalledCasePublic], tree: AgencyTree, language: str) -> Iterator[str]:
    def rows() -> Iterator[list[object]]:
        for item in items:
            holder = tree.by_code.get(item.owner_agency)
            yield [item.number, item.id, label(item.stage, language), item.owner_agency,
                   holder.name(language) if holder else item.owner_agency, label(item.urgency, language),
                   "; ".join(label_of(StallReason, d.reason, language) for d in item.deadlines),
                   item.stalled_since.isoformat(), item.days_stalled, "yes" if item.on_record else "no", item.offence]

    return csv_lines(CSV_COLUMNS, rows())
