"""`mizan bench actions`: the procedure's actions through the API against the raw Temporal Update.

Three runs on the same Temporal server, at the same concurrency, the same number of actions:

1. **api**: N cases, each driven from the report to the verdict (open → refer_to_prosecution →
   acknowledge_receipt → refer_to_court → schedule_hearing → record_verdict) over HTTP by C concurrent
   clients with real Keycloak tokens.
2. **service**: the same procedure through `api.cases_service` in this process: no HTTP, no token, no
   audit record; what is left is the read model, the case workflow and its `record_events` activity.
3. **raw**: a minimal workflow (`bench.raw_workflow`) with an Update appending to a list, served by its
   own worker process on its own task queue: one Update-with-Start and five Updates per workflow.

Hearings must lie in the future, so each run has two passes (up to the hearing; the verdicts), and the
wait for the hearing time between them is not counted: throughput is actions per active second.
The gaps between the runs (api − service, service − raw) say where the API's time goes; a few
micro-measurements (token verification, the actor's agency tree, an audit append) break it down further.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from config.settings import ROOT, Settings, get_settings
from core.refusal import Refusal
from infra.demo import DEMO_PASSWORD
from store.agencies import load_agency_tree
from workflows.client import connect as connect_temporal

RESULTS_DIR = ROOT / "bench" / "results"
TARGET_THROUGHPUT_RATIO = 0.70
TARGET_P50_OVERHEAD_MS = 15.0
#: who takes each step of the walk, as in tests/test_walking_skeleton.py
USERS = ("officer.tripoli", "chief.tripoli", "prosecutor.tripoli", "chiefpros.tripoli", "clerk.tripoli",
         "judge.tripoli")
HEARING_LEAD = timedelta(seconds=3)
ACTIONS_PER_CASE = 6


def _report(n: int) -> dict[str, Any]:
    return {
        "offence": "سرقة هاتف محمول", "category": "misdemeanour",
        "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "place": "طرابلس، شارع عمر المختار", "narrative": f"قضية قياس الأداء رقم {n}.",
        "parties": [{"role": "accused", "name": "أحمد عبد الله المبروك", "national_id": "119900011111"},
                    {"role": "complainant", "name": "سالم خليفة الورفلي"}],
    }


def _hearing() -> dict[str, Any]:
    # built when sent: a hearing must still lie in the future when the clerk schedules it
    return {"hearing_at": (datetime.now(UTC) + HEARING_LEAD).isoformat(), "room": "القاعة 3"}


#: the steps up to the hearing: who, which action, the body (made at sending time)
HEARING_STEPS: tuple[tuple[str, str, Callable[[], dict[str, Any]]], ...] = (
    ("chief.tripoli", "refer_to_prosecution", lambda: {"to_agency": "pros.tripoli"}),
    ("prosecutor.tripoli", "acknowledge_receipt", dict),
    ("chiefpros.tripoli", "refer_to_court", lambda: {"to_agency": "court.tripoli", "charges": ["السرقة (المادة 444)"]}),
    ("clerk.tripoli", "schedule_hearing", _hearing),
)


VERDICT = ("judge.tripoli", "record_verdict", {"verdicts": [
    {"party_id": "p1", "result": "convicted", "sentence": "الحبس ستة أشهر", "in_absentia": False}]})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]


@dataclass
class Run:
    """One run's latencies (ms, client side), its active seconds (the passes, not the waits between) and the
    CPU each process spent during it."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    active_seconds: float = 0.0
    workflow_ids: list[str] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        count = len(self.latencies_ms)
        return {
            "actions": count, "active_seconds": round(self.active_seconds, 3),
            "actions_per_second": round(count / self.active_seconds, 1) if self.active_seconds else 0.0,
            "p50_ms": round(percentile(self.latencies_ms, 50), 2),
            "p90_ms": round(percentile(self.latencies_ms, 90), 2),
            "p99_ms": round(percentile(self.latencies_ms, 99), 2),
            "mean_ms": round(sum(self.latencies_ms) / count, 2) if count else float("nan"),
            "max_ms": round(max(self.latencies_ms), 2) if count else float("nan"),
            "cpu_ms_per_action": {name: round(seconds * 1000 / count, 2) for name, seconds in self.cpu_seconds.items()
                                  if count and seconds > 0},
        }


