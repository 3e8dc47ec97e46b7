"""The failover test under load, on the cluster profile (`./mizan failover --cluster`; figures into
bench/results/failover-<time>.{json,md}).

While clients send actions continuously through the load balancer (each action with its own Idempotency-Key,
retried with it until answered, as a careful integration does), it takes away, one after another:
one API process (SIGKILL), one worker (SIGKILL), one OpenSearch node (stopped), and Keycloak for 60 s; and
brings each back. (A PostgreSQL restart was tried as a fifth fault and left out: stopping its process group left
a postmaster.pid behind and the restart hung.) Then it checks every acknowledged action is exactly once in the
case's timeline, its read model and its search document, and that the index converged.

For each fault: how long until actions were answered again (the first answer to an action sent after the
fault), the slowest answer in its window, how many attempts were retried, and how long until the service was
back in its place (the API back behind the balancer, the search cluster green, Keycloak issuing tokens...).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from config.settings import Settings, get_settings
from infra import procs
from infra.demo import DEMO_PASSWORD
from infra.launcher import Launcher
from infra.service import Service

RESULTS = Path(__file__).resolve().parent / "results"
CLIENTS = 6
CASES = 12
#: each fault's window: load before it, the fault itself, and after the service is back
SETTLE_SECONDS = 10.0
KEYCLOAK_DOWN_SECONDS = 60.0
OPENSEARCH_DOWN_SECONDS = 30.0
ANSWER_DEADLINE_SECONDS = 300.0
USER = "officer.tripoli"


@dataclass
class Fault:
    name: str
    what: str
    at: float = 0.0
    restored_at: float = 0.0
    #: from the fault to the first answer to an action sent after it
    answers_again_after_seconds: float | None = None
    #: from the fault to the service back in its place (healthy, in rotation, cluster green)
    recovered_after_seconds: float | None = None
    slowest_answer_seconds: float = 0.0
    answered_in_window: int = 0
    retried_in_window: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    started_at: str
    seconds: float = 0.0
    clients: int = CLIENTS
    cases: int = CASES
    actions_sent: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicated_timeline: int = 0
    duplicated_read_model: int = 0
    duplicated_index: int = 0
    index_converged: bool = False
    index_converged_after_seconds: float | None = None
    server_errors: int = 0
    retries: int = 0
    faults: list[Fault] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)


class Load:
    """CLIENTS threads sending add_party actions until stopped; each action retried with its own key."""

    def __init__(self, settings: Settings, token: Callable[[], str], cases: list[str], report: Report) -> None:
        self.settings, self.token, self.cases, self.report = settings, token, cases, report
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: dict[str, str] = {}
        #: (sent, answered) of every acknowledged action; (time) of every retried attempt
        self.answers: list[tuple[float, float]] = []
        self.retries: list[float] = []
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)]
        self.failures: list[str] = []

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=ANSWER_DEADLINE_SECONDS + 10)

    def _client(self, n: int) -> None:
        with httpx.Client(base_url=self.settings.api_url, timeout=60) as http:
            sent_count = 0
            while not self.stop.is_set():
                name = f"شاهد {n}-{sent_count} {uuid.uuid4().hex[:8]}"
                case_id = self.cases[(n + sent_count * CLIENTS) % len(self.cases)]
                sent_count += 1
                self._one(http, name, case_id)

    def _one(self, http: httpx.Client, name: str, case_id: str) -> None:
        key, sent = uuid.uuid4().hex, time.monotonic()
        with self.lock:
            self.report.actions_sent += 1
        deadline = sent + ANSWER_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            try:
                response = http.post(f"/api/v1/cases/{case_id}/actions/add_party",
                                     json={"role": "witness", "name": name},
                                     headers={"Authorization": f"Bearer {self.token()}", "Idempotency-Key": key})
            except httpx.HTTPError:
                self._retried()
                time.sleep(0.5)
                continue
            if response.status_code >= 500:
                with self.lock:
                    self.report.server_errors += response.status_code not in (502, 503, 504)
                self._retried()
                time.sleep(0.5)
                continue
            if response.status_code == 200:
                with self.lock:
                    self.acknowledged[name] = case_id
                    self.answers.append((sent, time.monotonic()))
            else:
                with self.lock:
                    self.failures.append(f"{response.status_code} {response.text[:200]}")
            return
        with self.lock:
            self.failures.append(f"no answer within {ANSWER_DEADLINE_SECONDS:.0f} s")

    def _retried(self) -> None:
        with self.lock:
            self.retries.append(time.monotonic())
            self.report.retries += 1


class Tokens:
    """One access token for the load's user, fetched again a minute before it ends (never while Keycloak is
    down: the fault's window is shorter than the token's life, so the one fetched before it is used)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.value, self.until = "", 0.0

    def refresh(self) -> None:
        response = httpx.post(f"{self.settings.issuer}/protocol/openid-connect/token", timeout=30, data={
            "grant_type": "password", "client_id": self.settings.cli_client_id, "username": USER,
            "password": DEMO_PASSWORD})
        response.raise_for_status()
        body = response.json()
        self.value, self.until = body["access_token"], time.monotonic() + float(body["expires_in"])

    def __call__(self) -> str:
        with self.lock:
            if time.monotonic() > self.until - 60:
                try:
                    self.refresh()
                except httpx.HTTPError:
                    pass  # Keycloak away: the token held still has a minute or more
            return self.value


