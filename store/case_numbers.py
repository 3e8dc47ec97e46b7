"""Case numbers: per agency and year, `<agency>/<year>/<nnnnn>`, never reused."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.case_numbers import stored_number
from store.models import CaseNumber, CaseNumberReservation


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
    return stored_number(agency, year, last)


def number_for_case(session: Session, case_id: str, agency: str, year: int) -> str:
    """The case's number: the one it was given before (a retry of its opening or severance), or the next of the
    agency's year, reserved for it in the same transaction. A register's numbers are consecutive: a retry never
    draws a second number and leaves the first one unused."""
    given = session.get(CaseNumberReservation, case_id)
    if given is not None:
        return given.number
    try:
        with session.begin_nested():  # the draw and the reservation together, or neither
            number = allocate_number(session, agency, year)
            session.add(CaseNumberReservation(case_id=case_id, number=number))
    except IntegrityError:  # a concurrent retry of the same case reserved first: its number, and ours undrawn
        reserved = session.get(CaseNumberReservation, case_id)
        assert reserved is not None
        return reserved.number
    return number
