"""Faults under load, through the real services: a process killed with SIGKILL in the middle of concurrent
actions, the search engine stopped for half a minute, the login service stopped. What a client was told
happened, happened exactly once; nothing is lost; every projection converges; every figure is written to
tests/artifacts/reliability/ for the closing note.

The clients behave as a careful integration would: each action carries its own Idempotency-Key and is
retried with that key, on a broken connection or a 5xx, until it is answered.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from opensearchpy import OpenSearch

from config.settings import Settings
from infra import procs
from infra.keycloak import KeycloakService
from infra.launcher import Launcher
from infra.mizan_services import ApiService, WorkerService
from infra.opensearch import OpenSearchService
from infra.service import Service
from search.indices import cases_alias
from tests.support import Tokens, wait_for

pytestmark = [pytest.mark.stack, pytest.mark.reliability]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reliability"
ACTIONS = 200
CLIENTS = 20
CASES = 20
ANSWER_DEADLINE_SECONDS = 240.0


@dataclass
class Figures:
    """What a fault run measured: the closing note's numbers."""

    fault: str
    actions: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    server_errors: int = 0
    retries: int = 0
    #: per fault: from the fault to the first answer to an action sent after it
    recovery_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def write(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{self.fault}.json").write_text(json.dumps(asdict(self), indent=2) + "\n")
        print(f"\n{self.fault}: {json.dumps(asdict(self))}")


class Client:
    """One integration's HTTP client: its own key per action, retried until answered or the deadline."""

    def __init__(self, settings: Settings, tokens: Tokens, figures: Figures) -> None:
        self._base, self._tokens, self._figures = settings.api_url, tokens, figures
        self._lock = threading.Lock()

    def _note_failure(self) -> None:
        with self._lock:
            self._figures.retries += 1

    def post(self, user: str, path: str, body: dict[str, object], key: str) -> httpx.Response | None:
        deadline = time.monotonic() + ANSWER_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            try:
                response = httpx.post(self._base + path, json=body, timeout=60, headers={
                    "Authorization": f"Bearer {self._tokens(user)}", "Idempotency-Key": key})
            except httpx.HTTPError:
                self._note_failure()
                time.sleep(0.5)
                continue
            if response.status_code >= 500:
                with self._lock:
                    self._figures.server_errors += response.status_code not in (502, 503, 504)
                self._note_failure()
                time.sleep(0.5)
                continue
            return response
        return None


def _report() -> dict[str, object]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "اختبار الأعطال",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "parties": []}


def _open_cases(settings: Settings, tokens: Tokens, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {tokens('officer.tripoli')}"}
    ids = []
    for _ in range(count):
        response = httpx.post(f"{settings.api_url}/api/v1/cases", json=_report(), headers=headers, timeout=60)
        assert response.status_code == 201, response.text
        ids.append(str(response.json()["id"]))
    return ids


def _case(settings: Settings, tokens: Tokens, case_id: str) -> dict:
    response = httpx.get(f"{settings.api_url}/api/v1/cases/{case_id}", timeout=60,
                         headers={"Authorization": f"Bearer {tokens('officer.tripoli')}"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _kill(settings: Settings, name: str) -> None:
    pid = procs.live_pid(settings.run_dir, name)
    assert pid is not None, f"{name} is not running"
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: not procs.alive(pid), timeout=30)


def _start(settings: Settings, service: Service) -> None:
    """What `./mizan up`'s supervision does after a crash: start it again."""
    Launcher(settings, stages=[[service]], say=lambda _: None).up()


def _drive(client: Client, cases: list[str], figures: Figures, on_progress: Callable[[int], None],
           answers: list[tuple[float, float]]) -> dict[str, str]:
    """ACTIONS add_party actions, CLIENTS at a time, each named uniquely: name -> the case it was sent to,
    for those answered 200; `answers` gets (sent, answered) monotonic times."""
    acknowledged: dict[str, str] = {}
    done = 0
    lock = threading.Lock()

    def one(n: int) -> None:
        nonlocal done
        name, case_id = f"شاهد {n} {uuid.uuid4().hex[:8]}", cases[n % len(cases)]
        sent = time.monotonic()
        response = client.post("officer.tripoli", f"/api/v1/cases/{case_id}/actions/add_party",
                               {"role": "witness", "name": name}, uuid.uuid4().hex)
        with lock:
            done += 1
            if response is not None and response.status_code == 200:
                acknowledged[name] = case_id
                answers.append((sent, time.monotonic()))
            progress = done
        on_progress(progress)

    figures.actions = ACTIONS
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one, range(ACTIONS)))
    figures.acknowledged = len(acknowledged)
    return acknowledged


def _search_document(settings: Settings, case_id: str) -> dict | None:
    client = OpenSearch(hosts=[settings.opensearch_url], timeout=10)
    found = client.search(index=cases_alias(), body={"query": {"term": {"case_id": case_id}}})["hits"]["hits"]
    return found[0]["_source"] if found else None


def _check_exactly_once(settings: Settings, tokens: Tokens, cases: list[str], acknowledged: dict[str, str],
                        figures: Figures) -> None:
    """Every acknowledged action once in the timeline and the read model; the index converges on both."""
    lost = duplicated = 0
    for case_id in cases:
        case = _case(settings, tokens, case_id)
        in_timeline = Counter(e["fields"].get("name") for e in case["timeline"] if e["name"] == "add_party")
        in_parties = Counter(p["name"] for p in case["parties"])
        for name, target in acknowledged.items():
            if target == case_id:
                lost += in_timeline[name] == 0 or in_parties[name] == 0
        duplicated += sum(1 for count in in_timeline.values() if count > 1)
        duplicated += sum(1 for count in in_parties.values() if count > 1)

        def converged(case_id: str = case_id, case: dict = case) -> bool:
            document = _search_document(settings, case_id)
            return document is not None and sorted(document["names"]) == sorted(p["name"] for p in case["parties"])

        wait_for(converged, timeout=120, interval=1)
    figures.lost, figures.duplicated = lost, duplicated