def _service(settings: Settings, name: str) -> Service:
    for svc in Launcher(settings).services:
        if svc.name == name:
            return svc
    raise KeyError(name)


def _kill(settings: Settings, name: str) -> None:
    pid = procs.live_pid(settings.run_dir, name)
    if pid is None:
        raise RuntimeError(f"{name} is not running")
    os.killpg(pid, signal.SIGKILL)
    while procs.alive(pid):
        time.sleep(0.1)


def _kill_worker(settings: Settings, name: str) -> None:
    """SIGKILL, and its heartbeat file gone with it: the worker is back only once the new process writes one
    (the killed one's file would still look fresh for a few intervals)."""
    from infra.cluster.mizan import ClusterWorker

    worker = _service(settings, name)
    _kill(settings, name)
    assert isinstance(worker, ClusterWorker)
    worker.heartbeat_file.unlink(missing_ok=True)


def _stop(settings: Settings, name: str) -> None:
    Launcher(settings, stages=[[_service(settings, name)]], say=lambda _: None)._stop([name])


def _start(settings: Settings, name: str) -> None:
    Launcher(settings, stages=[[_service(settings, name)]], say=lambda _: None).up()


def _wait(predicate: Callable[[], bool], timeout: float, interval: float = 0.5) -> float | None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if predicate():
                return time.monotonic() - t0
        except Exception:  # a probe of a service coming back: not answering yet
            pass
        time.sleep(interval)
    return None


def _cluster_green(settings: Settings) -> bool:
    with httpx.Client(timeout=5) as http:
        return bool(http.get(f"{settings.opensearch_url}/_cluster/health").json()["status"] == "green")


def _in_rotation(settings: Settings, api: str) -> bool:
    from infra.cluster.mizan import LoadBalancer

    return LoadBalancer(settings).backend_states().get(api) == "UP"


def _run_fault(load: Load, fault: Fault, inject: Callable[[], None], restore: Callable[[], None],
               back: Callable[[], bool], say: Callable[[str], None]) -> None:
    time.sleep(SETTLE_SECONDS)
    say(f"fault {fault.name}: {fault.what}")
    fault.at = time.monotonic()
    inject()
    restore()
    fault.restored_at = time.monotonic()
    took = _wait(back, timeout=300)
    fault.recovered_after_seconds = round(time.monotonic() - fault.at, 1) if took is not None else None
    time.sleep(SETTLE_SECONDS)
    end = time.monotonic()
    with load.lock:
        after = [answered for sent, answered in load.answers if sent >= fault.at]
        window = [(sent, answered) for sent, answered in load.answers if fault.at <= answered <= end]
        fault.answers_again_after_seconds = round(min(after) - fault.at, 2) if after else None
        fault.slowest_answer_seconds = round(max((a - s for s, a in window), default=0.0), 2)
        fault.answered_in_window = len(window)
        fault.retried_in_window = sum(1 for at in load.retries if fault.at <= at <= end)
    say(f"fault {fault.name}: {json.dumps(asdict(fault), ensure_ascii=False)}")


def _report_body(n: int) -> dict[str, Any]:
    return {"offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": f"اختبار التعافي {n}",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "parties": []}


def _check(settings: Settings, token: Callable[[], str], load: Load, report: Report,
           say: Callable[[str], None]) -> None:
    """Every acknowledged action once in the timeline and the read model; the index converges on both."""
    from search.client import get_client
    from search.indices import cases_alias

    headers = {"Authorization": f"Bearer {token()}"}
    cases: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=settings.api_url, timeout=60, headers=headers) as http:
        for case_id in load.cases:
            response = http.get(f"/api/v1/cases/{case_id}")
            response.raise_for_status()
            cases[case_id] = response.json()
    for case_id, case in cases.items():
        timeline = Counter(e["fields"].get("name") for e in case["timeline"] if e["name"] == "add_party")
        parties = Counter(p["name"] for p in case["parties"])
        for name, target in load.acknowledged.items():
            if target == case_id:
                report.lost += timeline[name] == 0 or parties[name] == 0
        report.duplicated_timeline += sum(1 for count in timeline.values() if count > 1)
        report.duplicated_read_model += sum(1 for count in parties.values() if count > 1)

    search = get_client()

    def converged() -> bool:
        for case_id, case in cases.items():
            hits = search.search(index=cases_alias(), body={"query": {"term": {"case_id": case_id}}})["hits"]["hits"]
            if len(hits) != 1 or sorted(hits[0]["_source"]["names"]) != sorted(p["name"] for p in case["parties"]):
                return False
        return True

    took = _wait(converged, timeout=180, interval=2)
    report.index_converged = took is not None
    report.index_converged_after_seconds = round(took, 1) if took is not None else None
    for case_id in cases:
        hits = search.search(index=cases_alias(), body={"query": {"term": {"case_id": case_id}}})["hits"]["hits"]
        names = Counter(hits[0]["_source"]["names"]) if hits else Counter()
        report.duplicated_index += sum(1 for count in names.values() if count > 1) + max(0, len(hits) - 1)
    say(f"checked {len(cases)} cases, {len(load.acknowledged)} acknowledged actions")


