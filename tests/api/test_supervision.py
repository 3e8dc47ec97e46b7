"""Supervision through the real services and real tokens: the dashboard's numbers equal what the read model
holds (worked out again in the test from the case rows' snapshots, by tests.support.supervision's oracle, not
by store.supervision), the issue's case 129 days past its stage's deadline is listed, each caller sees their
scope only, the filters, pages and CSV exports of the stalled list and of the lists behind the numbers.

Generated cases (decide/apply over fourteen months, some with their expiries on record and some behind) are
written into the stack's read model as the fold would write them; the stack's own cases (the other tests')
stay in it, and are counted too: the oracle reads every case row."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from core.access import viewer_for
from core.case import Actor, CaseState
from core.supervision import case_deadlines, overdue, supervision_scope
from store.agencies import load_agency_tree
from store.codec import state_from_json
from store.database import make_engine
from store.models import Case, CaseGrant
from tests.support import Api
from tests.support.procedure import DEMO_ACTORS
from tests.support.supervision import expected_figures, figures_from_dashboard, seed_read_model

pytestmark = pytest.mark.stack

WATCHERS = ("supervisor", "supervisor.tripoli", "chief.tripoli")


def _actor(username: str) -> Actor:
    return next(a for a in DEMO_ACTORS if a.username == username)


@pytest.fixture(scope="module")
def generated(settings: Settings) -> dict[str, CaseState]:
    """120 generated cases and the issue's 129-days case, in the stack's read model (no workflow behind them:
    exactly a case whose expiries nobody has recorded yet)."""
    states = seed_read_model(settings.db_url, 15, 120, datetime.now(UTC))
    return {s.case_id: s for s in states}


def _read_model(settings: Settings) -> tuple[list[CaseState], dict[str, list[str]]]:
    """Every case the read model holds, from its rows' snapshots, and the explicit grants."""
    engine = make_engine(settings.db_url)
    try:
        with Session(engine) as session:
            states = [state_from_json(row.snapshot) for row in session.scalars(select(Case))]
            grants: dict[str, list[str]] = defaultdict(list)
            for grant in session.scalars(select(CaseGrant)):
                grants[grant.case_id].append(grant.agency_code)
            return states, grants
    finally:
        engine.dispose()


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _whole_list(api: Api, user: str, path: str, limit: int = 50, **params: str) -> tuple[int, list[dict[str, Any]]]:
    """Every item of a paged list, a page at a time; the total as each page gives it (the same on every one)."""
    items: list[dict[str, Any]] = []
    totals = set()
    offset = 0
    while True:
        body = _ok(api.as_(user)("GET", path, params={**params, "offset": offset, "limit": limit}))
        totals.add(body["total"])
        items += body["items"]
        if len(body["items"]) < limit:
            break
        offset += limit
    assert len(totals) == 1, totals
    return totals.pop(), items


@pytest.mark.parametrize("username", WATCHERS)
def test_the_dashboard_numbers_equal_what_the_read_model_holds(api: Api, settings: Settings,
                                                               generated: dict[str, CaseState],
                                                               username: str) -> None:
    board = _ok(api.as_(username)("GET", "/api/v1/stats/dashboard"))
    as_of = datetime.fromisoformat(board["as_of"])
    states, grants = _read_model(settings)
    assert set(generated) <= {s.case_id for s in states}
    watcher = _actor(username)
    scope = supervision_scope(watcher)
    assert scope is not None
    # what the answer says the scope is: the caller's subtree, or every agency for the national supervisor
    assert board["scope"]["national"] == scope.national
    if not scope.national:
        assert set(board["scope"]["agencies"]) == set(scope.agencies)
    expected = expected_figures(states, grants, viewer_for(watcher), scope, as_of)
    assert figures_from_dashboard(board) == expected
    if username == "supervisor":
        assert expected["stalled_total"] >= 30 and expected["handoffs"] and expected["pendency"]
    # each part has its own route, with the same numbers (open cases do not change with the time)
    assert _ok(api.as_(username)("GET", "/api/v1/stats/open-cases")) == board["open_cases"]


