"""The agency tree in the read model: loaded as core.agencies.AgencyTree, and kept in step with a list
of agencies (the demo set of infra.demo, loaded by `./mizan up`). Idempotent."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agencies import Agency, AgencyTree
from core.case import AgencyRef
from core.vocabulary import AgencyKind, CourtLevel
from store.models import AgencyRow


def agency_of(row: AgencyRow) -> Agency:
    return Agency(row.code, AgencyKind(row.kind), row.name_ar, row.name_en, row.parent, row.region,
                  CourtLevel(row.level) if row.level else None, row.appeals_to,
                  row.short_code or "")


def load_agency_tree(session: Session) -> AgencyTree:
    return AgencyTree(agency_of(row) for row in session.scalars(select(AgencyRow)))


def agency_refs(session: Session) -> list[AgencyRef]:
    """Every agency as an action's agency field resolves it (what a hand-off may be addressed to)."""
    return [agency.ref() for agency in load_agency_tree(session).by_code.values()]


def upsert_agencies(session: Session, agencies: Iterable[Agency]) -> int:
    """Create or update each agency (parents, and the courts of appeal that others name, before them); how many
    rows changed."""
    changed = 0
    for agency in agencies:
        row = session.get(AgencyRow, agency.code)
        values = dict(kind=agency.kind, name_ar=agency.name_ar, name_en=agency.name_en, parent=agency.parent,
                      region=agency.region, level=agency.level, appeals_to=agency.appeals_to,
                      short_code=agency.short_code)
        if row is None:
            session.add(AgencyRow(code=agency.code, **values))
            session.flush()
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    return changed
