"""The request's transaction commits before its answer is sent: a write whose commit fails is never answered
with success, and a client's next request reads what the previous one wrote (CI once read an inbox's
unread count before the "read all" that had already answered 200 was committed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import deps
from api.deps import SessionDep


def _app(events: list[str]) -> FastAPI:
    app = FastAPI()

    @app.post("/write")
    def write(session: SessionDep) -> dict[str, Any]:
        events.append("route returned")
        return {"written": True}

    @app.middleware("http")
    async def note_the_answer(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        events.append("answer sent")
        return response

    return app


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    @contextmanager
    def scope() -> Iterator[object]:
        yield object()
        seen.append("committed")

    monkeypatch.setattr(deps, "session_scope", scope)
    return seen


def test_the_transaction_commits_before_the_answer_is_sent(events: list[str]) -> None:
    answer = TestClient(_app(events)).post("/write")
    assert answer.status_code == 200
    assert events == ["route returned", "committed", "answer sent"]


def test_a_write_whose_commit_fails_is_not_answered_as_done(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def failing() -> Iterator[object]:
        yield object()
        raise RuntimeError("the database refused the commit")

    monkeypatch.setattr(deps, "session_scope", failing)
    answer = TestClient(_app([]), raise_server_exceptions=False).post("/write")
    assert answer.status_code == 500
