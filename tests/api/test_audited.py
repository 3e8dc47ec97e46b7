"""audit_trail.audited: the records it writes are the ones the endpoints wrote out by hand (no services needed)."""

from __future__ import annotations

from typing import Any

import pytest

from api import audit_trail
from core.case import Actor
from core.refusal import Refusal

ACTOR = Actor("s", ["supervisor"], "moj", "ministry")


@pytest.fixture
def records(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    written: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(audit_trail, "record", lambda actor, request, action, **kw: written.append((action, kw)))
    return written


def test_an_answer_is_recorded_with_what_it_adds_after_the_detail(records: list[tuple[str, dict[str, Any]]]) -> None:
    detail: dict[str, Any] = {"view": "stalled", "offset": 0}
    found = audit_trail.audited(ACTOR, None, "case.list", detail, lambda: [1, 2, 3],
                                adds=lambda rows: {"page": 1, "hits": len(rows)})
    assert found == [1, 2, 3]
    assert records == [("case.list", {"case_id": None, "detail": {"view": "stalled", "offset": 0, "page": 1,
                                                                  "hits": 3}})]
    assert list(records[0][1]["detail"]) == ["view", "offset", "page", "hits"]
    assert detail == {"view": "stalled", "offset": 0}  # the caller's detail is not changed


def test_without_adds_the_detail_is_recorded_as_given(records: list[tuple[str, dict[str, Any]]]) -> None:
    audit_trail.audited(ACTOR, None, "case.read", None, lambda: "case", case_id="c1")
    audit_trail.audited(ACTOR, None, "certificate.read", {"certificate_id": "x"}, lambda: "row")
    assert records == [("case.read", {"case_id": "c1", "detail": None}),
                       ("certificate.read", {"case_id": None, "detail": {"certificate_id": "x"}})]


def test_a_refusal_is_recorded_with_the_detail_as_it_stood_and_raised_again(
        records: list[tuple[str, dict[str, Any]]]) -> None:
    detail: dict[str, Any] = {"view": "web.stalled"}
    refusal = Refusal("forbidden_role", 403, "no", "لا")

    def run() -> int:
        detail["reason"] = "sla"  # filled in before the refusal, as the web lists do
        raise refusal

    with pytest.raises(Refusal) as raised:
        audit_trail.audited(ACTOR, None, "case.list", detail, run, adds=lambda n: {"hits": n}, case_id="c1")
    assert raised.value is refusal
    assert records == [("case.list", {"case_id": "c1", "outcome": "refused:forbidden_role",
                                      "detail": {"view": "web.stalled", "reason": "sla"}})]


def test_other_errors_pass_unrecorded(records: list[tuple[str, dict[str, Any]]]) -> None:
    def run() -> int:
        raise RuntimeError("index down")

    with pytest.raises(RuntimeError):
        audit_trail.audited(ACTOR, None, "case.list", {}, run)
    assert records == []
