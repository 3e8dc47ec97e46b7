"""The baseline's worker, in a process of its own like Mizan's worker: `python -m bench.raw_worker QUEUE`.

Prints `ready` once polling; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from temporalio.worker import Worker

from bench.raw_workflow import RawWorkflow
from config.settings import get_settings
from workflows.client import connect as connect_temporal


async def serve(task_queue: str) -> None:
    settings = get_settings()
    client = await connect_temporal(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[RawWorkflow]):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