def test_the_129_days_case_is_listed_not_yet_on_record(api: Api, generated: dict[str, CaseState]) -> None:
    case_id = next(i for i in generated if i.startswith("gen-129-"))
    for username in ("supervisor", "supervisor.tripoli", "chief.tripoli"):
        _, items = _whole_list(api, username, "/api/v1/stalled", reason="stage_sla", age="91-180")
        [item] = [i for i in items if i["id"] == case_id]
        sla = next(d for d in item["deadlines"] if d["reason"] == "stage_sla")
        assert (sla["days_past"], sla["on_record"], item["on_record"]) == (129, False, False)
        assert item["stage"] == "police_inquiry" and item["owner_agency"] == "station.tripoli.central"
    _, elsewhere = _whole_list(api, "chief.benghazi", "/api/v1/stalled")
    assert case_id not in {i["id"] for i in elsewhere}
    # the case's own page says it is stalled, and why, though nothing is on its record yet
    detail = _ok(api.as_("supervisor.tripoli")("GET", f"/api/v1/cases/{case_id}"))
    assert detail["stalled"] and "stage_sla" in detail["stalled_reasons"]


def test_each_caller_sees_their_scope_and_a_police_officer_is_refused(api: Api, settings: Settings,
                                                                      generated: dict[str, CaseState]) -> None:
    as_of = datetime.now(UTC)
    national_total, national = _whole_list(api, "supervisor", "/api/v1/stalled", limit=200)
    tripoli_total, tripoli = _whole_list(api, "supervisor.tripoli", "/api/v1/stalled", limit=200)
    engine = make_engine(settings.db_url)
    with Session(engine) as session:
        subtree = set(load_agency_tree(session).subtree("dir.tripoli"))
    engine.dispose()
    assert {i["owner_agency"] for i in tripoli} <= subtree
    assert {i["id"] for i in tripoli} == {i["id"] for i in national if i["owner_agency"] in subtree}
    assert 0 < tripoli_total < national_total
    # every case past a deadline (read straight from the snapshots) is on the national list
    states, _ = _read_model(settings)
    past = {s.case_id for s in states if s.case_id in generated and overdue(case_deadlines(s), as_of)}
    assert past <= {i["id"] for i in national}
    # outside one's scope, a filter finds nothing; an unknown agency is a clear 422
    outside = _ok(api.as_("supervisor.tripoli")("GET", "/api/v1/stalled",
                                                 params={"agency": "station.benghazi.central"}))
    assert outside["total"] == 0 and outside["items"] == []
    unknown = api.as_("supervisor")("GET", "/api/v1/stalled", params={"agency": "station.nowhere"})
    assert unknown.status_code == 422 and "unknown_agency" in unknown.text
    for path in ("/api/v1/stalled", "/api/v1/stalled.csv", "/api/v1/stats/dashboard", "/api/v1/stats/cases",
                 "/api/v1/stats/cases.csv", "/api/v1/stats/pendency"):
        refused = api.as_("officer.tripoli")("GET", path)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["code"] == "forbidden_role"
        assert api.as_(None)("GET", path).status_code == 401