class BenchFailure(Exception):
    pass


async def _timed(run: Run, limit: asyncio.Semaphore, call: Callable[[], Awaitable[Any]]) -> Any:
    async with limit:
        started = time.perf_counter()
        result = await call()
        run.latencies_ms.append((time.perf_counter() - started) * 1000)
    return result


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children, from /proc (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _processes(extra: dict[str, int]) -> dict[str, int]:
    """The services' pids (from their pid files in the run directory), this bench client, and `extra`."""
    pids = {"bench client": os.getpid(), **extra}
    for pid_file in sorted(get_settings().run_dir.glob("*.pid")):
        try:
            pids[pid_file.stem] = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _process_tree(pid: int) -> list[int]:
    """A process and its descendants (Keycloak's launcher script runs its JVM as a child)."""
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            tree += [c for child in (task / "children").read_text().split() for c in _process_tree(int(child))]
        except OSError:
            continue
    return tree


def pin(pids: Iterable[int], cores: set[int]) -> None:
    """Every thread of these processes and their descendants onto `cores`; this process's later children
    (the raw worker) inherit them."""
    for pid in {p for root in pids for p in _process_tree(root)}:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                os.sched_setaffinity(int(task.name), cores)
            except OSError:
                continue  # a thread that ended meanwhile


@contextmanager
def services_on(cores: set[int] | None) -> Iterator[None]:
    """With `cores`, the services and this bench run on those cores only, then get all of them back."""
    if cores is None:
        yield
        return
    everything = os.sched_getaffinity(0)
    services = _processes({}).values()
    pin(services, cores)
    try:
        yield
    finally:
        pin(services, everything)


async def _two_passes(run: Run, cases: int, up_to_hearing: Callable[[int], Awaitable[Any]],
                      verdict: Callable[[Any], Awaitable[None]], extra_pids: dict[str, int] | None = None) -> None:
    pids = _processes(extra_pids or {})
    spent = dict.fromkeys(pids, 0.0)

    async def measured(step: Callable[[], Awaitable[Any]]) -> Any:
        before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        result = await step()
        run.active_seconds += time.perf_counter() - started
        for name, pid in pids.items():
            spent[name] += _cpu_seconds(pid) - before[name]
        return result

    handles = await measured(lambda: asyncio.gather(*(up_to_hearing(n) for n in range(cases))))
    run.workflow_ids = [str(handle) for handle in handles]
    await asyncio.sleep((HEARING_LEAD + timedelta(milliseconds=500)).total_seconds())
    await measured(lambda: asyncio.gather(*(verdict(handle) for handle in handles)))
    run.cpu_seconds = {name: round(seconds, 2) for name, seconds in spent.items()}


# -- 1. the API -------------------------------------------------------------------------------------------


async def fetch_tokens(http: httpx.AsyncClient, settings: Settings) -> dict[str, str]:
    url = f"{settings.issuer}/protocol/openid-connect/token"

    async def one(user: str) -> str:
        response = await http.post(url, data={"grant_type": "password", "client_id": settings.cli_client_id,
                                              "username": user, "password": DEMO_PASSWORD})
        response.raise_for_status()
        return str(response.json()["access_token"])

    return dict(zip(USERS, await asyncio.gather(*(one(u) for u in USERS)), strict=True))


async def api_run(settings: Settings, cases: int, concurrency: int) -> Run:
    run, limit = Run("api"), asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=120, limits=limits) as http:
        tokens = await fetch_tokens(http, settings)

        async def request(user: str, path: str, body: Callable[[], dict[str, Any]], expect: int) -> dict[str, Any]:
            response = await _timed(run, limit, lambda: http.post(
                path, json=body(), headers={"Authorization": f"Bearer {tokens[user]}"}))
            if response.status_code != expect:
                raise BenchFailure(f"{path}: {response.status_code} {response.text}")
            return dict(response.json())

        async def up_to_hearing(n: int) -> str:
            case_id = str((await request("officer.tripoli", "/api/v1/cases", lambda: _report(n), 201))["id"])
            for user, action, body in HEARING_STEPS:
                await request(user, f"/api/v1/cases/{case_id}/actions/{action}", body, 200)
            return case_id

        async def verdict(case_id: str) -> None:
            user, action, body = VERDICT
            await request(user, f"/api/v1/cases/{case_id}/actions/{action}", lambda: body, 200)

        await _two_passes(run, cases, up_to_hearing, verdict)
    return run