@pytest.fixture
def client_for(settings: Settings, tokens: Tokens) -> Iterator[Callable[[Figures], Client]]:
    yield lambda figures: Client(settings, tokens, figures)


def test_a_killed_worker_then_a_killed_api_lose_and_double_nothing(settings: Settings, tokens: Tokens,
                                                                   client_for: Callable[[Figures], Client]) -> None:
    figures = Figures("kill-9")
    cases = _open_cases(settings, tokens, CASES)
    client = client_for(figures)
    kills: list[tuple[str, float]] = []
    answers: list[tuple[float, float]] = []

    def fault(progress: int) -> None:
        # the worker at a quarter of the way, the API at the half; each started again as supervision would
        if progress == ACTIONS // 4 and not kills:
            kills.append(("worker", time.monotonic()))
            _kill(settings, "worker")
            threading.Timer(2.0, _start, (settings, WorkerService(settings))).start()
        elif progress == ACTIONS // 2 and len(kills) == 1:
            kills.append(("api", time.monotonic()))
            _kill(settings, "api")
            threading.Timer(2.0, _start, (settings, ApiService(settings))).start()

    started = time.monotonic()
    acknowledged = _drive(client, cases, figures, fault, answers)
    figures.seconds = round(time.monotonic() - started, 1)
    assert [name for name, _ in kills] == ["worker", "api"]
    figures.recovery_seconds = [round(min(answered for sent, answered in answers if sent >= at) - at, 1)
                                for _, at in kills]
    _check_exactly_once(settings, tokens, cases, acknowledged, figures)
    figures.write()
    assert figures.acknowledged == ACTIONS, "every action is answered once the services are back"
    assert (figures.lost, figures.duplicated, figures.server_errors) == (0, 0, 0)


def test_actions_go_on_while_search_is_down_and_the_index_converges(settings: Settings, tokens: Tokens,
                                                                   client_for: Callable[[Figures], Client]) -> None:
    figures = Figures("opensearch-down-30s")
    cases = _open_cases(settings, tokens, 5)
    client = client_for(figures)
    search = OpenSearchService(settings)
    Launcher(settings, stages=[[search]], say=lambda _: None)._stop([search.name])
    stopped = time.monotonic()
    acknowledged: dict[str, str] = {}
    slowest: list[float] = []
    try:
        n = 0
        while time.monotonic() - stopped < 30:
            name, case_id = f"شاهد {n} {uuid.uuid4().hex[:8]}", cases[n % len(cases)]
            started = time.monotonic()
            response = client.post("officer.tripoli", f"/api/v1/cases/{case_id}/actions/add_party",
                                   {"role": "witness", "name": name}, uuid.uuid4().hex)
            assert response is not None and response.status_code == 200, response.text if response else "no answer"
            slowest.append(round(time.monotonic() - started, 2))
            acknowledged[name] = case_id
            n += 1
        # a search meanwhile says what is wrong, in both languages
        searched = httpx.get(f"{settings.api_url}/api/v1/search", params={"q": "شاهد"}, timeout=60,
                             headers={"Authorization": f"Bearer {tokens('investigator')}"})
        assert searched.status_code == 503 and searched.json()["error"]["code"] == "search_unavailable"
    finally:
        _start(settings, search)
    figures.actions = figures.acknowledged = len(acknowledged)
    figures.seconds = round(time.monotonic() - stopped, 1)
    figures.recovery_seconds = sorted(slowest)[-1:]  # the slowest answer while it was down
    _check_exactly_once(settings, tokens, cases, acknowledged, figures)
    figures.write()
    assert (figures.lost, figures.duplicated, figures.server_errors) == (0, 0, 0)


def test_valid_tokens_keep_working_while_the_login_service_is_down(settings: Settings, tokens: Tokens) -> None:
    figures = Figures("keycloak-down")
    token = tokens("officer.tripoli")  # issued while Keycloak is up
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{settings.api_url}/api/v1/cases", headers=headers, timeout=60).status_code == 200
    keycloak = KeycloakService(settings)
    Launcher(settings, stages=[[keycloak]], say=lambda _: None)._stop([keycloak.name])
    stopped = time.monotonic()
    try:
        # the API checks tokens against the realm's keys it already holds: what was issued keeps working
        case = httpx.get(f"{settings.api_url}/api/v1/cases", headers=headers, timeout=60)
        assert case.status_code == 200, case.text
        figures.actions = figures.acknowledged = 1

        # a new login cannot happen: the web says so, in the person's language, instead of a browser error
        def refused_login() -> httpx.Response | None:
            response = httpx.get(f"{settings.api_url}/web/login", timeout=60, follow_redirects=False)
            return response if response.status_code == 503 else None

        login = wait_for(refused_login, timeout=30, interval=1)
        assert 'data-reason="login_unavailable"' in login.text and "تسجيل الدخول غير متاح الآن" in login.text
        english = httpx.get(f"{settings.api_url}/web/login", cookies={"mizan_lang": "en"}, timeout=60)
        assert "Logging in is not possible right now" in english.text
    finally:
        _start(settings, keycloak)
        figures.recovery_seconds = [round(time.monotonic() - stopped, 1)]
    figures.write()
