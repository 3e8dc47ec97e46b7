"""core.access.may_see as SQL: every case query starts from `readable_statement(viewer)`."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, update
from sqlalchemy.orm import Session

from core.access import Viewer
from core.vocabulary import Sensitivity
from store.models import Case, CaseAgency, CaseGrant


def readable_statement(viewer: Viewer) -> Select[Case]:
    statement = select(Case)
    if viewer.sees_nothing:
        return statement.where(false())
    conditions: list[ColumnElement[bool]] = []
    if viewer.agencies:
        agencies = sorted(viewer.agencies)
        # the case's holders: agencies that held it, and agencies granted it
        conditions.append(exists().where(and_(CaseAgency.case_id == Case.id, CaseAgency.agency_code.in_(agencies))))
        conditions.append(exists().where(and_(CaseGrant.case_id == Case.id, CaseGrant.agency_code.in_(agencies))))
    if viewer.national:
        conditions.append(Case.sensitivity != Sensitivity.sealed.value)
    return statement.where(or_(*conditions))


def granted_agencies(session: Session, case_id: str) -> list[str]:
    """The agencies holding an explicit grant on the case (the `granted` argument of may_see)."""
    return sorted(session.scalars(select(CaseGrant.agency_code).where(CaseGrant.case_id == case_id)))


def bump_access_revision(session: Session, case_id: str) -> None:
    """Count a grant change on the case row, in the change's own transaction. The UPDATE locks the row
    that recording an action locks first, so an action's search document built before the change
    carries the older revision and loses to the change's document (search.documents.document_version)."""
    session.execute(update(Case).where(Case.id == case_id).values(access_revision=Case.access_revision + 1))