# -- 2. the case service, without HTTP --------------------------------------------------------------------


async def service_run(settings: Settings, cases: int, concurrency: int) -> Run:

    from api.auth import verify_token
    from api.cases import service as cases_service
    from api.deps import actor_for
    from store.agencies import load_agency_tree
    from store.database import session_scope

    run, limit = Run("service"), asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as http:
        tokens = await fetch_tokens(http, settings)
    with session_scope() as session:
        tree = load_agency_tree(session)
        actors = {user: actor_for(verify_token(token), tree) for user, token in tokens.items()}
    client = await connect_temporal(settings)

    async def open_case(n: int) -> str:
        with session_scope() as session:
            result, _ = await cases_service.open_case(actors["officer.tripoli"], _report(n), None, session, client)
        return result.case_id

    async def act(user: str, case_id: str, action: str, body: Callable[[], dict[str, Any]]) -> None:
        with session_scope() as session:
            await cases_service.act(actors[user], case_id, action, body(), None, session, client)

    async def up_to_hearing(n: int) -> str:
        case_id: str = await _timed(run, limit, lambda: open_case(n))
        for user, action, body in HEARING_STEPS:
            await _timed(run, limit, lambda u=user, a=action, b=body: act(u, case_id, a, b))  # type: ignore[misc]
        return case_id

    async def verdict(case_id: str) -> None:
        user, action, body = VERDICT
        await _timed(run, limit, lambda: act(user, case_id, action, lambda: body))

    await _two_passes(run, cases, up_to_hearing, verdict)
    return run


# -- 3. the raw Temporal Update ---------------------------------------------------------------------------


