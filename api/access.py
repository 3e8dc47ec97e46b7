"""core.access.may_see as SQL: every case query starts from `readable_statement(viewer)`."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, false, or_, select

from activities.models import Case, CaseAgency
from core.access import Viewer


def readable_statement(viewer: Viewer) -> Select[tuple[Case]]:
    statement = select(Case)
    if viewer.sees_nothing:
        return statement.where(false())
    conditions = []
    if viewer.agencies:
        conditions.append(exists().where(and_(CaseAgency.case_id == Case.id,
                                              CaseAgency.agency_code.in_(sorted(viewer.agencies)))))
    if viewer.national:
        conditions.append(Case.sensitivity != "sealed")
    return statement.where(or_(*conditions))
