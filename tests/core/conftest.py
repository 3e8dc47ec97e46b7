"""The procedure's states for the table-driven tests: random walks through the procedure and the paths they
seldom finish, each state with what `decide()` accepts there from every demo user (computed once a session)."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.case import CaseState
from tests.support.procedure import Explored, explore, paths, walk

WALKS = 8
STEPS = 30

Walked = list[tuple[CaseState, datetime, Explored]]


@pytest.fixture(scope="session")
def walked() -> Walked:
    states = [found for seed in range(WALKS) for found in walk(seed, STEPS)]
    states += [(state, now, explore(state, now)) for state, now in paths()]
    return states