async def raw_run(settings: Settings, workflows: int, concurrency: int) -> Run:
    from temporalio.client import WithStartWorkflowOperation
    from temporalio.common import WorkflowIDConflictPolicy

    from bench.raw_workflow import RawWorkflow

    run, limit = Run("raw"), asyncio.Semaphore(concurrency)
    task_queue = f"mizan-bench-raw-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen([sys.executable, "-m", "bench.raw_worker", task_queue], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        if worker.stdout.readline().strip() != "ready":
            raise BenchFailure("the raw worker did not start")
        client = await connect_temporal(settings)

        async def up_to_hearing(n: int) -> str:
            workflow_id = f"bench-raw-{task_queue}-{n}"
            start = WithStartWorkflowOperation(RawWorkflow.run, id=workflow_id, task_queue=task_queue,
                                               id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
            await _timed(run, limit, lambda: client.execute_update_with_start_workflow(
                RawWorkflow.append, "open", start_workflow_operation=start))
            handle = client.get_workflow_handle(workflow_id)
            for step in range(ACTIONS_PER_CASE - 2):
                await _timed(run, limit, lambda s=step: handle.execute_update(RawWorkflow.append, f"step{s}"))  # type: ignore[misc]
            return workflow_id

        async def verdict(workflow_id: str) -> None:
            handle = client.get_workflow_handle(workflow_id)
            await _timed(run, limit, lambda: handle.execute_update(RawWorkflow.append, "verdict"))

        async def finish(workflow_id: str) -> None:
            # ended while the raw worker still runs: left open, it would wait in Temporal for ever
            handle = client.get_workflow_handle(workflow_id)
            await handle.signal(RawWorkflow.finish)
            await handle.result()

        await _two_passes(run, workflows, up_to_hearing, verdict, {"raw worker": worker.pid})
        await asyncio.gather(*(finish(i) for i in run.workflow_ids))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return run


# -- where a workflow's time goes, from its history -------------------------------------------------------


async def history_breakdown(settings: Settings, workflow_ids: list[str]) -> dict[str, float]:
    """Mean durations (ms) in the workflows' histories: Update accepted → completed, each activity
    scheduled → completed, workflow tasks waiting (scheduled → started) and running (started → completed)."""
    from temporalio.api.enums.v1 import EventType

    client = await connect_temporal(settings)
    spans: dict[str, list[float]] = {}

    def add(name: str, start: datetime, end: datetime) -> None:
        spans.setdefault(name, []).append((end - start).total_seconds() * 1000)

    for workflow_id in workflow_ids:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        at = {e.event_id: e.event_time.ToDatetime() for e in history.events}
        activity = {}
        for event in history.events:
            kind, when = event.event_type, event.event_time.ToDatetime()
            if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                activity[event.event_id] = event.activity_task_scheduled_event_attributes.activity_type.name
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
                add(f"activity {activity[scheduled]}", at[scheduled], when)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                add("workflow task waiting", at[event.workflow_task_started_event_attributes.scheduled_event_id], when)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                add("workflow task running", at[event.workflow_task_completed_event_attributes.started_event_id], when)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                add("update accepted to completed",
                    at[event.workflow_execution_update_completed_event_attributes.accepted_event_id], when)
    return {f"{name} ms": round(sum(values) / len(values), 2) for name, values in sorted(spans.items())}


# -- micro-measurements of the API's own steps -------------------------------------------------------------


def _mean_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches (the JWKS, the engine)
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return round((time.perf_counter() - started) * 1000 / repeat, 3)


def micro_measurements(settings: Settings, token: str, repeat: int = 200) -> dict[str, float]:
    from api.auth import verify_token
    from store.audit import Who, audit
    from store.database import ensure_schema, make_engine, session_scope

    def load_tree() -> None:
        with session_scope() as session:
            load_agency_tree(session)

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'audit.db'}")
        ensure_schema(engine)
        from sqlalchemy.orm import sessionmaker

        factory = sessionmaker(engine)

        def append_audit() -> None:
            with factory.begin() as session:
                audit(session, Who("bench", "judge", "court.tripoli", "127.0.0.1"), "case.action",
                      case_id="bench", detail={"action": "record_verdict", "seq": 6})

        audit_ms = _mean_ms(append_audit, repeat)
        engine.dispose()
    return {"verify_token_ms": _mean_ms(lambda: verify_token(token), repeat),
            "session_and_agency_tree_ms": _mean_ms(load_tree, repeat),
            "audit_append_scratch_sqlite_ms": audit_ms}


# -- the report -----------------------------------------------------------------------------------------


def compare(api: dict[str, Any], service: dict[str, Any] | None, raw: dict[str, Any]) -> dict[str, Any]:
    ratio = api["actions_per_second"] / raw["actions_per_second"] if raw["actions_per_second"] else 0.0
    overhead = api["p50_ms"] - raw["p50_ms"]
    out: dict[str, Any] = {
        "throughput_ratio": round(ratio, 3), "throughput_target": TARGET_THROUGHPUT_RATIO,
        "throughput_met": ratio >= TARGET_THROUGHPUT_RATIO,
        "p50_overhead_ms": round(overhead, 2), "p50_overhead_target_ms": TARGET_P50_OVERHEAD_MS,
        "p50_overhead_met": overhead <= TARGET_P50_OVERHEAD_MS,
    }
    if service is not None:
        out["p50_http_token_audit_ms"] = round(api["p50_ms"] - service["p50_ms"], 2)
        out["p50_case_workflow_and_read_model_ms"] = round(service["p50_ms"] - raw["p50_ms"], 2)
    return out


