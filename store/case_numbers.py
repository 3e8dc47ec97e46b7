"""Case numbers: per agency and year, `<agency>/<year>/<nnnnn>`, never reused."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import CaseNumber


def allocate_number(session: Session, agency: str, year: int) -> str:
    """The next number of the agency's year. One atomic UPDATE … RETURNING: SQLite ignores
    SELECT … FOR UPDATE, and two concurrent openings must never draw the same number."""
    bump = (update(CaseNumber).where(CaseNumber.agency == agency, CaseNumber.year == year)
            .values(last=CaseNumber.last + 1).returning(CaseNumber.last))
    last = session.scalar(bump)
    if last is None:
        try:
            with session.begin_nested():
                session.add(CaseNumber(agency=agency, year=year, last=1))
            last = 1
        except IntegrityError:  # another opening created the counter first
            last = session.scalar(bump)
    assert last is not None
    return f"{agency}/{year}/{last:05d}"
