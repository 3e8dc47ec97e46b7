"""Loads the demo agencies into the read model (idempotent)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from activities.database import session_scope
from activities.models import Agency
from core.settings import Settings
from infra.demo import AGENCIES


def upsert_agencies(session: Session) -> int:
    changed = 0
    for demo in AGENCIES:  # parents come first in AGENCIES
        row = session.get(Agency, demo.code)
        values = dict(kind=demo.kind, name_ar=demo.name_ar, name_en=demo.name_en, parent=demo.parent,
                      region=demo.region)
        if row is None:
            session.add(Agency(code=demo.code, **values))
            session.flush()
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    return changed


def load_demo_agencies(settings: Settings | None = None) -> None:
    with session_scope() as session:
        upsert_agencies(session)