def markdown(result: dict[str, Any]) -> str:
    runs = result["runs"]
    lines = [f"# bench actions — {result['started_at']}", "",
             f"{result['cases']} cases × {ACTIONS_PER_CASE} actions, concurrency {result['concurrency']}, "
             f"Temporal {result['temporal']}, database `{result['database']}`.", "",
             "| run | actions | active s | actions/s | p50 ms | p90 ms | p99 ms | max ms |",
             "|---|---|---|---|---|---|---|---|"]
    for name, run in runs.items():
        lines.append(f"| {name} | {run['actions']} | {run['active_seconds']} | {run['actions_per_second']} | "
                     f"{run['p50_ms']} | {run['p90_ms']} | {run['p99_ms']} | {run['max_ms']} |")
    c = result["comparison"]
    lines += ["", f"- API / raw throughput: **{c['throughput_ratio']:.0%}** (target ≥ {TARGET_THROUGHPUT_RATIO:.0%}: "
              f"{'met' if c['throughput_met'] else 'NOT met'})",
              f"- p50 overhead over raw: **{c['p50_overhead_ms']} ms** (target ≤ {TARGET_P50_OVERHEAD_MS:g} ms: "
              f"{'met' if c['p50_overhead_met'] else 'NOT met'})"]
    if "p50_http_token_audit_ms" in c:
        lines += [f"- of which HTTP + token + actor + audit (api − service): {c['p50_http_token_audit_ms']} ms",
                  f"- of which case workflow + record_events + read model (service − raw): "
                  f"{c['p50_case_workflow_and_read_model_ms']} ms"]
    lines += ["", "CPU per action (ms, all processes on this machine; "
              f"{result['cpus']} cores):", "", "| process | " + " | ".join(runs) + " |", "|---" * (1 + len(runs)) + "|"]
    processes = sorted({name for run in runs.values() for name in run["cpu_ms_per_action"]})
    for process in [*processes, "total"]:
        cells = " | ".join(
            str(round(sum(run["cpu_ms_per_action"].values()), 2) if process == "total"
                else run["cpu_ms_per_action"].get(process, "")) for run in runs.values())
        lines.append(f"| {process} | {cells} |")
    histories = result["workflow_histories"]
    lines += ["", "Workflow histories (mean ms per span):", "", "| span | " + " | ".join(histories) + " |",
              "|---" * (1 + len(histories)) + "|"]
    spans = sorted({span for history in result["workflow_histories"].values() for span in history})
    for span in spans:
        cells = " | ".join(str(history.get(span, "")) for history in result["workflow_histories"].values())
        lines.append(f"| {span} | {cells} |")
    lines += ["", "Micro-measurements (mean, sequential, this process):", ""]
    lines += [f"- {name}: {value} ms" for name, value in result["micro"].items()]
    return "\n".join(lines) + "\n"


def parse(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mizan bench actions", description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--cases", type=int, default=20, help="cases driven through the procedure (default 20)")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--skip-service", action="store_true", help="leave out the in-process service run")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where the results go")
    parser.add_argument("--cores", type=lambda text: {int(c) for c in text.split(",")}, default=None,
                        help="run the services and the bench on these cores only, e.g. 0 or 0,1 (default: all)")
    return parser.parse_args(args)


async def run_all(ns: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    started_at = datetime.now(UTC)
    done: list[Run] = [await api_run(settings, ns.cases, ns.concurrency),
                       await raw_run(settings, ns.cases, ns.concurrency)]
    if not ns.skip_service:
        done.append(await service_run(settings, ns.cases, ns.concurrency))
    runs = {run.name: run.summary() for run in done}
    histories = {run.name: await history_breakdown(settings, run.workflow_ids) for run in done if run.name != "service"}
    async with httpx.AsyncClient(timeout=60) as http:
        token = (await fetch_tokens(http, settings))["judge.tripoli"]
    return {
        "benchmark": "actions", "started_at": started_at.isoformat(timespec="seconds"), "cases": ns.cases,
        "concurrency": ns.concurrency, "api_url": settings.api_url, "temporal": settings.temporal_address,
        "task_queue": settings.task_queue, "database": settings.db_url.split("://")[0],
        "cpus": len(os.sched_getaffinity(0)), "runs": runs,
        "comparison": compare(runs["api"], runs.get("service"), runs["raw"]),
        "micro": micro_measurements(settings, token),
        "workflow_histories": histories,
    }


def main(args: list[str] | None = None) -> int:
    ns = parse(sys.argv[1:] if args is None else args)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would bury the report
    settings = get_settings()
    try:
        with services_on(ns.cores):
            result = asyncio.run(run_all(ns, settings))
    except (BenchFailure, Refusal, httpx.HTTPError) as error:
        print(f"bench actions failed: {error!r}", file=sys.stderr)
        return 1
    ns.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = ns.out / f"actions-{stamp}.json"
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    report = markdown(result)
    json_path.with_suffix(".md").write_text(report)
    print(report)
    print(f"results: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
