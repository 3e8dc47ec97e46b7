"""The Mizan worker: runs the case workflow and its activities on the task queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.audit import anchor_audit_chain
from activities.certificates import CERTIFICATE_ACTIVITIES
from activities.health import heartbeat_path
from activities.merging import deliver_merge
from activities.notifying import deliver_emails, sweep_reminders
from activities.recording import index_case, record_and_index, record_events
from activities.severing import start_severed_case
from config.settings import Settings, get_settings
from search.client import get_client
from search.maintenance import ensure_indices
from store.database import default_engine
from workflows.audit_anchor import AuditAnchorWorkflow
from workflows.case import CaseWorkflow
from workflows.certificate import CertificateWorkflow
from workflows.client import AUDIT_ANCHOR_WORKFLOW_ID, POSTMAN_WORKFLOW_ID, REMINDERS_WORKFLOW_ID
from workflows.client import connect as connect_temporal
from workflows.messages import PostRound
from workflows.postman import PostmanWorkflow
from workflows.reminders import RemindersWorkflow

log = logging.getLogger("mizan.worker")


#: deterministic, side-effect-free modules the workflow shares with the rest of Mizan; passed through the
#: sandbox so that their dataclasses are the same classes inside and out (and their type hints resolve)
PASSTHROUGH = ("core", "workflows.messages", "workflows.search_attributes", "workflows.client", "store.codec",
               "config", "zoneinfo", "yaml")


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH))


def build_worker(client: Client, task_queue: str, executor: ThreadPoolExecutor) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CaseWorkflow, CertificateWorkflow, AuditAnchorWorkflow, PostmanWorkflow, RemindersWorkflow],
        workflow_runner=workflow_runner(),
        activities=[record_events, record_and_index, index_case, deliver_merge, start_severed_case, anchor_audit_chain,
                    deliver_emails, sweep_reminders, *CERTIFICATE_ACTIVITIES],
        activity_executor=executor,
        max_concurrent_activities=16,
    )


async def start_singletons(client: Client, settings: Settings) -> None:
    """The installation's one audit anchor, postman and reminders sweep: started by the first worker, found
    running by the rest."""
    running = WorkflowIDConflictPolicy.USE_EXISTING
    queue = settings.task_queue
    await client.start_workflow(AuditAnchorWorkflow.run, settings.audit_anchor_seconds, id=AUDIT_ANCHOR_WORKFLOW_ID,
                                task_queue=queue, id_conflict_policy=running)
    await client.start_workflow(PostmanWorkflow.run, PostRound(batch=settings.email_batch), id=POSTMAN_WORKFLOW_ID,
                                task_queue=queue, id_conflict_policy=running)
    await client.start_workflow(RemindersWorkflow.run, settings.reminders_every_seconds, id=REMINDERS_WORKFLOW_ID,
                                task_queue=queue, id_conflict_policy=running)


async def heartbeat(client: Client, worker: Worker, path: Path, every_seconds: float, stop: asyncio.Event) -> None:
    """While this worker runs and Temporal answers it, rewrite its heartbeat file (the liveness and readiness
    probes read its age: `python -m activities.health`). A worker that stops polling, or cannot reach Temporal,
    lets the file grow old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while not stop.is_set():
        try:
            healthy = worker.is_running and await client.service_client.check_health(
                timeout=timedelta(seconds=every_seconds))
        except Exception as exc:  # a probe: any failure to answer is "not healthy", said in the log
            log.warning("worker heartbeat: Temporal does not answer: %s", exc)
            healthy = False
        if healthy:
            staged = path.with_name(path.name + ".tmp")
            staged.write_text(f"{time.time():.3f}\n")
            staged.replace(path)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    default_engine()
    ensure_indices(get_client())
    client = await connect_temporal(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings.task_queue, executor)
        async with worker:
            await start_singletons(client, settings)
            settings.run_dir.mkdir(parents=True, exist_ok=True)
            ready = settings.run_dir / "worker.ready"
            ready.write_text("ready\n")
            alive = heartbeat_path(settings)
            beating = asyncio.create_task(heartbeat(client, worker, alive, settings.worker_heartbeat_seconds, stop))
            log.info("worker polling %s", settings.task_queue)
            try:
                await stop.wait()
            finally:
                await beating
                ready.unlink(missing_ok=True)
                alive.unlink(missing_ok=True)


if __name__ == "__main__":
    asyncio.run(main())