def run_failover(settings: Settings, say: Callable[[str], None] = print) -> Report:
    if not settings.cluster:
        raise RuntimeError("the failover test runs on the cluster profile: mizan failover --cluster")
    report = Report(started_at=datetime.now(UTC).isoformat())
    t0 = time.monotonic()
    token = Tokens(settings)
    token.refresh()
    with httpx.Client(base_url=settings.api_url, timeout=60) as http:
        cases = []
        for n in range(CASES):
            response = http.post("/api/v1/cases", json=_report_body(n), headers={"Authorization": f"Bearer {token()}"})
            response.raise_for_status()
            cases.append(str(response.json()["id"]))
    load = Load(settings, token, cases, report)
    load.start()
    try:
        def later(seconds: float, name: str) -> Callable[[], None]:
            def start_again() -> None:
                time.sleep(seconds)
                _start(settings, name)
            return start_again

        def keycloak_away() -> None:
            token.refresh()  # a fresh token before the login service goes: the load needs none during its absence
            _stop(settings, "keycloak")

        faults: list[tuple[Fault, Callable[[], None], Callable[[], None], Callable[[], bool]]] = [
            (Fault("api", "one API process killed (SIGKILL), started again 5 s later"),
             lambda: _kill(settings, "api-1"), later(5, "api-1"), lambda: _in_rotation(settings, "api-1")),
            (Fault("worker", "one worker killed (SIGKILL), started again 5 s later"),
             lambda: _kill_worker(settings, "worker-1"), later(5, "worker-1"),
             lambda: _service(settings, "worker-1").healthy()),
            (Fault("opensearch-node", f"one OpenSearch node stopped for {OPENSEARCH_DOWN_SECONDS:.0f} s"),
             lambda: _stop(settings, "opensearch-2"), later(OPENSEARCH_DOWN_SECONDS, "opensearch-2"),
             lambda: _cluster_green(settings)),
            (Fault("keycloak", f"Keycloak stopped for {KEYCLOAK_DOWN_SECONDS:.0f} s"),
             keycloak_away, later(KEYCLOAK_DOWN_SECONDS, "keycloak"),
             lambda: _service(settings, "keycloak").healthy()),
        ]
        for fault, inject, restore, back in faults:
            report.faults.append(fault)
            _run_fault(load, fault, inject, restore, back, say)
    finally:
        load.finish()
    report.acknowledged = len(load.acknowledged)
    if load.failures:
        say(f"refused or unanswered: {load.failures[:5]}")
    _check(settings, token, load, report, say)
    report.seconds = round(time.monotonic() - t0, 1)
    report.services = {svc.name: svc.role() for svc in Launcher(settings).services}
    return report


def write(report: Report) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"failover-{stamp}.json"
    path.write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"# Failover under load ({report.started_at})", "",
        f"{report.clients} clients sending actions continuously to {report.cases} cases through the load balancer, "
        f"for {report.seconds:.0f} s, on the cluster profile (one 2-core machine).", "",
        f"- actions sent {report.actions_sent}, acknowledged {report.acknowledged}, lost {report.lost}",
        f"- duplicated: timeline {report.duplicated_timeline}, read model {report.duplicated_read_model}, "
        f"index {report.duplicated_index}",
        f"- index converged: {report.index_converged} ({report.index_converged_after_seconds} s after the load)",
        f"- server errors (5xx other than 502/503/504): {report.server_errors}; attempts retried: {report.retries}",
        "", "| fault | answers again after (s) | back in place after (s) | slowest answer (s) | answered | retried |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {f.what} | {f.answers_again_after_seconds} | {f.recovered_after_seconds} | "
              f"{f.slowest_answer_seconds} | {f.answered_in_window} | {f.retried_in_window} |" for f in report.faults]
    path.with_suffix(".md").write_text("\n".join(lines) + "\n")
    return path


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mizan failover", description=__doc__.splitlines()[0])
    parser.parse_args(args)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # thousands of requests: the faults are what to read
    settings = get_settings()
    report = run_failover(settings)
    path = write(report)
    print(path.with_suffix(".md").read_text())
    ok = report.acknowledged == report.actions_sent and (report.lost, report.duplicated_timeline,
                                                          report.duplicated_read_model, report.duplicated_index,
                                                          report.server_errors) == (0, 0, 0, 0, 0)
    return 0 if ok and report.index_converged else 1