def test_the_stalled_list_filters_pages_and_exports(api: Api, generated: dict[str, CaseState]) -> None:
    total, items = _whole_list(api, "supervisor", "/api/v1/stalled", limit=200)
    paged_total, paged = _whole_list(api, "supervisor", "/api/v1/stalled", limit=7)
    assert paged_total == total
    assert [i["id"] for i in paged] == [i["id"] for i in items]  # the same order, none lost or repeated
    assert len({i["id"] for i in paged}) == len(paged)
    rank = {"liberty": 0, "handoff": 1, "other": 2}
    keys = [(rank[i["urgency"]], i["urgent_since"]) for i in items]
    assert keys == sorted(keys)
    assert items[0]["urgency"] == "liberty"
    for reason in ("police_custody", "handoff_ack", "idle", "stage_sla"):
        _, only = _whole_list(api, "supervisor", "/api/v1/stalled", limit=200, reason=reason)
        assert only and all(any(d["reason"] == reason for d in i["deadlines"]) for i in only)
        assert {i["id"] for i in only} == {i["id"] for i in items if any(d["reason"] == reason
                                                                           for d in i["deadlines"])}
    for age in ("0-30", "91-180", "365+"):
        _, aged = _whole_list(api, "supervisor", "/api/v1/stalled", limit=200, age=age)
        assert {i["id"] for i in aged} == {i["id"] for i in items if i["age"] == age}
    bad = api.as_("supervisor")("GET", "/api/v1/stalled", params={"reason": "nonsense"})
    assert bad.status_code == 422

    exported = api.as_("supervisor")("GET", "/api/v1/stalled.csv", params={"reason": "idle", "lang": "ar"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    text = exported.text
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    _, idle = _whole_list(api, "supervisor", "/api/v1/stalled", limit=200, reason="idle")
    assert rows[0][:2] == ["number", "case_id"]
    assert [r[1] for r in rows[1:]] == [i["id"] for i in idle]
    assert any("توقف" in r[6] for r in rows[1:])  # reasons in the language asked for


def test_every_number_drills_down_to_a_list_of_that_size_with_its_csv(api: Api,
                                                                      generated: dict[str, CaseState]) -> None:
    board = _ok(api.as_("supervisor.tripoli")("GET", "/api/v1/stats/dashboard"))
    numbers = [board["open_cases"]["total"], *board["open_cases"]["by_stage"], *board["stalled"]["by_reason"],
               *board["stalled"]["by_age"], *board["pendency"]["by_age"], board["handoffs"]["waiting"]]
    assert len(numbers) > 10
    for number in numbers:
        path, _, query = number["href"].partition("?")
        params = dict(parse_qsl(query))
        listed = _ok(api.as_("supervisor.tripoli")("GET", path, params={**params, "limit": 1}))
        assert listed["total"] == number["count"], number
    # the cases open in their stage for 91 to 180 days, as CSV: one line per case, as many as the number
    pendency = next(c for c in board["pendency"]["by_age"] if c["key"] == "91-180")
    path, _, query = pendency["href"].partition("?")
    exported = api.as_("supervisor.tripoli")("GET", f"{path}.csv?{query}")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert len(rows) - 1 == pendency["count"] > 0


def test_a_supervision_note_is_kept_on_the_case_and_refused_to_others(api: Api) -> None:
    report = {"offence": "سرقة دراجة نارية", "category": "misdemeanour", "place": "طرابلس", "narrative": "…",
              "occurred_at": datetime.now(UTC).isoformat(), "parties": [{"role": "suspect", "name": "مجهول"}]}
    created = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    note = "  لا نشاط منذ البلاغ:\r\nما سبب التأخير؟ "
    noted = api.as_("supervisor.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/add_supervision_note",
                                          json={"note": note})
    assert noted.status_code == 200, noted.text
    detail = _ok(api.as_("supervisor.tripoli")("GET", f"/api/v1/cases/{case_id}"))
    [kept] = detail["supervision_notes"]
    assert (kept["text"], kept["by"], kept["agency"]) == ("لا نشاط منذ البلاغ:\nما سبب التأخير؟", "supervisor.tripoli",
                                                         "dir.tripoli")
    assert any(e["name"] == "add_supervision_note" for e in detail["timeline"])
    assert detail["stage"] == "police_inquiry"  # the note moves nothing
    # the officer who holds it reads the note; neither they nor a supervisor elsewhere may write one
    assert _ok(api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}"))["supervision_notes"] == [kept]
    for user in ("officer.tripoli", "chief.benghazi"):
        refused = api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/add_supervision_note",
                                json={"note": "ملاحظة"})
        assert refused.status_code in (403, 404), (user, refused.text)
    empty = api.as_("supervisor.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/add_supervision_note",
                                          json={"note": "   "})
    assert empty.status_code == 422, empty.text
    again = _ok(api.as_("supervisor.tripoli")("GET", f"/api/v1/cases/{case_id}"))
    assert len(again["supervision_notes"]) == 1


def test_reading_the_figures_and_the_lists_is_audited_refusals_too(api: Api) -> None:
    since = datetime.now(UTC).isoformat()
    assert api.as_("supervisor.tripoli")("GET", "/api/v1/stats/pendency").status_code == 200
    assert api.as_("supervisor.tripoli")("GET", "/api/v1/stalled", params={"reason": "idle"}).status_code == 200
    assert api.as_("officer.tripoli")("GET", "/api/v1/stalled").status_code == 403

    def audit(**params: str) -> list[dict[str, Any]]:
        return list(_ok(api.as_("auditor")("GET", "/api/v1/audit", params={"from": since, **params}))["items"])

    [read] = audit(username="supervisor.tripoli", action="stats.read")
    assert read["outcome"] == "ok" and read["detail"]["figure"] == "pendency"
    [listed] = audit(username="supervisor.tripoli", action="case.list")
    assert listed["detail"]["view"] == "stalled" and listed["detail"]["reason"] == "idle"
    assert isinstance(listed["detail"]["hits"], int)
    [refused] = audit(username="officer.tripoli", action="case.list")
    assert refused["outcome"] == "refused:forbidden_role"
