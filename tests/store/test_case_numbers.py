"""Case numbers: per agency and year, never drawn twice, even by concurrent openings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.case_numbers import allocate_number, number_for_case


def test_concurrent_openings_draw_distinct_consecutive_numbers(db_engine: Engine) -> None:
    def draw(_: int) -> str:
        with Session(db_engine) as session, session.begin():
            return allocate_number(session, "station.tripoli.central", 2026)

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(draw, range(40)))
    assert sorted(numbers) == [f"station.tripoli.central/2026/{n:05d}" for n in range(1, 41)]
    with Session(db_engine) as session, session.begin():
        assert allocate_number(session, "station.benghazi.central", 2026).endswith("/00001")
        assert allocate_number(session, "station.tripoli.central", 2027).endswith("/2027/00001")


def test_a_retried_opening_keeps_its_number_and_skips_none(db_engine: Engine) -> None:
    """An opening or a severance retried (the same case id) finds the number reserved for it: the register's
    next number goes to the next case, so no number is left unused."""
    def reserve(case_id: str) -> str:
        with Session(db_engine) as session, session.begin():
            return number_for_case(session, case_id, "station.misrata.central", 2026)

    first = reserve("case-a")
    with ThreadPoolExecutor(max_workers=8) as pool:  # retries racing each other
        again = set(pool.map(lambda _: reserve("case-a"), range(16)))
    assert again == {first} and first.endswith("/2026/00001")
    assert reserve("case-b").endswith("/2026/00002")
    with Session(db_engine) as session, session.begin():
        assert allocate_number(session, "station.misrata.central", 2026).endswith("/00003")
